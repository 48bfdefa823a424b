// The ext2 on-disk format (revision 0 and 1), as e2fsprogs' ext2_fs.h and
// Linux's fs/ext2/ext2.h lay it out. Every field is little-endian, which is
// the byte order of every machine kiln builds for (x86-64, and the host).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kiln::fs::ext2 {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ext2 structures are read in place");

inline constexpr uint32_t kSuperOffset = 1024;  // bytes into the volume
inline constexpr uint32_t kSuperSize = 1024;
inline constexpr uint32_t kRootIno = 2;
inline constexpr uint32_t kResizeIno = 7;
inline constexpr uint32_t kGoodOldFirstIno = 11;
inline constexpr uint32_t kGoodOldInodeSize = 128;
inline constexpr uint32_t kDirectBlocks = 12;
inline constexpr uint32_t kIndBlock = 12, kDindBlock = 13, kTindBlock = 14, kNBlocks = 15;
inline constexpr uint32_t kLinkMax = 32000;  // EXT2_LINK_MAX
inline constexpr uint32_t kNameMax = 255;
inline constexpr uint32_t kFastSymlinkMax = 59;  // fits i_block (60 bytes) with its NUL

// s_state
inline constexpr uint16_t kStateValid = 1, kStateError = 2;
// s_rev_level
inline constexpr uint32_t kRevGoodOld = 0, kRevDynamic = 1;

// Compatible features: safe to ignore.
inline constexpr uint32_t kCompatDirPrealloc = 0x1, kCompatImagicInodes = 0x2,
                          kCompatHasJournal = 0x4, kCompatExtAttr = 0x8,
                          kCompatResizeInode = 0x10, kCompatDirIndex = 0x20,
                          kCompatSparseSuper2 = 0x200;
// Incompatible features: must be understood to read the volume at all.
inline constexpr uint32_t kIncompatCompression = 0x1, kIncompatFiletype = 0x2,
                          kIncompatRecover = 0x4, kIncompatJournalDev = 0x8,
                          kIncompatMetaBg = 0x10, kIncompatExtents = 0x40,
                          kIncompat64bit = 0x80, kIncompatMmp = 0x100,
                          kIncompatFlexBg = 0x200, kIncompatEaInode = 0x400,
                          kIncompatDirdata = 0x1000, kIncompatCsumSeed = 0x2000,
                          kIncompatLargedir = 0x4000, kIncompatInlineData = 0x8000,
                          kIncompatEncrypt = 0x10000, kIncompatCasefold = 0x20000;
// Read-only compatible features: must be understood to write.
inline constexpr uint32_t kRoCompatSparseSuper = 0x1, kRoCompatLargeFile = 0x2,
                          kRoCompatBtreeDir = 0x4, kRoCompatHugeFile = 0x8,
                          kRoCompatGdtCsum = 0x10, kRoCompatDirNlink = 0x20,
                          kRoCompatExtraIsize = 0x40, kRoCompatQuota = 0x100,
                          kRoCompatBigalloc = 0x200, kRoCompatMetadataCsum = 0x400,
                          kRoCompatReadonly = 0x1000, kRoCompatProject = 0x2000;

// What this implementation reads, and what it also writes.
inline constexpr uint32_t kIncompatSupported = kIncompatFiletype | kIncompatFlexBg;
inline constexpr uint32_t kRoCompatWritable = kRoCompatSparseSuper | kRoCompatLargeFile |
                                              kRoCompatBtreeDir | kRoCompatDirNlink |
                                              kRoCompatExtraIsize;

struct [[gnu::packed]] Super {
  uint32_t inodes_count;       // 0
  uint32_t blocks_count;       // 4
  uint32_t r_blocks_count;     // 8
  uint32_t free_blocks_count;  // 12
  uint32_t free_inodes_count;  // 16
  uint32_t first_data_block;   // 20
  uint32_t log_block_size;     // 24
  uint32_t log_frag_size;      // 28
  uint32_t blocks_per_group;   // 32
  uint32_t frags_per_group;    // 36
  uint32_t inodes_per_group;   // 40
  uint32_t mtime;              // 44
  uint32_t wtime;              // 48
  uint16_t mnt_count;          // 52
  int16_t max_mnt_count;       // 54
  uint16_t magic;              // 56
  uint16_t state;              // 58
  uint16_t errors;             // 60
  uint16_t minor_rev_level;    // 62
  uint32_t lastcheck;          // 64
  uint32_t checkinterval;      // 68
  uint32_t creator_os;         // 72
  uint32_t rev_level;          // 76
  uint16_t def_resuid;         // 80
  uint16_t def_resgid;         // 82
  // Revision 1 (dynamic) only.
  uint32_t first_ino;              // 84
  uint16_t inode_size;             // 88
  uint16_t block_group_nr;         // 90
  uint32_t feature_compat;         // 92
  uint32_t feature_incompat;       // 96
  uint32_t feature_ro_compat;      // 100
  uint8_t uuid[16];                // 104
  char volume_name[16];            // 120
  char last_mounted[64];           // 136
  uint32_t algorithm_usage_bitmap; // 200
  uint8_t prealloc_blocks;         // 204
  uint8_t prealloc_dir_blocks;     // 205
  uint16_t reserved_gdt_blocks;    // 206
  uint8_t journal_uuid[16];        // 208
  uint32_t journal_inum;           // 224
  uint32_t journal_dev;            // 228
  uint32_t last_orphan;            // 232
  uint32_t hash_seed[4];           // 236
  uint8_t def_hash_version;        // 252
  uint8_t jnl_backup_type;         // 253
  uint16_t desc_size;              // 254
  uint32_t default_mount_opts;     // 256
  uint32_t first_meta_bg;          // 260
  uint32_t mkfs_time;              // 264
  uint32_t jnl_blocks[17];         // 268
  uint32_t blocks_count_hi;        // 336
  uint32_t r_blocks_count_hi;      // 340
  uint32_t free_blocks_hi;         // 344
  uint16_t min_extra_isize;        // 348
  uint16_t want_extra_isize;       // 350
  uint32_t flags;                  // 352
  uint16_t raid_stride;            // 356
  uint16_t mmp_interval;           // 358
  uint64_t mmp_block;              // 360
  uint32_t raid_stripe_width;      // 368
  uint8_t log_groups_per_flex;     // 372
  uint8_t checksum_type;           // 373
  uint16_t reserved_pad;           // 374
  uint64_t kbytes_written;         // 376
  uint8_t rest[1024 - 384];        // snapshots, errors, backup_bgs, checksum...
};
static_assert(sizeof(Super) == 1024);
static_assert(offsetof(Super, magic) == 56);
static_assert(offsetof(Super, feature_compat) == 92);
static_assert(offsetof(Super, reserved_gdt_blocks) == 206);
static_assert(offsetof(Super, desc_size) == 254);
static_assert(offsetof(Super, min_extra_isize) == 348);
static_assert(offsetof(Super, kbytes_written) == 376);
// s_backup_bgs[2] (sparse_super2) at byte 0x24c.
inline constexpr size_t kBackupBgsOffset = 0x24c;

