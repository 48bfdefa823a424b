// The ISO 9660 file system object and its directory reader, shared by the
// node code (iso_node.cpp) and the mount code (iso_fs.cpp).
//
// Ownership: the file system holds one reference to the root node; every
// node holds one reference to its parent (for ".."), so a node keeps its
// ancestors alive and nothing refers downwards. Directory nodes in use are
// also listed (not referenced) in IsoFs::live_dirs_, so looking one up again
// gives the same node, with its lookup hint and name index; the last put
// unlists it. A node's attributes never change once made, and its index is
// published whole, so threads that block in a device read and resume never
// see anything half-built.
//
//   IsoFs --ref--> root <--ref-- dir <--ref-- file
//     `--live_dirs_ (no ref)------^
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "fs/iso9660/block_cache.h"
#include "fs/iso9660/file_cache.h"
#include "fs/iso9660/format.h"
#include "fs/iso9660/rock_ridge.h"
#include "fs/node.h"

namespace kiln::fs::iso9660 {

inline constexpr uint32_t kCacheBlocks = 32;
inline constexpr uint32_t kMaxSections = 100;  // multi-extent files, as Linux bounds them
inline constexpr int kDirectIoBlocks = 64;     // largest uncached read, in blocks
// Directories over this size get a name index on their first lookup.
inline constexpr uint32_t kIndexMinBytes = 4 * kBlockSize;
inline constexpr uint32_t kIndexMaxEntries = 1 << 20;

enum class Naming : uint8_t { Plain, Joliet, RockRidge };

class IsoFs;
class IsoNode;

// Reads the records of a directory extent in order. Records never cross a
// block; a zero length byte pads to the next block.
class DirCursor {
 public:
  DirCursor(IsoFs* fs, uint32_t start, uint64_t size, uint64_t pos)
      : fs_(fs), start_(start), size_(size), pos_(pos) {}
  // 1 and the next record (valid until the next call), 0 at the end, or -errno.
  [[nodiscard]] long next(Record* rec);
  // After a record with kFlagMultiExtent: moves past the sections that
  // continue it (the last one has the flag clear).
  [[nodiscard]] long skip_sections();
  uint64_t pos() const { return pos_; }

 private:
  IsoFs* fs_;
  uint32_t start_;
  uint64_t size_, pos_;
  BlockRef block_;
};

// A directory entry decoded: its name as shown, and its Rock Ridge entries.
struct Entry : Fallible {
  RockRidge rr;  // meaningful with Naming::RockRidge
  const char* name = nullptr;
  size_t name_len = 0;
  bool hidden = false;  // "." and "..", associated files, relocated directories, bad names
  char buf[kNAME_MAX + 1];
};

struct Section {
  uint32_t start;  // first data block
  uint32_t size;   // bytes
};

class IsoNode final : public Node, public Fallible {
 public:
  IsoNode(IsoFs* owner, IsoNode* parent);
  ~IsoNode() override;

  [[nodiscard]] long getattr(Attr* out) override;
  [[nodiscard]] long read(uint64_t offset, void* buf, size_t n) override;
  [[nodiscard]] long lookup(const char* name, size_t len, Node** out) override;
  [[nodiscard]] long readdir(uint64_t* cookie, Emit emit, void* ctx) override;
  [[nodiscard]] long readlink(char* buf, size_t cap) override;

  bool is_dir() const { return (attr_.mode & kS_IFMT) == kS_IFDIR; }

  Attr attr_;
  Section first_{0, 0};
  Section* more_ = nullptr;  // the sections after the first
  uint32_t more_count_ = 0;
  char* link_ = nullptr;  // symlinks: the target, link_len_ bytes
  size_t link_len_ = 0;
  IsoNode* parent_;  // a reference; nullptr for the root
  ListNode live_;    // directories: in IsoFs::live_dirs_

 protected:
  void release() override;

 private:
  // A directory's names by hash: slot = (hash, position + 1), 0 when free.
  struct IndexSlot {
    uint32_t hash;
    uint32_t pos1;
  };
  [[nodiscard]] long find(const char* name, size_t len, uint64_t* pos);
  [[nodiscard]] long find_linear(const char* name, size_t len, uint64_t* pos);
  [[nodiscard]] long find_indexed(const char* name, size_t len, uint64_t* pos);
  [[nodiscard]] long check_entry(uint64_t at, const char* name, size_t len, Entry* e, bool* exact, bool* relaxed);
  void build_index();
  [[nodiscard]] long read_section(const Section& s, uint64_t offset, uint8_t* out, size_t n);

  IsoFs* owner_;
  uint64_t hint_ = 0;  // directories: where the last lookup's match ended
  IndexSlot* index_ = nullptr;  // never replaced once set: readers may be blocked in it
  uint32_t index_mask_ = 0;
  bool index_tried_ = false;
};


class IsoFs final : public FileSystem, public Fallible {
 public:
  IsoFs(BlockDevice* dev, size_t file_cache) : cache_(dev, kCacheBlocks), files_(dev, file_cache) {}
  ~IsoFs() override;

  Node* root() override;
  [[nodiscard]] long statfs(StatFs* out) override;
  bool read_only() const override { return true; }
  const char* type_name() const override { return "iso9660"; }

  [[nodiscard]] long init(const char** why);

  // Decodes the record into *e (names per the volume's naming, Rock Ridge).
  [[nodiscard]] long decode(const Record& rec, Entry* e);
  // The inode number and DT_* type of a decoded entry, as readdir shows them.
  uint64_t entry_ino(const Record& rec, const Entry& e);
  uint8_t entry_type(const Record& rec, const Entry& e);
  // Makes the node of the record the cursor reads next; `parent` is its
  // directory (nullptr: the root).
  [[nodiscard]] long make_node(IsoNode* parent, DirCursor* cur, IsoNode** out);

  [[nodiscard]] long read_su(const Record& rec, RockRidge* rr, char* link = nullptr);

  BlockCache cache_;
  FileCache files_;  // file data, in 64 KiB chunks
  uint32_t volume_blocks_ = 0;    // readable blocks: the volume, cut to the device
  uint32_t recorded_blocks_ = 0;  // the volume space size it records
  Naming naming_ = Naming::Plain;
  SuspContext susp_{&cache_, 0, 0};
  bool px_ino_ = false;  // PX entries carry serial numbers: they are the inode numbers
  IsoNode* root_ = nullptr;
  // Directory nodes in use, so a directory reached again is the same node
  // (with its lookup hint and name index).
  List<IsoNode, &IsoNode::live_> live_dirs_;

 private:
  [[nodiscard]] long make_root(uint32_t start, uint32_t size, const char** why);
  uint64_t location_ino(uint64_t pos) const;
};

}  // namespace kiln::fs::iso9660
