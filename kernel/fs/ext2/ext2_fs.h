// The ext2 file system object and its nodes, shared by super.cpp (mount,
// sync, the inode table), alloc.cpp (bitmaps), blocks.cpp (block maps,
// truncation), file.cpp (attributes, data, symlinks) and dir.cpp
// (directories).
//
// Ownership and lifetime:
//
//   Ext2Fs ──owns──> BlockCache, group descriptors, the node table
//     │                 (every Ext2Node in memory, by inode number)
//     └──holds a reference──> root node
//
//   Ext2Node: one per inode in memory, with a copy of its on-disk inode
//   that is written through the cache after every change (so a node is
//   never dirty). When its last reference goes, release() only files it on
//   `idle_` (kept for reuse, evicted beyond Ext2Options::inode_cache) or, if
//   it has no links left, on `orphans_`; the next operation (under the lock)
//   frees an orphan's blocks and inode. release() never blocks, so put() is
//   safe anywhere, including inside an operation.
//
// Every Node and FileSystem entry point takes the file-system lock (OpLock)
// and nothing inside calls back into an entry point.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "fs/block_cache.h"
#include "fs/ext2/dir_index.h"
#include "fs/ext2/ext2.h"
#include "fs/ext2/format.h"
#include "lib/fallible.h"
#include "fs/node.h"

namespace kiln::fs::ext2 {

class Ext2Fs;

// Where a directory entry is: byte position, and its predecessor in the
// same block (for removal), with what it names.
struct DirSlot {
  uint64_t pos = 0;        // byte offset of the entry in the directory
  uint32_t prev = ~0u;     // offset in the block of the previous entry, ~0u if first
  uint32_t ino = 0;
  uint8_t file_type = 0;
};

class Ext2Node final : public Node, public Fallible {
 public:
  Ext2Node(Ext2Fs* owner, uint32_t ino_number);
  ~Ext2Node() override;

  [[nodiscard]] long getattr(Attr* out) override;
  [[nodiscard]] long setattr(const Attr& in, uint32_t which) override;
  [[nodiscard]] long read(uint64_t offset, void* buf, size_t n) override;
  [[nodiscard]] long write(uint64_t offset, const void* buf, size_t n) override;
  [[nodiscard]] long lookup(const char* name, size_t len, Node** out) override;
  [[nodiscard]] long create(const char* name, size_t len, uint32_t mode, uint64_t rdev, Node** out) override;
  [[nodiscard]] long symlink(const char* name, size_t len, const char* target, size_t target_len) override;
  [[nodiscard]] long link(const char* name, size_t len, Node* target) override;
  [[nodiscard]] long remove(const char* name, size_t len, bool dir) override;
  [[nodiscard]] long rename(const char* name, size_t len, Node* to_dir, const char* to_name,
              size_t to_len) override;
  [[nodiscard]] long readdir(uint64_t* cookie, Emit emit, void* ctx) override;
  [[nodiscard]] long readlink(char* buf, size_t cap) override;

  // The inode as read (raw bytes past 128 + extra_isize are zero here and
  // left alone on disk).
  Inode in{};
  uint32_t number = 0;
  uint32_t goal = 0;  // allocation hint: where the next data block should go

  uint32_t type() const { return in.mode & kS_IFMT; }
  bool is_dir() const { return type() == kS_IFDIR; }
  bool is_reg() const { return type() == kS_IFREG; }
  uint64_t size() const;
  void set_size(uint64_t size);
  bool has_blocks() const;  // i_block holds block pointers (not a fast symlink or a device)
  Time get_time(uint32_t lo, uint32_t extra, bool has_extra) const;

  // Node table bookkeeping (Ext2Fs).
  Ext2Node* hash_next = nullptr;
  ListNode idle_node;
  bool idle = false;    // no references: on idle_ or orphans_
  bool orphan = false;  // on orphans_

  // The file system is going while this node is still held.
  void detach();

