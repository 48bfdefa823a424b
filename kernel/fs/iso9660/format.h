// ISO 9660 (ECMA-119) on-disk layout: volume descriptors, directory records
// and their dates, read through bounds-checked helpers. Everything here is
// untrusted media; callers validate lengths before reading fields.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/node.h"

namespace kiln::fs::iso9660 {

inline constexpr uint32_t kBlockSize = 2048;  // the only logical block size supported
inline constexpr uint32_t kSectorsPerBlock = 4;  // 512-byte device sectors
inline constexpr uint32_t kFirstDescriptor = 16;
inline constexpr uint32_t kMaxDescriptors = 64;  // bound on the descriptor set walk

// Volume descriptor types and fields (offsets in the 2048-byte block).
inline constexpr uint8_t kVdBoot = 0, kVdPrimary = 1, kVdSupplementary = 2, kVdTerminator = 255;
inline constexpr size_t kVdId = 1;           // "CD001"
inline constexpr size_t kVdEscapes = 88;     // Joliet: "%/@", "%/C", "%/E"
inline constexpr size_t kVdVolumeBlocks = 80;  // both-endian 32
inline constexpr size_t kVdBlockSize = 128;    // both-endian 16
inline constexpr size_t kVdRootRecord = 156;   // a 34-byte directory record

// Directory record fields.
inline constexpr size_t kDrLength = 0, kDrXarLength = 1, kDrExtent = 2, kDrSize = 10,
                        kDrDate = 18, kDrFlags = 25, kDrUnitSize = 26, kDrInterleave = 27,
                        kDrNameLength = 32, kDrName = 33;
inline constexpr size_t kDrMinLength = 34;  // 33 fixed bytes and a 1-byte name
inline constexpr uint8_t kFlagHidden = 1, kFlagDirectory = 2, kFlagAssociated = 4,
                         kFlagMultiExtent = 0x80;

inline uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
inline uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

// A directory record: `p` points at its length byte, `len` bytes are valid.
struct Record {
  const uint8_t* p = nullptr;
  size_t len = 0;
  uint64_t pos = 0;  // byte address on the volume, for inode numbers

  uint8_t flags() const { return p[kDrFlags]; }
  bool is_dir() const { return flags() & kFlagDirectory; }
  uint32_t extent() const { return le32(p + kDrExtent); }
  uint32_t data_start() const { return extent() + p[kDrXarLength]; }  // skips the XAR
  uint32_t size() const { return le32(p + kDrSize); }
  uint8_t name_len() const { return p[kDrNameLength]; }
  const uint8_t* name() const { return p + kDrName; }
  // "." and ".." are one byte, 0 and 1.
  bool is_dot() const { return name_len() == 1 && p[kDrName] == 0; }
  bool is_dotdot() const { return name_len() == 1 && p[kDrName] == 1; }
  // The System Use area follows the name, padded to an even offset.
  size_t su_offset() const { return (kDrName + name_len() + 1) & ~size_t(1); }
};

// Checks the fixed part of the record at `p` with `avail` bytes left in its
// block; fills *out. False when the record is malformed.
inline bool parse_record(const uint8_t* p, size_t avail, uint64_t pos, Record* out) {
  if (avail < kDrMinLength) return false;
  size_t len = p[kDrLength];
  if (len < kDrMinLength || len > avail) return false;
  size_t name_len = p[kDrNameLength];
  if (name_len == 0 || kDrName + name_len > len) return false;
  *out = Record{p, len, pos};
  return true;
}

// Seconds since the epoch of a proleptic Gregorian UTC date.
int64_t civil_to_epoch(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                       int64_t second);
// The 7-byte recording date of directory records and short-form TF times:
// years since 1900, month, day, hour, minute, second, and the offset from
// GMT in 15-minute units (ignored when beyond +-13 hours, as Linux does).
Time decode_short_date(const uint8_t* p);
// The 17-byte form: "YYYYMMDDHHMMSScc" digits and the GMT offset byte.
Time decode_long_date(const uint8_t* p);

}  // namespace kiln::fs::iso9660
