// Writes cpio archives in the SVR4 "newc" format (magic 070701), the format
// of the baked payload (docs/internals.md). Entries go out in the order they
// are added; finish() appends the TRAILER!!! entry.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "abi/linux/stat.h"
#include "util.h"

namespace kiln::cli {

// The attributes an entry carries besides its name and data.
struct CpioMeta {
  uint32_t mode;  // file type (kS_IF*) and permission bits, as in the guest's st_mode
  uint32_t uid = 0, gid = 0;
  uint32_t mtime = 0;
};

class CpioWriter {
 public:
  // `mtime` is the default time of entries added without a CpioMeta.
  explicit CpioWriter(uint32_t mtime) : m_mtime(mtime) {}

  void add_directory(std::string_view name, uint32_t mode = kS_IFDIR | 0755);
  void add_file(std::string_view name, const Bytes& data, uint32_t mode = kS_IFREG | 0644);
  void add_file(std::string_view name, std::string_view text, uint32_t mode = kS_IFREG | 0644);
  // With explicit attributes; a symlink's data is its target.
  void add(std::string_view name, const CpioMeta& meta, const uint8_t* data, size_t size);
  // Adds a padding entry so that the data of the entry added next, named
  // `next_name`, starts at a multiple of `alignment` from the archive's start.
  void align_next_data(std::string_view next_name, size_t alignment);
  Bytes finish();

 private:
  void add_entry(std::string_view name, const CpioMeta& meta, uint32_t nlink, const uint8_t* data, size_t size);
  void pad4();

  Bytes m_out;
  uint32_t m_mtime;
  uint32_t m_next_ino = 1;
};

}  // namespace kiln::cli
