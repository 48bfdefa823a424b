#include "fs/tmpfs.h"

#include "abi/linux/limits.h"
#include "abi/linux/statfs.h"
#include "abi/linux/xattr.h"
#include "fs/xattr_list.h"
#include "lib/list.h"
#include "lib/mem.h"

namespace kiln::fs {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxFileSize = 1ull << 40;

Time zero_clock() { return Time{}; }
Time (*g_now)() = zero_clock;

class TmpFs;

struct Entry;

class TmpNode final : public Node {
 public:
  TmpNode(TmpFs* owner, uint64_t ino, uint32_t mode, uint64_t rdev);
  ~TmpNode() override;

  long getattr(Attr* out) override;
  long setattr(const Attr& in, uint32_t which) override;
  long read(uint64_t offset, void* buf, size_t n) override;
  const uint8_t* resident_contents(uint64_t* size) override {
    *size = attr_.size;
    return adopted_;
  }
  long write(uint64_t offset, const void* buf, size_t n) override;
  long lookup(const char* name, size_t len, Node** out) override;
  long create(const char* name, size_t len, uint32_t mode, uint64_t rdev, Node** out) override;
  long symlink(const char* name, size_t len, const char* target, size_t target_len) override;
  long link(const char* name, size_t len, Node* target) override;
  long remove(const char* name, size_t len, bool dir) override;
  long rename(const char* name, size_t len, Node* to_dir, const char* to_name,
              size_t to_len) override;
  long readdir(uint64_t* cookie, Emit emit, void* ctx) override;
  long readlink(char* buf, size_t cap) override;
  long getxattr(const char* name, void* buf, size_t cap) override;
  long setxattr(const char* name, const void* value, size_t size, int flags) override;
  long listxattr(char* buf, size_t cap, bool trusted) override;
  long removexattr(const char* name) override;
  uint32_t* seals() override { return is_dir() ? nullptr : &seals_; }

  bool is_dir() const { return (attr_.mode & kS_IFMT) == kS_IFDIR; }
  Attr attr_;
  TmpNode* parent_ = nullptr;  // directories: for ".."

 private:
  friend class TmpFs;
  friend long fs::tmpfs_adopt(Node*, const uint8_t*, uint64_t);
  long own_pages();
  Entry* find(const char* name, size_t len);
  long add_entry(const char* name, size_t len, TmpNode* node);
  void drop_entry(Entry* e);
  long resize(uint64_t size);
  void touch(bool modify);

  TmpFs* owner_;
  // Regular files: pages of data (nullptr: a hole); symlinks: the target.
  uint8_t** pages_ = nullptr;
  size_t page_slots_ = 0;
  char* target_ = nullptr;
  const uint8_t* adopted_ = nullptr;  // read-only contents not yet copied
  Entry* entries_ = nullptr;  // singly linked, insertion order
  XattrList xattrs_;
  uint32_t seals_ = 1;  // F_SEAL_SEAL
  uint64_t next_cookie_ = 2;
};

struct Entry {
  Entry* next;
  TmpNode* node;
  uint64_t cookie;  // stable position for readdir
  size_t len;
  char name[1];     // len bytes follow
};

class TmpFs final : public FileSystem {
 public:
  TmpFs(uint64_t max_bytes, const char* name, uint32_t root_mode)
      : max_bytes_(max_bytes), name_(name) {
    root_ = new TmpNode(this, next_ino_++, kS_IFDIR | root_mode, 0);
    if (root_) root_->parent_ = root_;
  }
  ~TmpFs() override { if (root_) root_->put(); }
  Node* root() override {
    root_->get();
    return root_;
  }
  long statfs(StatFs* out) override {
    *out = StatFs{kTMPFS_MAGIC, kPage, max_bytes_ / kPage, (max_bytes_ - used_) / kPage,
                  (max_bytes_ - used_) / kPage, 1 << 20, (1 << 20) - nodes_, kNAME_MAX, false};
    return 0;
  }
  const char* type_name() const override { return name_; }
  bool valid() const { return root_ != nullptr; }

