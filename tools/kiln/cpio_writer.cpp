#include "cpio_writer.h"

#include <cstdio>

#include "errors.h"

namespace kiln::cli {

void CpioWriter::pad4() {
  while (m_out.size() % 4) m_out.push_back(0);
}

void CpioWriter::add_entry(std::string_view name, const CpioMeta& meta, uint32_t nlink, const uint8_t* data,
                           size_t size) {
  if (size > UINT32_MAX) throw Failure("cannot bake " + std::string(name) + ": larger than 4 GiB (cpio newc limit)");
  // newc header: magic + 13 fields of 8 hex digits, then the name with its
  // NUL, padded to 4; then the data, padded to 4.
  char header[6 + 13 * 8 + 1];
  std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                name == "TRAILER!!!" ? 0u : m_next_ino++, meta.mode, meta.uid, meta.gid, nlink, meta.mtime,
                static_cast<uint32_t>(size), 0u, 0u, 0u, 0u, static_cast<uint32_t>(name.size() + 1), 0u);
  m_out.insert(m_out.end(), header, header + sizeof header - 1);
  m_out.insert(m_out.end(), name.begin(), name.end());
  m_out.push_back(0);
  pad4();
  if (size) m_out.insert(m_out.end(), data, data + size);
  pad4();
}

void CpioWriter::add_directory(std::string_view name, uint32_t mode) {
  add_entry(name, {.mode = mode, .mtime = m_mtime}, 2, nullptr, 0);
}

void CpioWriter::add_file(std::string_view name, const Bytes& data, uint32_t mode) {
  add_entry(name, {.mode = mode, .mtime = m_mtime}, 1, data.data(), data.size());
}

void CpioWriter::add_file(std::string_view name, std::string_view text, uint32_t mode) {
  add_entry(name, {.mode = mode, .mtime = m_mtime}, 1, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

void CpioWriter::add(std::string_view name, const CpioMeta& meta, const uint8_t* data, size_t size) {
  add_entry(name, meta, (meta.mode & kS_IFMT) == kS_IFDIR ? 2 : 1, data, size);
}

void CpioWriter::align_next_data(std::string_view next_name, size_t alignment) {
  constexpr std::string_view kPad = ".kiln/pad";
  constexpr size_t kHeader = 110;
  auto align4 = [](size_t v) { return (v + 3) & ~size_t(3); };
  // Where the next entry's data would start after an empty padding entry.
  size_t next_header = align4(align4(m_out.size() + kHeader + kPad.size() + 1));
  size_t next_data = align4(next_header + kHeader + next_name.size() + 1);
  Bytes fill((alignment - next_data % alignment) % alignment, 0);
  add_file(kPad, fill);
}

Bytes CpioWriter::finish() {
  add_entry("TRAILER!!!", {.mode = 0}, 1, nullptr, 0);
  return std::move(m_out);
}

}  // namespace kiln::cli
