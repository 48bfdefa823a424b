// The contract between `kiln bake`, `kiln run` and the kernel.
// Shared by host tools and the freestanding kernel: plain C++, no library.
#pragma once

#include <stdint.h>

namespace kiln::image {

// The kernel ELF reserves one PT_NULL program header. `kiln bake` appends the
// payload (a cpio "newc" archive) page-aligned at the end of the file, turns
// that header into a PT_LOAD placing the payload right after the kernel in
// physical memory, and fills in the PayloadInfo that lives in the kernel's
// `.kiln_payload` section. The result is still one bootable ELF.
inline constexpr char kPayloadSection[] = ".kiln_payload";
inline constexpr uint64_t kPayloadMagic = 0x44414f4c59415050ull;  // "PPAYLOAD"
inline constexpr uint64_t kPageSize = 4096;

struct PayloadInfo {
  uint64_t magic;     // kPayloadMagic once baked; zero in an unbaked kernel
  uint64_t paddr;     // physical address of the cpio archive
  uint64_t size;      // its length in bytes
  uint64_t reserved;  // zero
};
static_assert(sizeof(PayloadInfo) == 32);

// Well-known paths inside the payload archive.
inline constexpr char kManifestPath[] = ".kiln/manifest.json";  // bake metadata
inline constexpr char kKernelSymbols[] = ".kiln/kernel.sym";     // "ADDR SIZE NAME\n" sorted by ADDR

// I/O ports the kernel uses to talk to the launcher under QEMU.
// isa-debug-exit: QEMU exits with status (value << 1) | 1.
inline constexpr uint16_t kDebugExitPort = 0xf4;
// isa-debugcon: the kernel writes "exit N\n" here just before leaving, so
// the launcher learns the full 8-bit status (debug-exit only carries 7).
inline constexpr uint16_t kStatusPort = 0x402;

}  // namespace kiln::image
