// mmap, mprotect, mremap, madvise and msync arguments
// (asm-generic/mman-common.h, linux/mman.h). Names and namespace as errno.h
// explains.
#pragma once

#include <stdint.h>

namespace kiln::inline abi {

inline constexpr uint32_t kPROT_NONE = 0, kPROT_READ = 1, kPROT_WRITE = 2, kPROT_EXEC = 4,
                          kPROT_GROWSDOWN = 0x01000000;

inline constexpr uint32_t kMAP_SHARED = 1, kMAP_PRIVATE = 2, kMAP_SHARED_VALIDATE = 3,
                          kMAP_FIXED = 0x10, kMAP_ANONYMOUS = 0x20, kMAP_NORESERVE = 0x4000,
                          kMAP_POPULATE = 0x8000, kMAP_FIXED_NOREPLACE = 0x100000;

inline constexpr uint32_t kMREMAP_MAYMOVE = 1, kMREMAP_FIXED = 2, kMREMAP_DONTUNMAP = 4;

inline constexpr uint64_t kMADV_DONTNEED = 4, kMADV_FREE = 8, kMADV_REMOVE = 9,
                          kMADV_COLLAPSE = 25;

inline constexpr int kMS_ASYNC = 1, kMS_INVALIDATE = 2, kMS_SYNC = 4;

}  // namespace kiln::inline abi
