// getrandom() flags (linux/random.h). Names and namespace as errno.h
// explains.
#pragma once

namespace kiln::inline abi {

inline constexpr int kGRND_NONBLOCK = 1, kGRND_RANDOM = 2, kGRND_INSECURE = 4;

}  // namespace kiln::inline abi
