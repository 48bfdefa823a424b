// Walks, reads and (optionally) changes everything of a mounted ext2 file
// system within bounds that also hold on a corrupt one: shared by the
// corruption tests and the fuzzer. Only kiln headers and <stddef.h>: the
// fuzzer builds it without the C++ library's containers.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/node.h"

namespace kiln::fs::ext2_test {

struct WalkLimits {
  int max_depth = 8;
  int max_nodes = 2000;         // lookups in all
  size_t max_entries = 1000;    // per directory
  uint64_t max_read = 1 << 18;  // bytes per file
  bool writes = false;          // also create, write, truncate, rename, remove
};

struct WalkStats {
  int nodes = 0, errors = 0, dirs = 0, files = 0, links = 0, changes = 0;
  uint64_t bytes = 0;
  uint8_t sink = 0;
};

namespace walk_detail {

struct Name {
  char s[256];
  size_t len;
};

struct Collect {
  Name* names;
  size_t count, cap, batch;
};

inline bool collect(void* c, uint64_t, uint8_t, const char* name, size_t len, uint64_t) {
  auto* x = static_cast<Collect*>(c);
  if (x->batch == 0 || x->count == x->cap) return false;
  x->batch--;
  Name& n = x->names[x->count++];
  n.len = len > 255 ? 255 : len;
  for (size_t i = 0; i < n.len; i++) n.s[i] = name[i];
  return true;
}

inline bool dotted(const Name& n) {
  return (n.len == 1 && n.s[0] == '.') || (n.len == 2 && n.s[0] == '.' && n.s[1] == '.');
}

inline void count(long r, WalkStats* st) {
  if (r < 0) st->errors++;
  else st->changes++;
}

}  // namespace walk_detail

inline void walk_node(Node* node, int depth, const WalkLimits& lim, WalkStats* st);

// Changes inside a directory: every kind of entry, data in and out, renames
// within and across, hard links, removal.
inline void change_dir(Node* dir, WalkStats* st) {
  using walk_detail::count;
  Node* f = nullptr;
  long r = dir->create("fz_file", 7, kS_IFREG | 0644, 0, &f);
  count(r, st);
  if (r == 0) {
    static const char data[3000] = "fuzz data";
    count(f->write(0, data, sizeof data), st);
    count(f->write(70000, data, 100), st);
    Attr a;
    a.size = 1500;
    count(f->setattr(a, kSetSize), st);
    char buf[64];
    count(f->read(1400, buf, sizeof buf), st);
    count(dir->link("fz_link", 7, f), st);
    f->put();
  }
  Node* d = nullptr;
  r = dir->create("fz_dir", 6, kS_IFDIR | 0755, 0, &d);
  count(r, st);
  if (r == 0) {
    count(d->create("inner", 5, kS_IFIFO | 0600, 0, nullptr), st);
    count(dir->rename("fz_file", 7, d, "moved", 5), st);
    count(d->rename("moved", 5, dir, "fz_back", 7), st);
    count(d->remove("inner", 5, false), st);
    d->put();
  }
  count(dir->symlink("fz_sym", 6, "a fairly long symlink target that does not fit in the inode itself", 67), st);
  count(dir->rename("fz_dir", 6, dir, "fz_dir2", 7), st);
  count(dir->remove("fz_dir2", 7, true), st);
  count(dir->remove("fz_link", 7, false), st);
  count(dir->remove("fz_sym", 6, false), st);
}

inline void walk_dir(Node* dir, int depth, const WalkLimits& lim, WalkStats* st) {
  using namespace walk_detail;
  st->dirs++;
  Name* names = new Name[lim.max_entries];
  Collect c{names, 0, lim.max_entries, 0};
  uint64_t cookie = 0;
  // Batches of 5 exercise resuming from cookies.
  for (int calls = 0; c.count < c.cap && calls < 100000; calls++) {
    size_t before = c.count;
    c.batch = 5;
    long r = dir->readdir(&cookie, collect, &c);
    if (r < 0) {
      st->errors++;
      break;
    }
    if (c.count == before) break;
  }
  for (size_t i = 0; i < c.count && st->nodes < lim.max_nodes; i++) {
    Node* child = nullptr;
    st->nodes++;
    long r = dir->lookup(names[i].s, names[i].len, &child);
    if (r < 0) {
      st->errors++;
      continue;
    }
    if (!dotted(names[i])) walk_node(child, depth + 1, lim, st);
    Attr a;
    if (child->getattr(&a) == 0) st->sink = uint8_t(st->sink + a.ino);
    child->put();
  }
  Node* none = nullptr;
  if (dir->lookup("no such name", 12, &none) == 0) none->put();
  if (lim.writes) {
    change_dir(dir, st);
    // Remove and rename what the walk found (the first few).
    for (size_t i = 0; i < c.count && i < 4; i++) {
      if (dotted(names[i])) continue;
      if (i % 2) count(dir->rename(names[i].s, names[i].len, dir, "fz_renamed", 10), st);
      else count(dir->remove(names[i].s, names[i].len, i % 4 == 2), st);
    }
  }
  delete[] names;
}

inline void walk_node(Node* node, int depth, const WalkLimits& lim, WalkStats* st) {
  Attr a;
  if (node->getattr(&a) < 0) {
    st->errors++;
    return;
  }
  switch (a.mode & kS_IFMT) {
    case kS_IFDIR:
      if (depth < lim.max_depth) walk_dir(node, depth, lim, st);
      break;
    case kS_IFREG: {
      st->files++;
      uint8_t buf[4096];
      uint64_t off = 0;
      while (off < lim.max_read) {
        long r = node->read(off, buf, sizeof buf);
        if (r < 0) st->errors++;
        if (r <= 0) break;
        st->bytes += uint64_t(r);
        st->sink = uint8_t(st->sink + buf[r - 1]);
        off += uint64_t(r);
      }
      long r = node->read(a.size > 3000 ? a.size - 3000 : 1, buf, 3001);
      if (r < 0) st->errors++;
      if (node->read(a.size + 1, buf, 1) != 0) st->errors++;
      if (lim.writes) {
        walk_detail::count(node->write(a.size / 2, "overwrite", 9), st);
        Attr t;
        t.size = a.size / 3;
        walk_detail::count(node->setattr(t, kSetSize), st);
      }
      break;
    }
    case kS_IFLNK: {
      st->links++;
      char buf[4096];
      long r = node->readlink(buf, sizeof buf);
      if (r < 0) st->errors++;
      else if (r > 0) st->sink = uint8_t(st->sink + buf[r - 1]);
      break;
    }
    default: break;
  }
}

}  // namespace kiln::fs::ext2_test
