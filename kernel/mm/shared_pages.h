// The frames behind MAP_SHARED memory: one SharedPages per file that has
// shared mappings (in any process), and one per MAP_SHARED|MAP_ANONYMOUS
// region (inherited across fork). Every mapping of a page maps the same
// frame, so stores are seen by all of them at once; for a file, read()
// and write() go through these frames too (vm_file_* in vm.h), and dirty
// pages are written back to the file system's node (msync, fsync, sync,
// the last unmapping). The page tables are vm_shared.cpp's business.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"

namespace kiln {

namespace fs {
class Node;
}

class SharedPages {
 public:
  // The object for `node`'s shared mappings (made on first use, with a
  // reference for the caller), or a fresh anonymous one (node nullptr).
  // nullptr when out of memory.
  static SharedPages* of(fs::Node* node);
  // The object for `node` if it has shared mappings now.
  static SharedPages* find(fs::Node* node);
  // Every file's object, in no particular order.
  static SharedPages* first_file();
  static SharedPages* next_file(SharedPages* s);

  void get();
  // Drops a reference; the last one frees an anonymous object and leaves a
  // file's to reap().
  void put();
  // Frees the objects nobody references any more, after writing their dirty
  // pages back. May block (file-system I/O): call it outside VMA updates.
  static void reap();

  fs::Node* node() const { return node_; }
  // The frame of page `index`, read from the file (zeros past its end) the
  // first time: 0 when out of memory. May block.
  uint64_t frame(uint64_t index);
  // The frame if the page is resident, else 0.
  uint64_t resident(uint64_t index) const;
  void mark_dirty(uint64_t index);
  // The first dirty page in [from, end) into *out; false if none.
  bool next_dirty(uint64_t from, uint64_t end, uint64_t* out) const;
  // Writes page `index` to the file (up to its end) and marks it clean;
  // whoever calls it has made every mapping of it read-only first.
  [[nodiscard]] long write_page(uint64_t index);

  // The file's bytes [off, off + n) in buf are made current where pages
  // are resident (read() and private faults), or copied into them (write()).
  void overlay(uint64_t off, uint8_t* buf, size_t n) const;
  void absorb(uint64_t off, const uint8_t* buf, size_t n);
  // Zeroes [from, end of its page) in a resident page: what lies past the
  // end of a file reads as zeros when it grows again.
  void zero_tail(uint64_t from);
  // Frees the pages from `index` on (past a truncated end); their mappings
  // are gone already.
  void drop_from(uint64_t index);

  static uint64_t resident_frames();

 private:
  struct Page {
    uint64_t index, pa;
    bool dirty;
  };
  explicit SharedPages(fs::Node* node) : node_(node) {}
  ~SharedPages();
  size_t lower_bound(uint64_t index) const;
  bool insert(size_t at, const Page& p);

  fs::Node* node_;
  int refs_ = 1;
  Page* pages_ = nullptr;  // sorted by index
  size_t count_ = 0, cap_ = 0;
  uint64_t writes_ = 0;    // absorb() calls, to notice one during a fill

 public:
  ListNode link;        // the objects of files (kept while dying)
  ListNode dying_link;  // unreferenced objects waiting for reap()
};

}  // namespace kiln
