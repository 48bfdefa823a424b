// Files opened by path: regular files and directories of any file system,
// and the character devices of /dev.
#include "core/heap.h"
#include "core/random.h"
#include "fs/vfs.h"
#include "lib/mem.h"
#include "abi/linux/dirent.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/ioctl.h"
#include "mm/uaccess.h"
#include "file/vfs.h"
#include "mm/vm.h"

namespace kiln {
namespace {

constexpr size_t kBounce = 65536;
constexpr int64_t kMaxOffset = int64_t(1) << 62;

uint64_t dev_of(fs::FileSystem* f) {
  // A stable device number per mounted file system, as st_dev.
  int i = 0;
  for (fs::Mount* m = vfs().first_mount(); m; m = vfs().next_mount(m), i++)
    if (m->fs == f) return 0x800 + uint64_t(i);
  return 0x7ff;
}

class NodeFile : public File {
 public:
  NodeFile(fs::Location loc, uint32_t flags, const char* path) : loc_(loc) {
    status_flags = flags;
    size_t n = path ? strlen(path) : 0;
    path_ = new char[n + 1];
    if (path_) {
      memcpy(path_, path, n);
      path_[n] = 0;
    }
  }
  ~NodeFile() override {
    fs::location_put(loc_);
    delete[] path_;
  }

  fs::Node* node() override { return loc_.node; }
  fs::Location location() const { return fs::location_dup(loc_); }
  void describe(char* buf, size_t cap) override {
    size_t n = path_ ? strlen(path_) : 0;
    if (n >= cap) n = cap - 1;
    memcpy(buf, path_ ? path_ : "", n);
    buf[n] = 0;
  }
  long stat(Stat* st) override {
    fill_stat(loc_.node, st);
    return 0;
  }

  long read(uint64_t ubuf, size_t n) override {
    long r = pread(ubuf, n, offset_);
    if (r > 0) offset_ += uint64_t(r);
    return r;
  }

  long write(uint64_t ubuf, size_t n) override {
    if (status_flags & kO_APPEND) {
      fs::Attr a;
      if (long r = loc_.node->getattr(&a)) return r;
      offset_ = a.size;
    }
    long r = pwrite(ubuf, n, offset_);
    if (r > 0) offset_ += uint64_t(r);
    return r;
  }

  long pread(uint64_t ubuf, size_t n, uint64_t off) override {
    if (path_only() || (status_flags & kO_ACCMODE) == kO_WRONLY) return -kEBADF;
    if (is_dir()) return -kEISDIR;
    return transfer(ubuf, n, off, false);
  }

  long pwrite(uint64_t ubuf, size_t n, uint64_t off) override {
    if (path_only() || (status_flags & kO_ACCMODE) == kO_RDONLY) return -kEBADF;
    if (is_dir()) return -kEISDIR;
    if (loc_.node->fs->read_only()) return -kEROFS;
    if (status_flags & kO_APPEND) {  // as Linux: pwrite on O_APPEND appends
      fs::Attr a;
      if (long r = loc_.node->getattr(&a)) return r;
      off = a.size;
    }
    if (long r = sealed_write(off, &n)) return r;
    long r = transfer(ubuf, n, off, true);
    // O_SYNC and O_DSYNC (which O_SYNC includes): durable before returning.
    if (r > 0 && (status_flags & kO_DSYNC)) {
      long s = sync();
      if (s < 0) return s;
    }
    return r;
  }

  long seek(int64_t off, int whence) override {
    if (path_only()) return -kEBADF;
    if (is_dir()) {
      // Directory offsets are readdir cookies: only rewinding and restoring them.
      if (whence != kSEEK_SET || off < 0) return -kEINVAL;
      offset_ = uint64_t(off);
      return off;
    }
    fs::Attr a;
    if (long r = loc_.node->getattr(&a)) return r;
    int64_t base;
    switch (whence) {
      case kSEEK_SET: base = 0; break;
      case kSEEK_CUR: base = int64_t(offset_); break;
      case kSEEK_END: base = int64_t(a.size); break;
      case kSEEK_DATA:
      case kSEEK_HOLE:
        // Data everywhere (holes read as zeros): the whole file is data.
        if (off < 0 || uint64_t(off) >= a.size) return -kENXIO;
        offset_ = whence == kSEEK_DATA ? uint64_t(off) : a.size;
        return int64_t(offset_);
      default: return -kEINVAL;
    }
    if ((off > 0 && base > kMaxOffset - off) || base + off < 0) return -kEINVAL;
    offset_ = uint64_t(base + off);
    return int64_t(offset_);
  }