  // Directory primitives (dir.cpp); the caller holds the lock.
  [[nodiscard]] long dir_find(const char* name, size_t len, DirSlot* out);
  [[nodiscard]] long dir_add(const char* name, size_t len, uint32_t ino, uint8_t file_type);
  [[nodiscard]] long dir_remove(const DirSlot& slot);
  [[nodiscard]] long dir_retarget(const DirSlot& slot, uint32_t ino, uint8_t file_type);
  [[nodiscard]] long dir_is_empty();
  [[nodiscard]] long dir_init(uint32_t parent_ino);

 protected:
  void release() override;

 private:
  friend class Ext2Fs;
  [[nodiscard]] long dir_block(uint32_t lblock, BlockRef* out);
  uint32_t dir_blocks() const;
  [[nodiscard]] long dir_scan(const char* name, size_t len, DirSlot* out);
  [[nodiscard]] long dir_find_indexed(const char* name, size_t len, DirSlot* out);
  void build_index();
  void drop_index();
  void index_added(const char* name, size_t len, uint32_t lblock, uint32_t pos,
                   const uint8_t* block);
  [[nodiscard]] long resize(uint64_t new_size);
  [[nodiscard]] long zero_tail(uint64_t at);
  [[nodiscard]] long do_create(const char* name, size_t len, uint32_t mode, uint64_t rdev, Ext2Node** out);
  [[nodiscard]] long do_rename(const char* name, size_t len, Ext2Node* to, const char* to_name, size_t to_len);
  [[nodiscard]] long check_not_ancestor(Ext2Node* moving);
  void touch_atime();
  void touch(bool modify);
  [[nodiscard]] long write_locked(uint64_t offset, const uint8_t* src, size_t n);
  [[nodiscard]] long read_locked(uint64_t offset, uint8_t* dst, size_t n);

  Ext2Fs* owner_;
  DirIndex* index_ = nullptr;  // large directories only (dir_index.h)
};

class Ext2Fs final : public FileSystem, public Fallible {
 public:
  Ext2Fs(BlockDevice* dev, const Ext2Options& options);
  ~Ext2Fs() override;

  Node* root() override;
  [[nodiscard]] long statfs(StatFs* out) override;
  [[nodiscard]] long sync() override;
  bool read_only() const override { return ro_; }
  const char* type_name() const override { return "ext2"; }

  [[nodiscard]] long mount(const char** why);
  [[nodiscard]] long unmount();

  // The lock around every operation; reaps orphans on the way in and out.
  void lock();
  void unlock();

  // A corrupt structure: remembers it (s_state gets the error bit when
  // written back) and returns -EUCLEAN.
  [[nodiscard]] long corrupt();
  Time now() const;

  // Inodes (super.cpp).
  [[nodiscard]] long iget(uint32_t ino, Ext2Node** out);  // with a reference
  [[nodiscard]] long store_inode(Ext2Node* n);
  // For a failure past the point of no return (the tree already changed,
  // an undo that failed too): the volume is marked as having errors, as
  // Linux's ext2_error does, so that e2fsck checks it and sync says so.
  void note_error(long r) {
    if (r < 0) errors_ = true;
  }
  [[nodiscard]] long new_node(Ext2Node* dir, uint32_t mode, Ext2Node** out);  // links 0, with a reference
  bool inode_ok(uint32_t ino) const { return ino >= 1 && ino <= inodes_count_; }
  bool entry_ino_ok(uint32_t ino) const {
    return inode_ok(ino) && (ino == kRootIno || ino >= first_ino_);
  }

  // Bitmaps (alloc.cpp).
  [[nodiscard]] long alloc_block(uint32_t goal, uint32_t* out);
  [[nodiscard]] long free_block(uint32_t block);
  [[nodiscard]] long alloc_inode(uint32_t near_ino, bool dir, uint32_t* out);
  [[nodiscard]] long free_inode(uint32_t ino, bool dir);

