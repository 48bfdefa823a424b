// Helpers for the ISO 9660 tests: node handles, listing, reading whole
// files, temporary directories and running xorriso.
#pragma once

// kiln's errno.h first: it declares the names the C library makes macros.
#include "fs/iso9660/iso9660.h"
#include "fs/node.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fs_iso9660_devices.h"

namespace kiln::fs::iso9660_test {

// One node reference, put when the handle goes.
class NodeRef {
 public:
  NodeRef() = default;
  explicit NodeRef(Node* n) : n_(n) {}
  NodeRef(NodeRef&& o) : n_(o.n_) { o.n_ = nullptr; }
  NodeRef& operator=(NodeRef&& o) {
    if (this != &o) {
      reset();
      n_ = o.n_;
      o.n_ = nullptr;
    }
    return *this;
  }
  NodeRef(const NodeRef&) = delete;
  ~NodeRef() { reset(); }
  void reset() {
    if (n_) n_->put();
    n_ = nullptr;
  }
  Node* get() const { return n_; }
  Node* operator->() const { return n_; }
  explicit operator bool() const { return n_ != nullptr; }

 private:
  Node* n_ = nullptr;
};

struct DirEnt {
  uint64_t ino;
  uint8_t type;
  std::string name;
};

// Every entry, `batch` per readdir call (emit refuses the next one), so
// resuming from cookies is exercised too. Returns 0 or the first error.
inline long list_dir(Node* dir, std::vector<DirEnt>* out, size_t batch = 1000000) {
  struct Ctx {
    std::vector<DirEnt>* out;
    size_t left;
  };
  uint64_t cookie = 0;
  for (int calls = 0; calls < 1000000; calls++) {
    Ctx ctx{out, batch};
    size_t before = out->size();
    long r = dir->readdir(
        &cookie,
        [](void* c, uint64_t ino, uint8_t type, const char* name, size_t len, uint64_t) {
          auto* x = static_cast<Ctx*>(c);
          if (x->left == 0) return false;
          x->left--;
          x->out->push_back(DirEnt{ino, type, std::string(name, len)});
          return true;
        },
        &ctx);
    if (r < 0) return r;
    if (out->size() == before) return 0;
  }
  return -ELOOP;
}

inline long lookup(Node* dir, const std::string& name, NodeRef* out) {
  Node* n = nullptr;
  long r = dir->lookup(name.data(), name.size(), &n);
  if (r == 0) *out = NodeRef(n);
  return r;
}

// Resolves a relative path of plain components (no symlinks).
inline long walk(Node* root, const std::string& path, NodeRef* out) {
  root->get();
  NodeRef cur(root);
  size_t at = 0;
  while (at < path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    if (slash > at) {
      NodeRef next;
      if (long r = lookup(cur.get(), path.substr(at, slash - at), &next)) return r;
      cur = std::move(next);
    }
    at = slash + 1;
  }
  *out = std::move(cur);
  return 0;
}

// The whole file, `chunk` bytes per read.
inline long read_all(Node* n, std::string* out, size_t chunk = 65536) {
  std::vector<char> buf(chunk);
  uint64_t off = 0;
  for (;;) {
    long r = n->read(off, buf.data(), chunk);
    if (r < 0) return r;
    if (r == 0) return 0;
    out->append(buf.data(), size_t(r));
    off += uint64_t(r);
  }
}

// A mounted image file.
struct Mounted {
  std::unique_ptr<FileBlockDevice> dev;
  FileSystem* fs = nullptr;
  NodeRef root;
  long error = 0;
  const char* why = nullptr;

  explicit Mounted(const std::string& image) : dev(new FileBlockDevice(image)) {
    error = iso9660_mount(dev.get(), &fs, &why);
    if (error == 0) root = NodeRef(fs->root());
  }
  ~Mounted() {
    root.reset();
    delete fs;
  }
};

inline std::string make_temp_dir() {
  char tmpl[] = "/tmp/kiln-iso9660-XXXXXX";
  char* d = mkdtemp(tmpl);
  return d ? std::string(d) : std::string();
}

inline int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// xorriso -as mkisofs OPTIONS -o IMAGE SRC, its messages in IMAGE.log; true when it worked.
inline bool mkisofs(const std::string& options, const std::string& image, const std::string& src) {
  return sh("xorriso -as mkisofs " + options + " -o " + shell_quote(image) + " " + shell_quote(src) +
            " >" + shell_quote(image + ".log") + " 2>&1") == 0;
}

}  // namespace kiln::fs::iso9660_test
