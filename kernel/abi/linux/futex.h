// futex() operations, FUTEX_WAKE_OP's encoding and the robust list
// (linux/futex.h). Names and namespace as errno.h explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr int kFUTEX_WAIT = 0, kFUTEX_WAKE = 1, kFUTEX_REQUEUE = 3,
                     kFUTEX_CMP_REQUEUE = 4, kFUTEX_WAKE_OP = 5, kFUTEX_WAIT_BITSET = 9,
                     kFUTEX_WAKE_BITSET = 10;
inline constexpr int kFUTEX_PRIVATE_FLAG = 128, kFUTEX_CLOCK_REALTIME = 256;

// FUTEX_WAKE_OP's val3: op in bits 28-31 (with FUTEX_OP_OPARG_SHIFT, oparg
// is a shift count), cmp in 24-27, oparg in 12-23, cmparg in 0-11.
inline constexpr int kFUTEX_OP_SET = 0, kFUTEX_OP_ADD = 1, kFUTEX_OP_OR = 2, kFUTEX_OP_ANDN = 3,
                     kFUTEX_OP_XOR = 4, kFUTEX_OP_OPARG_SHIFT = 8;
inline constexpr int kFUTEX_OP_CMP_EQ = 0, kFUTEX_OP_CMP_NE = 1, kFUTEX_OP_CMP_LT = 2,
                     kFUTEX_OP_CMP_LE = 3, kFUTEX_OP_CMP_GT = 4, kFUTEX_OP_CMP_GE = 5;

// struct robust_list_head: the list, the futex offset, the pending entry.
struct RobustListHead {
  uint64_t next;
  int64_t futex_offset;
  uint64_t list_op_pending;
};
static_assert(sizeof(RobustListHead) == 24);

}  // namespace kiln::inline abi