  // Block maps (blocks.cpp). bmap gives 0 in *out for a hole (create false).
  [[nodiscard]] long bmap(Ext2Node* n, uint64_t lblock, bool create, uint32_t* out);
  [[nodiscard]] long truncate_blocks(Ext2Node* n, uint64_t new_size);
  [[nodiscard]] long release_xattr(Ext2Node* n);
  bool block_ok(uint32_t b) const { return b >= first_data_block_ && b < blocks_count_; }
  [[nodiscard]] long ensure_large_file();

  BlockCache* cache() { return cache_; }
  uint32_t block_size() const { return bs_; }
  uint32_t sectors_per_block() const { return bs_ / 512; }
  uint64_t max_file_size() const { return max_file_size_; }
  bool filetype() const { return (sb_.feature_incompat & kIncompatFiletype) != 0; }
  uint32_t inode_size() const { return inode_size_; }
  uint32_t group_of_ino(uint32_t ino) const { return (ino - 1) / ipg_; }
  uint32_t group_first_block(uint32_t g) const { return first_data_block_ + g * bpg_; }
  uint32_t next_generation() { return generation_++; }
  uint32_t inodes_count() const { return inodes_count_; }
  uint32_t blocks_count() const { return blocks_count_; }
  Ext2Node* root_node() const { return root_; }

 private:
  friend class Ext2Node;
  [[nodiscard]] long check_super(const char** why);
  [[nodiscard]] long load_groups(const char** why);
  [[nodiscard]] long write_super();
  [[nodiscard]] long write_groups();
  bool has_super(uint32_t group) const;
  uint32_t blocks_in_group(uint32_t g) const;
  bool group_metadata(uint32_t g, uint32_t block) const;
  [[nodiscard]] long load_inode(uint32_t ino, Inode* out);
  void node_released(Ext2Node* n);
  void table_insert(Ext2Node* n);
  void table_remove(Ext2Node* n);
  Ext2Node* table_find(uint32_t ino) const;
  void reap();
  [[nodiscard]] long evict(Ext2Node* n);
  void trim(size_t keep);
  [[nodiscard]] long find_bit(BlockRef& bitmap, uint32_t from, uint32_t limit, uint32_t* out);

  BlockDevice* dev_;
  Ext2Options opt_;
  BlockCache* cache_ = nullptr;
  bool ro_ = false;
  bool mounted_ = false;
  bool errors_ = false;
  uint16_t mount_state_ = 0;  // s_state found at mount
  Super sb_{};
  GroupDesc* gd_ = nullptr;
  uint32_t bs_ = 1024, ppb_ = 256;
  uint32_t blocks_count_ = 0, first_data_block_ = 0, bpg_ = 0, ipg_ = 0, groups_ = 0;
  uint32_t inodes_count_ = 0, inode_size_ = 128, first_ino_ = 11;
  uint32_t itable_blocks_ = 0, gdt_blocks_ = 0;
  uint64_t max_file_size_ = 0;
  uint64_t overhead_ = 0;
  uint64_t free_blocks_ = 0, free_inodes_ = 0;  // sums of the group descriptors
  uint32_t generation_ = 1;
  uint32_t dir_rotor_ = 0;
  Ext2Node* root_ = nullptr;

  static constexpr uint32_t kBuckets = 256;
  Ext2Node* table_[kBuckets] = {};
  List<Ext2Node, &Ext2Node::idle_node> idle_;
  List<Ext2Node, &Ext2Node::idle_node> orphans_;
  int lock_depth_ = 0;
};

// Scoped OpLock: every entry point starts with one.
class OpLock {
 public:
  explicit OpLock(Ext2Fs* fs) : fs_(fs) { fs_->lock(); }
  ~OpLock() { fs_->unlock(); }
  OpLock(const OpLock&) = delete;
  OpLock& operator=(const OpLock&) = delete;

 private:
  Ext2Fs* fs_;
};

uint8_t file_type_of(uint32_t mode);

}  // namespace kiln::fs::ext2
