// Helpers for the ext2 tests: block devices over a host image file and over
// memory (test-only), node handles, paths, whole-file reads and writes, and
// the e2fsprogs tools (found at configure time: KILN_MKE2FS, KILN_E2FSCK,
// KILN_DEBUGFS).
#pragma once

// kiln's errno.h first: it declares the names the C library makes macros.
#include "fs/ext2/ext2.h"
#include "fs/node.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#ifndef KILN_MKE2FS
#define KILN_MKE2FS ""
#endif
#ifndef KILN_E2FSCK
#define KILN_E2FSCK ""
#endif
#ifndef KILN_DEBUGFS
#define KILN_DEBUGFS ""
#endif

namespace kiln::fs::ext2_test {

// A host image file. Writable on request; can be told to fail.
class FileBlockDevice final : public BlockDevice {
 public:
  explicit FileBlockDevice(const std::string& path, bool writable = true)
      : fd_(::open(path.c_str(), writable ? O_RDWR : O_RDONLY)), writable_(writable) {
    if (fd_ >= 0) {
      off_t end = ::lseek(fd_, 0, SEEK_END);
      sectors_ = end > 0 ? uint64_t(end) / kSectorSize : 0;
    }
  }
  ~FileBlockDevice() override {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  long read(uint64_t sector, uint32_t count, void* buf) override {
    reads++;
    if (fail_reads) return -EIO;
    if (sector > sectors_ || count > sectors_ - sector) return -EIO;
    size_t n = size_t(count) * kSectorSize;
    return ::pread(fd_, buf, n, off_t(sector * kSectorSize)) == ssize_t(n) ? 0 : -EIO;
  }
  long write(uint64_t sector, uint32_t count, const void* buf) override {
    if (!writable_) return -EROFS;
    if (fail_writes) return -EIO;
    if (sector > sectors_ || count > sectors_ - sector) return -EIO;
    writes++;
    size_t n = size_t(count) * kSectorSize;
    return ::pwrite(fd_, buf, n, off_t(sector * kSectorSize)) == ssize_t(n) ? 0 : -EIO;
  }
  long flush() override {
    flushes++;
    return fail_writes ? -EIO : 0;
  }
  uint64_t sectors() const override { return sectors_; }
  bool read_only() const override { return !writable_; }

  uint64_t reads = 0, writes = 0, flushes = 0;
  bool fail_reads = false, fail_writes = false;

 private:
  int fd_;
  bool writable_;
  uint64_t sectors_ = 0;
};

// Bytes in memory, writable.
class MemBlockDevice final : public BlockDevice {
 public:
  explicit MemBlockDevice(std::vector<uint8_t> bytes) : data(std::move(bytes)) {
    data.resize((data.size() + kSectorSize - 1) / kSectorSize * kSectorSize);
  }
  long read(uint64_t sector, uint32_t count, void* buf) override {
    reads++;
    if (sector > sectors() || count > sectors() - sector) return -EIO;
    std::memcpy(buf, data.data() + sector * kSectorSize, size_t(count) * kSectorSize);
    return 0;
  }
  long write(uint64_t sector, uint32_t count, const void* buf) override {
    if (ro) return -EROFS;
    if (fail_writes) return -EIO;
    if (sector > sectors() || count > sectors() - sector) return -EIO;
    writes++;
    written_sectors += count;
    std::memcpy(data.data() + sector * kSectorSize, buf, size_t(count) * kSectorSize);
    return 0;
  }
  long flush() override {
    flushes++;
    return 0;
  }
  uint64_t sectors() const override { return data.size() / kSectorSize; }
  bool read_only() const override { return ro; }