  long getdents(uint64_t ubuf, size_t n) override {
    if (path_only()) return -kEBADF;
    if (!is_dir()) return -kENOTDIR;
    Fill f{ubuf, n, 0, false, 0};
    uint64_t cookie = offset_;
    long r = loc_.node->readdir(&cookie, emit, &f);
    offset_ = cookie;
    if (f.fault) return -kEFAULT;
    if (r < 0 && !f.used) return r;
    if (!f.used && f.too_small) return -kEINVAL;
    return long(f.used);
  }

  long ioctl(uint64_t cmd, uint64_t arg) override {
    if (cmd != kFIONREAD || is_dir()) return -kENOTTY;
    fs::Attr a;
    if (long r = loc_.node->getattr(&a)) return r;
    int32_t left = a.size > offset_ ? int32_t(a.size - offset_) : 0;
    return put_user(arg, left) ? 0 : -kEFAULT;
  }

  long sync() override {
    if (path_only()) return -kEBADF;
    long r = vm_file_write_back(loc_.node);
    if (r == 0) r = loc_.node->sync();
    return r < 0 ? r : loc_.node->fs->sync();
  }

  long truncate(uint64_t size) override {
    if (path_only() || (status_flags & kO_ACCMODE) == kO_RDONLY) return -kEINVAL;
    if (is_dir()) return -kEISDIR;
    if (loc_.node->fs->read_only()) return -kEROFS;
    if (uint32_t* seals = loc_.node->seals(); seals && (*seals & (kF_SEAL_SHRINK | kF_SEAL_GROW))) {
      fs::Attr a;
      if (long r = loc_.node->getattr(&a)) return r;
      if ((size < a.size && (*seals & kF_SEAL_SHRINK)) || (size > a.size && (*seals & kF_SEAL_GROW)))
        return -kEPERM;
    }
    return vm_set_file_size(loc_.node, size);
  }

 private:
  struct Fill {
    uint64_t ubuf;
    size_t cap, used;
    bool fault;
    int too_small;
  };

  // A struct linux_dirent64 record.
  static bool emit(void* ctx, uint64_t ino, uint8_t type, const char* name, size_t len,
                   uint64_t next) {
    constexpr size_t kName = __builtin_offsetof(LinuxDirent64, name);
    auto f = static_cast<Fill*>(ctx);
    size_t reclen = (kName + len + 1 + 7) & ~size_t(7);
    if (f->used + reclen > f->cap) {
      f->too_small = 1;
      return false;
    }
    LinuxDirent64 head{ino, int64_t(next), uint16_t(reclen), type, {}};
    uint8_t rec[kName + 256 + 8] = {};
    memcpy(rec, &head, kName);
    memcpy(rec + kName, name, len);
    if (!copy_to_user(f->ubuf + f->used, rec, reclen)) {
      f->fault = true;
      return false;
    }
    f->used += reclen;
    return true;
  }

  long transfer(uint64_t ubuf, size_t n, uint64_t off, bool write) {
    if (int64_t(off) < 0) return -kEINVAL;
    if (!n) return 0;
    size_t chunk_max = n < kBounce ? n : kBounce;
    auto bounce = static_cast<uint8_t*>(kmalloc(chunk_max));
    if (!bounce) return -kENOMEM;
    size_t done = 0;
    long err = 0;
    // Shared mappings of the file hold its newest bytes (vm_file_*).
    if (write) vm_file_growing(loc_.node, off + n);
    while (done < n) {
      size_t chunk = n - done < chunk_max ? n - done : chunk_max;
      long r;
      if (write) {
        if (!copy_from_user(bounce, ubuf + done, chunk)) {
          err = -kEFAULT;
          break;
        }
        r = loc_.node->write(off + done, bounce, chunk);
        if (r > 0) vm_file_written(loc_.node, off + done, bounce, size_t(r));
      } else {
        r = loc_.node->read(off + done, bounce, chunk);
        if (r > 0) vm_file_overlay(loc_.node, off + done, bounce, size_t(r));
        if (r > 0 && !copy_to_user(ubuf + done, bounce, size_t(r))) {
          err = -kEFAULT;
          break;
        }
      }
      if (r < 0) {
        err = r;
        break;
      }
      done += size_t(r);
      if (size_t(r) < chunk) break;  // end of file, or the file system is full
    }
    kfree(bounce);
    return done ? long(done) : err;
  }

  // A sealed file: no writes (F_SEAL_WRITE, F_SEAL_FUTURE_WRITE); with
  // F_SEAL_GROW, none past the end, cut where Linux cuts it: page by page,
  // at the first page-sized piece that would end past the size.
  long sealed_write(uint64_t off, size_t* n) {
    uint32_t* seals = loc_.node->seals();
    if (!seals) return 0;
    if (*seals & (kF_SEAL_WRITE | kF_SEAL_FUTURE_WRITE)) return -kEPERM;
    if (!(*seals & kF_SEAL_GROW)) return 0;
    fs::Attr a;
    if (long r = loc_.node->getattr(&a)) return r;
    uint64_t end = off, want = off + *n;
    while (end < want) {
      uint64_t next = (end / 4096 + 1) * 4096;
      if (next > want) next = want;
      if (next > a.size) break;
      end = next;
    }
    if (end == off && *n) return -kEPERM;
    *n = size_t(end - off);
    return 0;
  }

