#include "fs/vfs.h"

#include "abi/linux/limits.h"
#include "lib/mem.h"

namespace kiln::fs {
namespace {

constexpr int kMaxLinks = 40;  // Linux's MAXSYMLINKS

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
  if (!m) return -kENOMEM;
  m->fs = fs;
  m->root = fs->root();
  copy_str(m->path, sizeof m->path, "/");
  copy_str(m->source, sizeof m->source, source);
  mounts_.push_front(m);
  return 0;
}

long Vfs::mount(const Location& at, FileSystem* fs, const char* source, const char* path) {
  if ((node_mode(at.node) & kS_IFMT) != kS_IFDIR) return -kENOTDIR;
  if (covering(at.mnt, at.node)) return -kEBUSY;
  auto m = new Mount;
  if (!m) return -kENOMEM;
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
  if (!m->parent) return -kEINVAL;
  for (Mount* c = mounts_.front(); c; c = mounts_.next_of(c))
    if (c->parent == m) return -kEBUSY;
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

Location Vfs::start_of(const Location* top) { return top ? location_dup(*top) : root(); }

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

long Vfs::step(const Location& dir, const char* name, size_t len, Location* out,
               const Location* top) {
  Location at = location_dup(dir);
  if (len == 2 && name[0] == '.' && name[1] == '.') {
    if (top && at.node == top->node && at.mnt == top->mnt) {
      *out = at;  // ".." of the root is the root
      return 0;
    }
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
                  char* last, const Location* top) {
  if (!path[0]) return -kENOENT;
  if (strlen(path) >= kPATH_MAX) return -kENAMETOOLONG;
  Location start = path[0] == '/' ? start_of(top) : location_dup(base);
  return walk(start, path, flags, out, last, top);
}

// Consumes `cur` (its reference). Symlinks are expanded in place, into two
// path buffers used in turn, so the walk is a loop and never a recursion:
// 40 nested links must fit a 16 KiB kernel stack under any file system.
long Vfs::walk(Location cur, const char* path, int flags, Location* out, char* last,
               const Location* top) {
  char* bufs[2] = {nullptr, nullptr};
  int in_buf = -1;  // which buffer `p` points into (-1: the caller's path)
  int links = 0;
  long r = 0;
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
      r = -kENAMETOOLONG;
      break;
    }
    if ((node_mode(cur.node) & kS_IFMT) != kS_IFDIR) {
      r = -kENOTDIR;
      break;
    }
    bool trailing_slash = final && name[len] == '/';
    Location next;
    if (final && (flags & kParent)) {
      // The parent is the answer, but Linux still looks at the last name:
      // "name/" must be a directory if it exists, and with kFollow a
      // symlink there is followed to the place it names (open O_CREAT
      // through a dangling link creates the target).
      bool symlink = false;
      if ((trailing_slash || (flags & kFollow)) && step(cur, name, len, &next, top) == 0) {
        uint32_t type = node_mode(next.node) & kS_IFMT;
        symlink = type == kS_IFLNK && !trailing_slash;
        if (!symlink) location_put(next);
        if (trailing_slash && type != kS_IFDIR) {
          r = -kENOTDIR;
          break;
        }
      }
      if (!symlink) {
        memcpy(last, name, len);
        last[len] = 0;
        break;
      }
    } else {
      if ((r = step(cur, name, len, &next, top)) < 0) break;
      bool follow = (node_mode(next.node) & kS_IFMT) == kS_IFLNK &&
                    (!final || (flags & (kFollow | kMustDir)) || trailing_slash);
      if (!follow) {
        location_put(cur);
        cur = next;
        // "file/" names a directory or nothing.
        if (final && trailing_slash && (node_mode(cur.node) & kS_IFMT) != kS_IFDIR) r = -kENOTDIR;
        if (final || r < 0) break;
        continue;
      }
    }
    // `next` is a symlink to follow: the path becomes its target, then a
    // slash and the rest (a slash alone when the link was written "link/").
    if (++links > kMaxLinks) {
      location_put(next);
      r = -kELOOP;
      break;
    }
    int b = in_buf == 0 ? 1 : 0;
    if (!bufs[b]) bufs[b] = new char[kPATH_MAX];
    if (!bufs[b]) {
      location_put(next);
      r = -kENOMEM;
      break;
    }
    char* buf = bufs[b];
    long n = next.node->readlink(buf, kPATH_MAX - 1);
    location_put(next);
    size_t rest = strlen(p);
    if (n < 0 || size_t(n) + 1 + rest >= kPATH_MAX) {
      r = n < 0 ? n : -kENAMETOOLONG;
      break;
    }
    size_t at = size_t(n);
    if (rest || trailing_slash) buf[at++] = '/';
    memmove(buf + at, p, rest + 1);
    in_buf = b;
    p = buf;
    if (*p == '/') {
      location_put(cur);
      cur = start_of(top);
      while (*p == '/') p++;
    }
  }
  delete[] bufs[0];
  delete[] bufs[1];
  if (r == 0 && (flags & kMustDir) && !(flags & kParent) &&
      (node_mode(cur.node) & kS_IFMT) != kS_IFDIR)
    r = -kENOTDIR;
  if (r < 0) {
    location_put(cur);
    return r;
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
