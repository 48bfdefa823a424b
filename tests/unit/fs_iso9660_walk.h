// Walks and reads everything of a mounted file system, within bounds that
// also hold on a corrupt one (directory cycles, huge directories): shared by
// the corruption tests and the fuzzer.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/node.h"

namespace kiln::fs::iso9660_test {

struct WalkLimits {
  int max_depth = 8;
  int max_nodes = 2000;         // lookups in all
  size_t max_entries = 1000;    // per directory
  uint64_t max_read = 1 << 18;  // bytes per file
};

struct WalkStats {
  int nodes = 0, errors = 0, dirs = 0, files = 0, links = 0;
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

}  // namespace walk_detail

inline void walk_node(Node* node, int depth, const WalkLimits& lim, WalkStats* st);

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
    bool dotted = (names[i].len == 1 && names[i].s[0] == '.') ||
                  (names[i].len == 2 && names[i].s[0] == '.' && names[i].s[1] == '.');
    if (!dotted) walk_node(child, depth + 1, lim, st);
    Attr a;
    if (child->getattr(&a) == 0) st->sink = uint8_t(st->sink + a.ino);
    child->put();
  }
  Node* none = nullptr;
  if (dir->lookup("no such name", 12, &none) == 0) none->put();
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
      // An unaligned read across blocks, and one past the end.
      long r = node->read(a.size > 3000 ? a.size - 3000 : 1, buf, 3001);
      if (r < 0) st->errors++;
      if (node->read(a.size + 1, buf, 1) != 0) st->errors++;
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

}  // namespace kiln::fs::iso9660_test
