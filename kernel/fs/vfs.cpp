#include "fs/vfs.h"

#include "lib/mem.h"

namespace kiln::fs {
namespace {

constexpr int kMaxLinks = 40;  // Linux's MAXSYMLINKS
constexpr size_t kPathMax = 4096;

void copy_str(char* dst, size_t cap, const char* src) {
  size_t n = strlen(src);
  if (n >= cap) n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
}

}  // namespace

uint64_t node_ino(Node* n) {
  if (n->ino) return n->ino;
  Attr a;
  return n->getattr(&a) == 0 ? a.ino : 0;
}

uint32_t node_mode(Node* n) {
  Attr a;
  return n->getattr(&a) == 0 ? a.mode : 0;
}

void location_put(Location& l) {
  if (l.node) l.node->put();
  l.node = nullptr;
}

Location location_dup(const Location& l) {
  if (l.node) l.node->get();
  return l;
}

long Vfs::mount_root(FileSystem* fs, const char* source) {
  auto m = new Mount;
  if (!m) return -ENOMEM;
  m->fs = fs;
  m->root = fs->root();
  copy_str(m->path, sizeof m->path, "/");
  copy_str(m->source, sizeof m->source, source);
  mounts_.push_front(m);
  return 0;
}

long Vfs::mount(const Location& at, FileSystem* fs, const char* source, const char* path) {
  if ((node_mode(at.node) & kTypeMask) != kTypeDir) return -ENOTDIR;
  if (covering(at.mnt, at.node)) return -EBUSY;
  auto m = new Mount;
  if (!m) return -ENOMEM;
  m->fs = fs;
  m->root = fs->root();
  m->parent = at.mnt;
  at.node->get();
  m->mountpoint = at.node;
  copy_str(m->path, sizeof m->path, path);
  copy_str(m->source, sizeof m->source, source);
  mounts_.push_back(m);
  return 0;
}

long Vfs::unmount(Mount* m) {
  if (!m->parent) return -EINVAL;
  for (Mount* c = mounts_.front(); c; c = mounts_.next_of(c))
    if (c->parent == m) return -EBUSY;
  mounts_.remove(m);
  m->root->put();
  m->mountpoint->put();
  delete m;
  return 0;
}

Location Vfs::root() {
  Mount* m = mounts_.front();
  m->root->get();
  return Location{m, m->root};
}

Mount* Vfs::covering(Mount* parent, Node* node) {
  uint64_t ino = 0;
  for (Mount* m = mounts_.front(); m; m = mounts_.next_of(m)) {
    if (m->parent != parent || m->mountpoint->fs != node->fs) continue;
    if (m->mountpoint == node) return m;
    if (!ino) ino = node_ino(node);
    if (node_ino(m->mountpoint) == ino) return m;
  }
  return nullptr;
}

long Vfs::step(const Location& dir, const char* name, size_t len, Location* out) {
  Location at = location_dup(dir);
  if (len == 2 && name[0] == '.' && name[1] == '.') {
    // Leaving a mounted file system's root goes to its mount point first.
    while (at.mnt->parent && at.node == at.mnt->root) {
      Mount* m = at.mnt;
      location_put(at);
      m->mountpoint->get();
      at = Location{m->parent, m->mountpoint};
    }
  }
  Node* child;
  long r = at.node->lookup(name, len, &child);
  if (r < 0) {
    location_put(at);
    return r;
  }
  Location next{at.mnt, child};
  location_put(at);
  // Entering a mount point lands on the mounted root (mounts may stack).
  while (Mount* m = covering(next.mnt, next.node)) {
    location_put(next);
    m->root->get();
    next = Location{m, m->root};
  }
  *out = next;
  return 0;
}

long Vfs::resolve(const Location& base, const char* path, int flags, Location* out,
                  char* last) {
  if (!path[0]) return -ENOENT;
  if (strlen(path) >= kPathMax) return -ENAMETOOLONG;
  int links = 0;
  Location start = path[0] == '/' ? root() : location_dup(base);
  return walk(start, path, flags, &links, out, last);
}

// Consumes `cur` (its reference).
long Vfs::walk(Location cur, const char* path, int flags, int* links, Location* out,
               char* last) {
  const char* p = path;
  while (*p == '/') p++;
  for (;;) {
    const char* name = p;
    while (*p && *p != '/') p++;
    size_t len = size_t(p - name);
    while (*p == '/') p++;
    bool final = *p == 0;
    if (len == 0) {  // the path was "/" or ended in slashes
      if (flags & kParent) memcpy(last, ".", 2);
      break;
    }
    if (len > 255) {
      location_put(cur);
      return -ENAMETOOLONG;
    }
    if ((node_mode(cur.node) & kTypeMask) != kTypeDir) {
      location_put(cur);
      return -ENOTDIR;
    }
    if (final && (flags & kParent)) {
      memcpy(last, name, len);
      last[len] = 0;
      break;
    }
    Location next;
    long r = step(cur, name, len, &next);
    if (r < 0) {
      location_put(cur);
      return r;
    }
    bool trailing_slash = final && name[len] == '/';
    if ((node_mode(next.node) & kTypeMask) == kTypeSymlink &&
        (!final || (flags & (kFollow | kMustDir)) || trailing_slash)) {
      if (++*links > kMaxLinks) {
        location_put(cur);
        location_put(next);
        return -ELOOP;
      }
      // Expand: target + "/" + the rest, walked from here (or from "/").
      auto buf = new char[kPathMax];
      if (!buf) {
        location_put(cur);
        location_put(next);
        return -ENOMEM;
      }
      long n = next.node->readlink(buf, kPathMax - 1);
      location_put(next);
      size_t rest = strlen(p);
      if (n < 0 || size_t(n) + 1 + rest >= kPathMax) {
        delete[] buf;
        location_put(cur);
        return n < 0 ? n : -ENAMETOOLONG;
      }
      buf[n] = '/';
      memcpy(buf + n + 1, p, rest + 1);
      Location from = buf[0] == '/' ? (location_put(cur), root()) : cur;
      // With kParent the caller's *last must outlive this buffer: keep it
      // in the final component's original spelling when we can.
      r = walk(from, buf, flags, links, out, last);
      delete[] buf;
      return r;
    }
    location_put(cur);
    cur = next;
    if (final) break;
  }
  if ((flags & kMustDir) && (node_mode(cur.node) & kTypeMask) != kTypeDir && !(flags & kParent)) {
    location_put(cur);
    return -ENOTDIR;
  }
  *out = cur;
  return 0;
}

long Vfs::sync_all() {
  long first = 0;
  for (Mount* m = mounts_.front(); m; m = mounts_.next_of(m)) {
    long r = m->fs->sync();
    if (r < 0 && !first) first = r;
  }
  return first;
}

}  // namespace kiln::fs
