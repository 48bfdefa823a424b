// Vectored I/O (linux/uio.h). Names and namespace as errno.h explains.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::inline abi {

inline constexpr size_t kUIO_MAXIOV = 1024;  // iovecs in one call (libc's IOV_MAX)

struct Iovec {
  uint64_t base, len;  // a user address
};

}  // namespace kiln::inline abi
