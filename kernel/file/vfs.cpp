// The root file system and user-path resolution.
#include "file/vfs.h"

#include "core/clock.h"
#include "core/console.h"
#include "core/panic.h"
#include "drivers/devices.h"
#include "fs/tmpfs.h"
#include "lib/cpio.h"
#include "lib/mem.h"
#include "abi/linux/errno.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/limits.h"
#include "proc/procfs.h"
#include "proc/process.h"
#include "mm/uaccess.h"

namespace kiln {
namespace {

fs::Vfs g_vfs;

fs::Time now() {
  int64_t ns = realtime_ns();
  return fs::Time{ns / 1000000000, ns % 1000000000};
}

// The /etc a program finds when the image brings none of its own: what
// glibc's name service and getaddrinfo read.
struct DefaultFile {
  const char* path;
  const char* text;
};
const DefaultFile kEtc[] = {
    {"etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"},
    {"etc/passwd",
     "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"},
    {"etc/group", "root:x:0:\nnogroup:x:65534:\n"},
    {"etc/nsswitch.conf",
     "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\n"
     "protocols: files\nservices: files\nethers: files\nrpc: files\n"},
    {"etc/protocols",
     "ip\t0\tIP\nicmp\t1\tICMP\nigmp\t2\tIGMP\ntcp\t6\tTCP\nudp\t17\tUDP\nipv6\t41\tIPv6\n"
     "ipv6-icmp\t58\tIPv6-ICMP\nsctp\t132\tSCTP\n"},
    {"etc/services",
     "ftp-data\t20/tcp\nftp\t\t21/tcp\nssh\t\t22/tcp\ntelnet\t\t23/tcp\nsmtp\t\t25/tcp\tmail\n"
     "domain\t\t53/tcp\ndomain\t\t53/udp\nbootps\t\t67/udp\nbootpc\t\t68/udp\ntftp\t\t69/udp\n"
     "http\t\t80/tcp\twww\nntp\t\t123/udp\nhttps\t\t443/tcp\nsyslog\t\t514/udp\n"
     "submission\t587/tcp\nimaps\t\t993/tcp\nmysql\t\t3306/tcp\npostgresql\t5432/tcp\n"
     "redis\t\t6379/tcp\nhttp-alt\t8080/tcp\nmemcache\t11211/tcp\nmemcache\t11211/udp\n"},
    {"etc/resolv.conf", ""},
    {"etc/shells", "/bin/sh\n"},
};

// mkdir -p for the parents of `path` (no leading '/'), returning the parent
// directory with a reference and the last name in `last`.
long parent_of(const char* path, fs::Location* out, char* last) {
  fs::Location dir = g_vfs.root();
  const char* p = path;
  for (;;) {
    const char* slash = p;
    while (*slash && *slash != '/') slash++;
    size_t len = size_t(slash - p);
    if (!*slash) {
      if (len == 0 || len > kNAME_MAX) {
        fs::location_put(dir);
        return -kEINVAL;
      }
      memcpy(last, p, len);
      last[len] = 0;
      *out = dir;
      return 0;
    }
    if (len) {
      fs::Location next;
      long r = g_vfs.step(dir, p, len, &next);
      if (r == -kENOENT) {
        r = dir.node->create(p, len, kS_IFDIR | 0755, 0, nullptr);
        if (r == 0) r = g_vfs.step(dir, p, len, &next);
      }
      fs::location_put(dir);
      if (r < 0) return r;
      dir = next;
    }
    p = slash + 1;
  }
}

// Puts one archive entry into the root file system.
long add_entry(const cpio::Entry& e) {
  char name[kPATH_MAX];
  if (e.name_len == 0 || e.name_len >= sizeof name) return 0;
  memcpy(name, e.name, e.name_len);
  name[e.name_len] = 0;
  if (strncmp(name, ".kiln", 5) == 0 && (name[5] == 0 || name[5] == '/')) return 0;
  fs::Location dir;
  char last[256];
  if (long r = parent_of(name, &dir, last)) return r;
  size_t len = strlen(last);
  uint32_t type = e.mode & kS_IFMT;
  long r = 0;
  fs::Node* node = nullptr;
  if (type == kS_IFLNK) {
    r = dir.node->symlink(last, len, reinterpret_cast<const char*>(e.data), e.size);
  } else if (type == kS_IFDIR) {
    r = dir.node->create(last, len, e.mode, 0, nullptr);
    if (r == -kEEXIST) r = 0;  // made earlier as a parent
  } else if (type == kS_IFREG) {
    r = dir.node->create(last, len, e.mode, 0, &node);
    if (r == 0) r = fs::tmpfs_adopt(node, e.data, e.size);
  }
  if (node) {
    fs::Attr a;
    a.mtime = a.atime = fs::Time{int64_t(e.mtime), 0};
    a.uid = e.uid;
    a.gid = e.gid;
    node->setattr(a, fs::kSetMtime | fs::kSetAtime | fs::kSetUid | fs::kSetGid);
    node->put();
  }
  fs::location_put(dir);
  return r;
}

void add_default(const char* path, const char* text) {
  fs::Location dir;
  char last[256];
  if (parent_of(path, &dir, last)) return;
  fs::Node* node;
  if (dir.node->create(last, strlen(last), kS_IFREG | 0644, 0, &node) == 0) {
    node->write(0, text, strlen(text));
    node->put();
  }
  fs::location_put(dir);
}

void make_dir(const char* path, uint32_t mode) {
  fs::Location dir;
  char last[256];
  if (parent_of(path, &dir, last)) return;
  dir.node->create(last, strlen(last), kS_IFDIR | mode, 0, nullptr);
  fs::location_put(dir);
}

void mount_at(const char* path, fs::FileSystem* f, const char* source) {
  fs::Location at;
  if (!f || g_vfs.resolve(g_vfs.root(), path, fs::kFollow, &at) < 0) panic("cannot mount %s", path);
  if (g_vfs.mount(at, f, source, path) < 0) panic("cannot mount %s", path);
  fs::location_put(at);
}

// /dev: device nodes Linux programs open by name.
fs::FileSystem* make_devfs() {
  fs::FileSystem* dev = fs::tmpfs_create(0, "devtmpfs", 0755);
  if (!dev) return nullptr;
  fs::Node* root = dev->root();
  struct Device {
    const char* name;
    uint32_t mode;
    uint64_t rdev;
  };
  const Device devices[] = {
      {"null", 0666, 0x103},   {"zero", 0666, 0x105},    {"full", 0666, 0x107},
      {"random", 0666, 0x108}, {"urandom", 0666, 0x109}, {"tty", 0666, 0x500},
      {"console", 0600, 0x501}, {"ttyS0", 0660, 0x440},
  };
  for (const Device& d : devices)
    root->create(d.name, strlen(d.name), kS_IFCHR | d.mode, d.rdev, nullptr);
  const char* links[][2] = {{"fd", "/proc/self/fd"},
                            {"stdin", "/proc/self/fd/0"},
                            {"stdout", "/proc/self/fd/1"},
                            {"stderr", "/proc/self/fd/2"}};
  for (auto& l : links) root->symlink(l[0], strlen(l[0]), l[1], strlen(l[1]));
  for (size_t i = 0; i < drivers::block_device_count() && i < 26; i++) {
    if (!drivers::block_device(i)) continue;
    char name[4] = {'v', 'd', char('a' + i), 0};
    root->create(name, 3, kS_IFBLK | 0660, (kBlockMajor << 8) | i, nullptr);
  }
  root->create("shm", 3, kS_IFDIR | 01777, 0, nullptr);
  root->create("pts", 3, kS_IFDIR | 0755, 0, nullptr);
  root->put();
  return dev;
}

}  // namespace

fs::Vfs& vfs() { return g_vfs; }
fs::Location& cwd() { return process().cwd; }
const fs::Location* process_top() {
  const fs::Location& r = process().root;
  return r.node ? &r : nullptr;
}

void vfs_init(const uint8_t* archive, size_t size) {
  fs::set_clock(now);
  fs::FileSystem* root = fs::tmpfs_create(0, "rootfs", 0755);
  if (!root || g_vfs.mount_root(root, "rootfs") < 0) panic("out of memory creating /");
  cpio::Reader reader(archive, size);
  cpio::Entry e;
  cpio::Error err;
  while ((err = reader.next(&e)) == cpio::Error::None) {
    long r = add_entry(e);
    if (r < 0) kprintf("kiln: cannot add %.*s to /: error %ld\n", int(e.name_len), e.name, -r);
  }
  if (err != cpio::Error::NotFound)
    kprintf("kiln: the image's file archive is damaged: %s\n", cpio::error_string(err));
  for (const DefaultFile& f : kEtc) add_default(f.path, f.text);  // kept if the image has one
  make_dir("tmp", 01777);
  make_dir("root", 0700);
  make_dir("dev", 0755);
  make_dir("proc", 0555);
  mount_at("/dev", make_devfs(), "devtmpfs");
  mount_at("/proc", procfs_create(), "proc");
  init_process()->cwd = g_vfs.root();
}

long vfs_make_socket_node(const char* path) {
  fs::Location dir;
  char last[256];
  long r = g_vfs.resolve(cwd(), path, fs::kParent, &dir, last, process_top());
  if (r < 0) return r;
  r = dir.node->create(last, strlen(last), kS_IFSOCK | (0777 & ~process().umask), 0, nullptr);
  fs::location_put(dir);
  return r == -kEEXIST ? -kEADDRINUSE : r;
}

bool vfs_exists(const char* path) {
  fs::Location loc;
  if (g_vfs.resolve(cwd(), path, fs::kFollow, &loc, nullptr, process_top()) < 0) return false;
  fs::location_put(loc);
  return true;
}

long location_path(const fs::Location& dir, char* buf, size_t cap) {
  if (cap < 2) return -kENAMETOOLONG;
  // Built backwards from the end of buf, then moved to its start.
  size_t at = cap - 1;
  buf[at] = 0;
  fs::Location cur = fs::location_dup(dir);
  fs::Location top = process_top() ? fs::location_dup(*process_top()) : g_vfs.root();
  fs::Location tree = g_vfs.root();
  long r = 0;
  bool unreachable = false;  // outside a chroot: Linux's "(unreachable)" prefix
  for (int depth = 0; depth < 256; depth++) {
    if (cur.node == top.node || (cur.mnt == top.mnt && fs::node_ino(cur.node) == fs::node_ino(top.node)))
      break;
    if (cur.node == tree.node) {
      unreachable = true;
      break;
    }
    fs::Location up;
    if ((r = g_vfs.step(cur, "..", 2, &up)) < 0) break;
    bool crossed = up.mnt != cur.mnt;
    struct Find {
      uint64_t ino;
      char name[256];
      bool found;
    } find = {crossed ? fs::node_ino(cur.mnt->mountpoint) : fs::node_ino(cur.node), {}, false};
    uint64_t cookie = 0;
    up.node->readdir(&cookie, [](void* ctx, uint64_t ino, uint8_t, const char* name, size_t len,
                                 uint64_t) {
      auto f = static_cast<Find*>(ctx);
      if (ino != f->ino || (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return true;
      memcpy(f->name, name, len);
      f->name[len] = 0;
      f->found = true;
      return false;
    }, &find);
    fs::location_put(cur);
    cur = up;
    if (!find.found) {
      r = -kENOENT;  // the directory was removed
      break;
    }
    size_t n = strlen(find.name);
    if (n + 1 > at) {
      r = -kENAMETOOLONG;
      break;
    }
    at -= n;
    memcpy(buf + at, find.name, n);
    buf[--at] = '/';
  }
  fs::location_put(cur);
  fs::location_put(top);
  fs::location_put(tree);
  if (r < 0) return r;
  if (at == cap - 1) buf[--at] = '/';
  static const char kUnreachable[] = "(unreachable)";
  if (unreachable) {
    if (at < sizeof kUnreachable - 1) return -kENAMETOOLONG;
    at -= sizeof kUnreachable - 1;
    memcpy(buf + at, kUnreachable, sizeof kUnreachable - 1);
  }
  size_t len = cap - 1 - at;
  memmove(buf, buf + at, len + 1);
  return long(len);
}

long user_path(int64_t raw_dirfd, uint64_t upath, int flags, fs::Location* out, char* last,
               bool empty_ok) {
  int64_t dirfd = int32_t(raw_dirfd);  // a C int, whatever the upper half holds
  // Most paths are short: a buffer on the stack spares a two-page heap run
  // (and the frame allocator's search for it) on every stat and open.
  char short_path[256];
  char* path = short_path;
  long n = copy_string_from_user(path, upath, sizeof short_path);
  if (n == -kENAMETOOLONG) {
    path = new char[kPATH_MAX];
    if (!path) return -kENOMEM;
    n = copy_string_from_user(path, upath, kPATH_MAX);
  }
  long r;
  if (n < 0) {
    r = n;
  } else if (n == 0 && !empty_ok) {
    r = -kENOENT;
  } else {
    fs::Location base;
    if (path[0] == '/' ) {
      base = process_top() ? fs::location_dup(*process_top()) : g_vfs.root();
    } else if (dirfd == kAT_FDCWD) {
      base = fs::location_dup(cwd());
    } else {
      FileRef f = fd_table().get(dirfd);
      fs::Node* node = f ? f->node() : nullptr;
      if (!f) {
        if (path != short_path) delete[] path;
        return -kEBADF;
      }
      if (!node || (n > 0 && (fs::node_mode(node) & kS_IFMT) != kS_IFDIR)) {
        if (path != short_path) delete[] path;
        return n == 0 && !node ? -kEBADF : -kENOTDIR;
      }
      file_location(f.file(), &base);
    }
    if (n == 0) {
      *out = base;  // AT_EMPTY_PATH: dirfd itself
      r = 0;
    } else {
      r = g_vfs.resolve(base, path, flags, out, last, process_top());
      fs::location_put(base);
    }
  }
  if (path != short_path) delete[] path;
  return r;
}

}  // namespace kiln