  bool is_dir() const { return (fs::node_mode(loc_.node) & kS_IFMT) == kS_IFDIR; }
  bool path_only() const { return status_flags & kO_PATH; }

  fs::Location loc_;
  uint64_t offset_ = 0;
  char* path_;
};

// Character devices, by device number.
class CharDevice : public NodeFile {
 public:
  CharDevice(fs::Location loc, uint32_t flags, const char* path, uint32_t minor)
      : NodeFile(loc, flags, path), minor_(minor) {}
  bool pollable() const override { return true; }
  long read(uint64_t ubuf, size_t n) override {
    switch (minor_) {
      case 3: return 0;  // null
      case 8:
      case 9: {  // random, urandom
        uint8_t buf[256];
        size_t done = 0;
        while (done < n) {
          size_t c = n - done < sizeof buf ? n - done : sizeof buf;
          random_bytes(buf, c);
          if (!copy_to_user(ubuf + done, buf, c)) return done ? long(done) : -kEFAULT;
          done += c;
        }
        return long(n);
      }
      default: {  // zero, full
        static const uint8_t zeros[4096] = {};
        size_t done = 0;
        while (done < n) {
          size_t c = n - done < sizeof zeros ? n - done : sizeof zeros;
          if (!copy_to_user(ubuf + done, zeros, c)) return done ? long(done) : -kEFAULT;
          done += c;
        }
        return long(n);
      }
    }
  }
  long write(uint64_t, size_t n) override { return minor_ == 7 ? -kENOSPC : long(n); }
  long pread(uint64_t ubuf, size_t n, uint64_t) override { return read(ubuf, n); }
  long pwrite(uint64_t ubuf, size_t n, uint64_t) override { return write(ubuf, n); }
  long seek(int64_t, int) override { return 0; }
  long sync() override { return 0; }

 private:
  uint32_t minor_;
};

}  // namespace

bool file_location(File* f, fs::Location* out) {
  if (!f->node()) return false;
  *out = static_cast<NodeFile*>(f)->location();
  return true;
}

void fill_stat(fs::Node* n, Stat* st) {
  fs::Attr a;
  *st = Stat{};
  if (n->getattr(&a) < 0) return;
  st->dev = dev_of(n->fs);
  st->ino = a.ino;
  st->nlink = a.nlink;
  st->mode = a.mode;
  st->uid = a.uid;
  st->gid = a.gid;
  st->rdev = a.rdev;
  st->size = int64_t(a.size);
  st->blksize = a.blksize;
  st->blocks = int64_t(a.blocks);
  st->atime = a.atime.sec;
  st->atime_nsec = a.atime.nsec;
  st->mtime = a.mtime.sec;
  st->mtime_nsec = a.mtime.nsec;
  st->ctime = a.ctime.sec;
  st->ctime_nsec = a.ctime.nsec;
}

long open_node(fs::Location loc, uint32_t flags, const char* path, File** out) {
  fs::Attr a;
  if (long r = loc.node->getattr(&a)) {
    fs::location_put(loc);
    return r;
  }
  uint32_t type = a.mode & kS_IFMT;
  File* f = nullptr;
  if (type == kS_IFCHR && !(flags & kO_PATH)) {
    uint32_t major = uint32_t(a.rdev >> 8), minor = uint32_t(a.rdev & 0xff);
    if (major == 5 || (major == 4 && minor == 0)) {  // tty, console
      fs::location_put(loc);
      File* c = make_console_file();
      if (!c) return -kENOMEM;
      c->status_flags = flags;
      *out = c;
      return 0;
    }
    if (major != 1 || (minor != 3 && minor != 5 && minor != 7 && minor != 8 && minor != 9)) {
      fs::location_put(loc);
      return -kENXIO;
    }
    f = new CharDevice(loc, flags, path, minor);
  } else if (type == kS_IFBLK && !(flags & kO_PATH)) {
    fs::location_put(loc);
    return open_block_device(a.rdev, flags, out);
  } else if (type == kS_IFDIR || type == kS_IFREG || (flags & kO_PATH)) {
    if ((flags & kO_DIRECTORY) && type != kS_IFDIR) {
      fs::location_put(loc);
      return -kENOTDIR;
    }
    f = new NodeFile(loc, flags, path);
  } else {
    fs::location_put(loc);
    return type == kS_IFSOCK ? -kENXIO : -kEOPNOTSUPP;  // FIFOs by name: later
  }
  if (!f) {
    fs::location_put(loc);
    return -kENOMEM;
  }
  *out = f;
  return 0;
}

}  // namespace kiln