  std::vector<uint8_t> data;
  bool ro = false, fail_writes = false;
  uint64_t reads = 0, writes = 0, flushes = 0, written_sectors = 0;
};

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
  uint64_t next;
};

// Every entry, `batch` per readdir call, so resuming from cookies is
// exercised too. Returns 0 or the first error.
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
        [](void* c, uint64_t ino, uint8_t type, const char* name, size_t len, uint64_t next) {
          auto* x = static_cast<Ctx*>(c);
          if (x->left == 0) return false;
          x->left--;
          x->out->push_back(DirEnt{ino, type, std::string(name, len), next});
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

// The parent directory of `path` and its last component.
inline long walk_parent(Node* root, const std::string& path, NodeRef* dir, std::string* last) {
  size_t slash = path.rfind('/');
  *last = slash == std::string::npos ? path : path.substr(slash + 1);
  return walk(root, slash == std::string::npos ? std::string() : path.substr(0, slash), dir);
}

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

inline long write_all(Node* n, uint64_t off, const std::string& data, size_t chunk = 65536) {
  size_t done = 0;
  while (done < data.size()) {
    size_t c = std::min(chunk, data.size() - done);
    long r = n->write(off + done, data.data() + done, c);
    if (r < 0) return r;
    if (r == 0) return -EIO;
    done += size_t(r);
  }
  return 0;
}

inline Attr attr_of(Node* n) {
  Attr a;
  EXPECT_EQ(n->getattr(&a), 0);
  return a;
}

// The coarse clock, as e2fsck's time(0) reads it: with the precise one a
// write just after a second boundary looks "in the future" to an e2fsck
// run a few milliseconds later, whose coarse clock has not turned yet.
inline Time host_now() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return Time{ts.tv_sec, ts.tv_nsec};
}

inline std::string random_data(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

inline std::string make_temp_dir() {
  char tmpl[] = "/tmp/kiln-ext2-XXXXXX";
  char* d = mkdtemp(tmpl);
  return d ? std::string(d) : std::string();
}

// A temporary directory removed at the end of the test.
struct TempDir {
  std::string path = make_temp_dir();
  ~TempDir() {
    std::error_code ec;
    if (!path.empty() && !getenv("KILN_EXT2_KEEP")) std::filesystem::remove_all(path, ec);
  }
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs a shell command: its exit status and output (stdout and stderr).
inline int run(const std::string& cmd, std::string* output = nullptr) {
  std::string full = cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return -1;
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline bool have_tools() {
  return std::strlen(KILN_MKE2FS) && std::strlen(KILN_E2FSCK) && std::strlen(KILN_DEBUGFS);
}

#define KILN_REQUIRE_E2FSPROGS()                                                        \
  ASSERT_TRUE(::kiln::fs::ext2_test::have_tools())                                      \
      << "mke2fs, e2fsck or debugfs was not found when the build was configured; "      \
         "install e2fsprogs and re-run cmake"

// mke2fs -q -t ext2 -b BS [-d SRC] OPTIONS IMAGE SIZE_KB; true when it worked.
inline bool mkfs(const std::string& image, uint32_t block_size, uint64_t size_kb,
                 const std::string& src = "", const std::string& options = "",
                 std::string* log = nullptr) {
  std::string cmd = std::string(KILN_MKE2FS) + " -q -F -t ext2 -b " + std::to_string(block_size);
  if (!src.empty()) cmd += " -d " + shell_quote(src);
  cmd += " " + options + " " + shell_quote(image) + " " + std::to_string(size_kb) + "k";
  std::string out;
  int rc = run(cmd, &out);
  if (log) *log = out;
  return rc == 0;
}

// e2fsck -fn IMAGE: passes when it exits 0 and says nothing but its pass
// headings and summary (e2fsck -n exits 0 even for some wrong counts).
inline ::testing::AssertionResult fsck_clean(const std::string& image) {
  std::string out;
  int rc = run(std::string(KILN_E2FSCK) + " -fn " + shell_quote(image), &out);
  std::string unexpected;
  size_t at = 0;
  while (at < out.size()) {
    size_t nl = out.find('\n', at);
    if (nl == std::string::npos) nl = out.size();
    std::string line = out.substr(at, nl - at);
    at = nl + 1;
    if (line.empty() || line.rfind("Pass ", 0) == 0 || line.rfind("e2fsck ", 0) == 0 ||
        line.find(" files (") != std::string::npos)
      continue;
    unexpected += line + "\n";
  }
  if (rc != 0 || !unexpected.empty())
    return ::testing::AssertionFailure() << "e2fsck -fn exit " << rc << ":\n" << out;
  return ::testing::AssertionSuccess();
}

// debugfs -R REQUEST IMAGE (read-only unless `write`): its output.
inline std::string debugfs(const std::string& image, const std::string& request, bool write = false) {
  std::string out;
  run(std::string(KILN_DEBUGFS) + (write ? " -w" : "") + " -R " + shell_quote(request) + " " +
          shell_quote(image),
      &out);
  return out;
}

// The superblock's s_state, read from the image.
inline int super_state(const std::string& image) {
  int fd = ::open(image.c_str(), O_RDONLY);
  uint16_t state = 0xffff;
  if (fd >= 0) {
    if (::pread(fd, &state, 2, 1024 + 58) != 2) state = 0xffff;
    ::close(fd);
  }
  return state;
}

// A mounted image file.
struct Mounted {
  std::unique_ptr<FileBlockDevice> dev;
  FileSystem* fs = nullptr;
  NodeRef root;
  long error = 0;
  const char* why = nullptr;

  explicit Mounted(const std::string& image, bool read_only = false, size_t cache_bytes = 1 << 20)
      : dev(new FileBlockDevice(image, true)) {
    Ext2Options o;
    o.read_only = read_only;
    o.cache_bytes = cache_bytes;
    o.now = host_now;
    error = ext2_mount(dev.get(), o, &fs, &why);
    if (error == 0) root = NodeRef(fs->root());
  }
  // Unmounts cleanly: 0 or the error.
  long unmount() {
    root.reset();
    long r = fs ? ext2_unmount(fs) : 0;
    fs = nullptr;
    return r;
  }
  ~Mounted() { unmount(); }
};

}  // namespace kiln::fs::ext2_test
