// TCP socket options (linux/tcp.h). Names and namespace as errno.h explains.
#pragma once

namespace kiln::inline abi {

inline constexpr int kTCP_NODELAY = 1, kTCP_MAXSEG = 2, kTCP_KEEPIDLE = 4, kTCP_KEEPINTVL = 5,
                     kTCP_KEEPCNT = 6;

}  // namespace kiln::inline abi
