// The System Use Sharing Protocol (SUSP, IEEE P1281) and the Rock Ridge
// Interchange Protocol (RRIP, IEEE P1282) entries of one directory record:
// PX (mode, links, owner, serial number), PN (device), NM (name), SL
// (symlink), TF (times), CL/PL/RE (relocated directories), and CE
// continuation areas, followed at most kMaxContinuations times (a loop
// in the chain is corrupt media: -EIO).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi/linux/limits.h"
#include "lib/fallible.h"
#include "fs/iso9660/block_cache.h"
#include "fs/node.h"

namespace kiln::fs::iso9660 {

inline constexpr int kMaxContinuations = 32;  // Linux's RR_MAX_CE_ENTRIES
inline constexpr size_t kLinkMax = kPATH_MAX - 1;  // a target must fit PATH_MAX with its NUL

// TF time bits, in the order the times are recorded.
inline constexpr uint8_t kTfCreation = 1, kTfModify = 2, kTfAccess = 4, kTfAttributes = 8,
                         kTfLongForm = 0x80;

struct RockRidge : Fallible {
  bool px = false, pn = false, sl = false, cl = false, pl = false, re = false, zf = false;
  uint32_t mode = 0, nlink = 0, uid = 0, gid = 0;
  uint64_t ino = 0;  // the PX serial number (RRIP 1.12); 0 when not recorded
  uint32_t dev_high = 0, dev_low = 0;
  uint32_t cl_block = 0, pl_block = 0;
  uint8_t times = 0;  // kTfModify, kTfAccess, kTfAttributes (ctime) that were found
  Time mtime, atime, ctime;
  size_t name_len = 0;  // 0: no NM name
  size_t link_len = 0;  // the symlink target's length, even when over kLinkMax
  char name[kNAME_MAX + 1];
};

// Where the System Use fields of records begin (LEN_SKP of the SP entry).
struct SuspContext {
  BlockCache* cache;
  uint32_t volume_blocks;  // continuation areas must lie below this block
  uint8_t skip;
};

// Parses the System Use area `su`/`len` of a record (the caller has already
// applied the SP skip) and its continuation areas into *out. When `link` is
// given, the symlink target is written there (up to kLinkMax bytes).
// Returns 0, -EIO (bad continuation, read error) or -ENOMEM.
[[nodiscard]] long parse_rock_ridge(const SuspContext& ctx, const uint8_t* su, size_t len, RockRidge* out,
                      char* link = nullptr);

// Whether `su` (the System Use area of the root's "." record) starts with
// the SUSP indicator SP; *skip receives its LEN_SKP.
bool find_susp_indicator(const uint8_t* su, size_t len, uint8_t* skip);

}  // namespace kiln::fs::iso9660