struct [[gnu::packed]] GroupDesc {
  uint32_t block_bitmap;
  uint32_t inode_bitmap;
  uint32_t inode_table;
  uint16_t free_blocks_count;
  uint16_t free_inodes_count;
  uint16_t used_dirs_count;
  uint16_t flags;
  uint32_t exclude_bitmap;
  uint16_t block_bitmap_csum;
  uint16_t inode_bitmap_csum;
  uint16_t itable_unused;
  uint16_t checksum;
};
static_assert(sizeof(GroupDesc) == 32);

// Naturally aligned (no packing, so fields can be referenced); the
// asserts pin the layout.
struct Inode {
  uint16_t mode;          // 0
  uint16_t uid;           // 2
  uint32_t size;          // 4
  uint32_t atime;         // 8
  uint32_t ctime;         // 12
  uint32_t mtime;         // 16
  uint32_t dtime;         // 20
  uint16_t gid;           // 24
  uint16_t links_count;   // 26
  uint32_t blocks;        // 28: 512-byte units
  uint32_t flags;         // 32
  uint32_t osd1;          // 36
  uint32_t block[15];     // 40
  uint32_t generation;    // 100
  uint32_t file_acl;      // 104
  uint32_t size_high;     // 108: i_dir_acl in revision 0
  uint32_t faddr;         // 112
  uint16_t blocks_high;   // 116 (Linux osd2)
  uint16_t file_acl_high; // 118
  uint16_t uid_high;      // 120
  uint16_t gid_high;      // 122
  uint16_t checksum_lo;   // 124
  uint16_t reserved;      // 126
  // Large inodes (s_inode_size > 128): present up to 128 + extra_isize.
  uint16_t extra_isize;   // 128
  uint16_t checksum_hi;   // 130
  uint32_t ctime_extra;   // 132
  uint32_t mtime_extra;   // 136
  uint32_t atime_extra;   // 140
  uint32_t crtime;        // 144
  uint32_t crtime_extra;  // 148
  uint32_t version_hi;    // 152
  uint32_t projid;        // 156
};
static_assert(sizeof(Inode) == 160);
static_assert(offsetof(Inode, block) == 40);
static_assert(offsetof(Inode, uid_high) == 120);
static_assert(offsetof(Inode, extra_isize) == 128 && offsetof(Inode, crtime) == 144);
inline constexpr uint16_t kWantExtraIsize = 32;  // what Linux gives new large inodes

// i_flags
inline constexpr uint32_t kIndexFl = 0x1000;     // hashed (htree) directory
inline constexpr uint32_t kHugeFileFl = 0x40000;
inline constexpr uint32_t kExtentsFl = 0x80000;
inline constexpr uint32_t kInlineDataFl = 0x10000000;

struct [[gnu::packed]] DirEntry {
  uint32_t inode;
  uint16_t rec_len;
  uint8_t name_len;
  uint8_t file_type;  // with the filetype feature; else the high byte of name_len
};
static_assert(sizeof(DirEntry) == 8);

// The space an entry with a name of `len` bytes needs.
inline constexpr uint32_t rec_len_for(uint32_t len) { return (8 + len + 3) & ~3u; }

// Directory entry file types.
inline constexpr uint8_t kFtUnknown = 0, kFtRegular = 1, kFtDir = 2, kFtChr = 3, kFtBlk = 4,
                         kFtFifo = 5, kFtSock = 6, kFtSymlink = 7;

// Extended attribute block header (only its magic and reference count are used:
// a file's block is released when the last inode sharing it goes).
inline constexpr uint32_t kXattrMagic = 0xEA020000;

}  // namespace kiln::fs::ext2