  uint64_t next_ino_ = 1;
  uint64_t used_ = 0, max_bytes_;
  uint64_t nodes_ = 0;

 private:
  const char* name_;
  TmpNode* root_;
};

TmpNode::TmpNode(TmpFs* owner, uint64_t number, uint32_t mode, uint64_t rdev) : owner_(owner) {
  fs = owner;
  ino = number;
  attr_.ino = number;
  attr_.mode = mode;
  attr_.nlink = (mode & kS_IFMT) == kS_IFDIR ? 2 : 1;
  attr_.rdev = rdev;
  attr_.atime = attr_.mtime = attr_.ctime = g_now();
  owner->nodes_++;
}

// Linux's tmpfs keeps the user, trusted and security namespaces (user.*
// since 6.6); system.* would be POSIX ACLs, which kiln does not have.
bool kept_namespace(const char* name) {
  static constexpr const char* kKept[] = {kXATTR_USER_PREFIX, kXATTR_TRUSTED_PREFIX,
                                          kXATTR_SECURITY_PREFIX};
  for (const char* prefix : kKept)
    if (!strncmp(name, prefix, strlen(prefix))) return true;
  return false;
}

bool is_trusted(const char* name) {
  return !strncmp(name, kXATTR_TRUSTED_PREFIX, sizeof kXATTR_TRUSTED_PREFIX - 1);
}
bool listed_for_root(const char*) { return true; }
bool listed_for_others(const char* name) { return !is_trusted(name); }

long TmpNode::getxattr(const char* name, void* buf, size_t cap) {
  if (!kept_namespace(name)) return -kEOPNOTSUPP;
  return xattrs_.get(name, buf, cap);
}

long TmpNode::setxattr(const char* name, const void* value, size_t size, int flags) {
  if (!kept_namespace(name)) return -kEOPNOTSUPP;
  long r = xattrs_.set(name, value, size, flags);
  if (r == 0) touch(false);
  return r;
}

long TmpNode::listxattr(char* buf, size_t cap, bool trusted) {
  return xattrs_.list(buf, cap, trusted ? listed_for_root : listed_for_others);
}

long TmpNode::removexattr(const char* name) {
  if (!kept_namespace(name)) return -kEOPNOTSUPP;
  long r = xattrs_.remove(name);
  if (r == 0) touch(false);
  return r;
}

TmpNode::~TmpNode() {
  while (entries_) {
    Entry* e = entries_;
    entries_ = e->next;
    if (e->node->is_dir()) e->node->parent_ = nullptr;
    e->node->put();
    delete[] reinterpret_cast<uint8_t*>(e);
  }
  resize(0);
  delete[] pages_;
  delete[] target_;
  owner_->nodes_--;
}

void TmpNode::touch(bool modify) {
  Time now = g_now();
  attr_.ctime = now;
  if (modify) attr_.mtime = now;
}

long TmpNode::getattr(Attr* out) {
  *out = attr_;
  out->blocks = adopted_ ? (attr_.size + 511) / 512 : 0;
  for (size_t i = 0; i < page_slots_; i++)
    if (pages_[i]) out->blocks += kPage / 512;
  if (is_dir()) out->size = 4096;
  return 0;
}

long TmpNode::setattr(const Attr& in, uint32_t which) {
  if (which & kSetSize) {
    if ((attr_.mode & kS_IFMT) != kS_IFREG) return is_dir() ? -kEISDIR : -kEINVAL;
    if (adopted_) {
      if (long r = own_pages()) return r;
    }
    long r = resize(in.size);
    if (r < 0) return r;
    attr_.mtime = g_now();
  }
  if (which & kSetMode) attr_.mode = (attr_.mode & kS_IFMT) | (in.mode & 07777);
  if (which & kSetUid) attr_.uid = in.uid;
  if (which & kSetGid) attr_.gid = in.gid;
  if (which & kSetAtime) attr_.atime = in.atime;
  if (which & kSetMtime) attr_.mtime = in.mtime;
  attr_.ctime = (which & kSetCtime) ? in.ctime : g_now();
  return 0;
}

long TmpNode::resize(uint64_t size) {
  if (size > kMaxFileSize) return -kEFBIG;
  size_t need = size_t((size + kPage - 1) / kPage);
  // Free pages past the end, and clear the tail of the last kept page.
  for (size_t i = need; i < page_slots_; i++) {
    if (pages_[i]) {
      delete[] pages_[i];
      pages_[i] = nullptr;
      owner_->used_ -= kPage;
    }
  }
  if (size < attr_.size && size % kPage && need <= page_slots_ && pages_[need - 1])
    memset(pages_[need - 1] + size % kPage, 0, kPage - size % kPage);
  if (need > page_slots_) {
    size_t slots = page_slots_ ? page_slots_ : 4;
    while (slots < need) slots *= 2;
    auto grown = new uint8_t*[slots];
    if (!grown) return -kENOMEM;
    for (size_t i = 0; i < slots; i++) grown[i] = i < page_slots_ ? pages_[i] : nullptr;
    delete[] pages_;
    pages_ = grown;
    page_slots_ = slots;
  }
  attr_.size = size;
  return 0;
}

long TmpNode::read(uint64_t offset, void* buf, size_t n) {
  if (is_dir()) return -kEISDIR;
  if (offset >= attr_.size) return 0;
  if (n > attr_.size - offset) n = size_t(attr_.size - offset);
  auto out = static_cast<uint8_t*>(buf);
  if (adopted_) {
    memcpy(out, adopted_ + offset, n);
    attr_.atime = g_now();
    return long(n);
  }
  for (size_t done = 0; done < n;) {
    uint64_t at = offset + done;
    size_t in_page = size_t(at % kPage), chunk = kPage - in_page;
    if (chunk > n - done) chunk = n - done;
    uint8_t* page = pages_[at / kPage];
    if (page)
      memcpy(out + done, page + in_page, chunk);
    else
      memset(out + done, 0, chunk);  // a hole
    done += chunk;
  }
  attr_.atime = g_now();
  return long(n);
}

long TmpNode::own_pages() {
  const uint8_t* data = adopted_;
  uint64_t size = attr_.size;
  adopted_ = nullptr;
  attr_.size = 0;
  long r = write(0, data, size_t(size));
  if (r < 0 || uint64_t(r) != size) {
    adopted_ = data;  // keep serving the original
    attr_.size = size;
    return r < 0 ? r : -kENOSPC;
  }
  return 0;
}

long TmpNode::write(uint64_t offset, const void* buf, size_t n) {
  if (is_dir()) return -kEISDIR;
  if (adopted_) {
    if (long r = own_pages()) return r;
  }
  if (offset + n < offset || offset + n > kMaxFileSize) return -kEFBIG;
  if (offset + n > attr_.size) {
    long r = resize(offset + n);
    if (r < 0) return r;
  }
  auto in = static_cast<const uint8_t*>(buf);
  size_t done = 0;
  while (done < n) {
    uint64_t at = offset + done;
    size_t in_page = size_t(at % kPage), chunk = kPage - in_page;
    if (chunk > n - done) chunk = n - done;
    uint8_t*& page = pages_[at / kPage];
    if (!page) {
      if (owner_->max_bytes_ && owner_->used_ + kPage > owner_->max_bytes_) break;
      page = new uint8_t[kPage];
      if (!page) break;
      memset(page, 0, kPage);
      owner_->used_ += kPage;
    }
    memcpy(page + in_page, in + done, chunk);
    done += chunk;
  }
  if (done < n && offset + done < attr_.size && offset + n == attr_.size) resize(offset + done);
  touch(true);
  return done ? long(done) : -kENOSPC;
}

Entry* TmpNode::find(const char* name, size_t len) {
  for (Entry* e = entries_; e; e = e->next)
    if (e->len == len && memcmp(e->name, name, len) == 0) return e;
  return nullptr;
}

long TmpNode::add_entry(const char* name, size_t len, TmpNode* node) {
  if (len == 0) return -kENOENT;
  if (len > kNAME_MAX) return -kENAMETOOLONG;
  auto raw = new uint8_t[sizeof(Entry) + len];
  if (!raw) return -kENOMEM;
  auto e = reinterpret_cast<Entry*>(raw);
  e->node = node;
  e->cookie = next_cookie_++;
  e->len = len;
  memcpy(e->name, name, len);
  // Append, so readdir sees entries in creation order.
  e->next = nullptr;
  Entry** tail = &entries_;
  while (*tail) tail = &(*tail)->next;
  *tail = e;
  if (node->is_dir()) {
    node->parent_ = this;
    attr_.nlink++;
  }
  touch(true);
  return 0;
}

void TmpNode::drop_entry(Entry* e) {
  for (Entry** p = &entries_; *p; p = &(*p)->next) {
    if (*p != e) continue;
    *p = e->next;
    break;
  }
  TmpNode* n = e->node;
  if (n->is_dir()) {
    attr_.nlink--;
    n->attr_.nlink = 0;
    n->parent_ = nullptr;
  } else {
    n->attr_.nlink--;
    n->attr_.ctime = g_now();
  }
  touch(true);
  delete[] reinterpret_cast<uint8_t*>(e);
  n->put();
}

long TmpNode::lookup(const char* name, size_t len, Node** out) {
  if (!is_dir()) return -kENOTDIR;
  if (len == 1 && name[0] == '.') {
    get();
    *out = this;
    return 0;
  }
  if (len == 2 && name[0] == '.' && name[1] == '.') {
    TmpNode* p = parent_ ? parent_ : this;
    p->get();
    *out = p;
    return 0;
  }
  Entry* e = find(name, len);
  if (!e) return len > kNAME_MAX ? -kENAMETOOLONG : -kENOENT;
  e->node->get();
  *out = e->node;
  return 0;
}

long TmpNode::create(const char* name, size_t len, uint32_t mode, uint64_t rdev, Node** out) {
  if (!is_dir()) return -kENOTDIR;
  if (!attr_.nlink) return -kENOENT;  // a removed directory
  if (find(name, len)) return -kEEXIST;
  auto n = new TmpNode(owner_, owner_->next_ino_++, mode, rdev);
  if (!n) return -kENOMEM;
  long r = add_entry(name, len, n);
  if (r < 0) {
    n->put();
    return r;
  }
  if (out) {
    n->get();
    *out = n;
  }
  return 0;
}

long TmpNode::symlink(const char* name, size_t len, const char* target, size_t target_len) {
  if (!is_dir()) return -kENOTDIR;
  if (find(name, len)) return -kEEXIST;
  if (target_len == 0) return -kENOENT;
  if (target_len >= 4096) return -kENAMETOOLONG;
  auto n = new TmpNode(owner_, owner_->next_ino_++, kS_IFLNK | 0777, 0);
  if (!n) return -kENOMEM;
  n->target_ = new char[target_len];
  if (!n->target_) {
    n->put();
    return -kENOMEM;
  }
  memcpy(n->target_, target, target_len);
  n->attr_.size = target_len;
  long r = add_entry(name, len, n);
  if (r < 0) n->put();
  return r;
}

long TmpNode::link(const char* name, size_t len, Node* target) {
  if (!is_dir()) return -kENOTDIR;
  if (target->fs != fs) return -kEXDEV;
  auto t = static_cast<TmpNode*>(target);
  if (t->is_dir()) return -kEPERM;
  if (!t->attr_.nlink) return -kENOENT;
  if (find(name, len)) return -kEEXIST;
  t->get();
  long r = add_entry(name, len, t);
  if (r < 0) {
    t->put();
    return r;
  }
  t->attr_.nlink++;
  t->attr_.ctime = g_now();
  return 0;
}

long TmpNode::remove(const char* name, size_t len, bool dir) {
  if (!is_dir()) return -kENOTDIR;
  Entry* e = find(name, len);
  if (!e) return -kENOENT;
  if (dir && !e->node->is_dir()) return -kENOTDIR;
  if (!dir && e->node->is_dir()) return -kEISDIR;
  if (dir && e->node->entries_) return -kENOTEMPTY;
  drop_entry(e);
  return 0;
}

long TmpNode::rename(const char* name, size_t len, Node* to_dir, const char* to_name,
                     size_t to_len) {
  if (!is_dir()) return -kENOTDIR;
  if (to_dir->fs != fs) return -kEXDEV;
  auto dst = static_cast<TmpNode*>(to_dir);
  if (!dst->is_dir()) return -kENOTDIR;
  Entry* e = find(name, len);
  if (!e) return -kENOENT;
  TmpNode* moving = e->node;
  // A directory cannot move into itself or below itself.
  if (moving->is_dir())
    for (TmpNode* p = dst; p; p = p->parent_ == p ? nullptr : p->parent_)
      if (p == moving) return -kEINVAL;
  Entry* old = dst->find(to_name, to_len);
  if (old == e) return 0;
  if (old) {
    if (old->node == moving) return 0;  // hard links to the same file: nothing to do
    // A target above the source (so not empty) comes before the types, as on Linux.
    if (old->node->is_dir())
      for (TmpNode* p = this; p; p = p->parent_ == p ? nullptr : p->parent_)
        if (p == old->node) return -kENOTEMPTY;
    if (moving->is_dir() && !old->node->is_dir()) return -kENOTDIR;
    if (!moving->is_dir() && old->node->is_dir()) return -kEISDIR;
    if (old->node->is_dir() && old->node->entries_) return -kENOTEMPTY;
  }
  uint32_t links = moving->attr_.nlink;
  moving->get();
  long r = dst->add_entry(to_name, to_len, moving);
  if (r < 0) {
    moving->put();
    return r;
  }
  if (old) dst->drop_entry(old);
  drop_entry(find(name, len));
  // The node only changed names: its own link count and parent are kept.
  moving->attr_.nlink = links;
  if (moving->is_dir()) moving->parent_ = dst;
  moving->attr_.ctime = g_now();
  return 0;
}

long TmpNode::readdir(uint64_t* cookie, Emit emit, void* ctx) {
  if (!is_dir()) return -kENOTDIR;
  if (*cookie == 0) {
    if (!emit(ctx, attr_.ino, kDT_DIR, ".", 1, 1)) return 0;
    *cookie = 1;
  }
  if (*cookie == 1) {
    TmpNode* p = parent_ ? parent_ : this;
    if (!emit(ctx, p->attr_.ino, kDT_DIR, "..", 2, 2)) return 0;
    *cookie = 2;
  }
  for (Entry* e = entries_; e; e = e->next) {
    if (e->cookie < *cookie) continue;
    if (!emit(ctx, e->node->attr_.ino, dtype_of(e->node->attr_.mode), e->name, e->len,
              e->cookie + 1))
      return 0;
    *cookie = e->cookie + 1;
  }
  attr_.atime = g_now();
  return 0;
}

long TmpNode::readlink(char* buf, size_t cap) {
  if ((attr_.mode & kS_IFMT) != kS_IFLNK) return -kEINVAL;
  size_t n = attr_.size < cap ? size_t(attr_.size) : cap;
  memcpy(buf, target_, n);
  return long(n);
}

}  // namespace

void set_clock(Time (*now)()) { g_now = now; }
Time fs_now() { return g_now(); }

long tmpfs_adopt(Node* file, const uint8_t* data, uint64_t size) {
  auto n = static_cast<TmpNode*>(file);
  if ((n->attr_.mode & kS_IFMT) != kS_IFREG || n->attr_.size) return -kEINVAL;
  n->adopted_ = data;
  n->attr_.size = size;
  return 0;
}

FileSystem* tmpfs_create(uint64_t max_bytes, const char* type_name, uint32_t root_mode) {
  auto fs = new TmpFs(max_bytes ? max_bytes : ~0ull >> 1, type_name, root_mode & 07777);
  if (fs && !fs->valid()) {
    delete fs;
    return nullptr;
  }
  return fs;
}

}  // namespace kiln::fs
