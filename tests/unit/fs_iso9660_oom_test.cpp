// ISO 9660 when the heap runs out: the kernel's operator new returns nullptr,
// so this test replaces the global one with a version that fails the Nth
// allocation made inside a file-system call, for every N, and checks that
// each call then fails with -ENOMEM (or succeeds), never crashes or leaks.
#include "fs_iso9660_util.h"  // first: kiln's errno names before the C library's macros

#include <cstdlib>
#include <new>

#include "fs_iso9660_images.h"

namespace {

bool g_armed = false;  // only calls into the file system are counted
long g_fail_at = -1;   // the allocation (counting from 0) that fails
long g_count = 0;
long g_live = 0;  // allocations not yet freed

void* allocate(size_t n) {
  if (g_armed && g_count++ == g_fail_at) return nullptr;
  void* p = std::malloc(n ? n : 1);
  if (!p) std::abort();
  g_live++;
  return p;
}

void release(void* p) {
  if (!p) return;
  g_live--;
  std::free(p);
}

}  // namespace

void* operator new(size_t n) { return allocate(n); }
void* operator new[](size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, size_t) noexcept { release(p); }
void operator delete[](void* p, size_t) noexcept { release(p); }

namespace kiln::fs::iso9660_test {
namespace {

// Runs one file-system call with allocation `fail_at` failing; true when
// the failure was injected.
template <typename F>
long armed(F f, bool* injected) {
  long before = g_count;
  g_armed = true;
  long r = f();
  g_armed = false;
  if (g_fail_at >= before && g_fail_at < g_count) *injected = true;
  return r;
}

// Every operation on an image, with allocation N failing; returns whether
// any allocation failed (false: N is past the last allocation).
bool run_with_failure(const std::vector<uint8_t>& img, long n) {
  g_fail_at = n;
  g_count = 0;
  bool injected = false;
  MemBlockDevice dev(img);
  FileSystem* fs = nullptr;
  long r = armed([&] { return iso9660_mount(&dev, &fs, nullptr); }, &injected);
  if (r) {
    EXPECT_EQ(r, -ENOMEM);
    EXPECT_TRUE(injected);
    return injected;
  }
  Node* root = fs->root();
  std::vector<std::string> names = {"first-half-second-half", kName255, "link", "null", "times",
                                    "multi", "xar", "sub", "a", "Dir", "mixed.txt", "good",
                                    "f150", "f003", "f199"};
  for (auto& name : names) {
    Node* n = nullptr;
    bool here = false;
    r = armed([&] { return root->lookup(name.data(), name.size(), &n); }, &here);
    injected |= here;
    if (r) {
      EXPECT_TRUE(r == -ENOENT || (here && r == -ENOMEM)) << name << " " << r;
      continue;
    }
    char buf[5000];
    r = armed([&] { return n->read(0, buf, sizeof buf); }, &here);
    injected |= here;
    r = armed([&] { return n->readlink(buf, sizeof buf); }, &here);
    Node* inner = nullptr;
    r = armed([&] { return n->lookup("inner", 5, &inner); }, &here);
    injected |= here;
    if (r == 0) inner->put();
    n->put();
  }
  uint64_t cookie = 0;
  r = armed([&] {
    return root->readdir(&cookie, [](void*, uint64_t, uint8_t, const char*, size_t, uint64_t) {
      return true;
    }, nullptr);
  }, &injected);
  EXPECT_TRUE(r == 0 || r == -ENOMEM);
  root->put();
  delete fs;
  return injected;
}

TEST(Iso9660OutOfMemory, EveryAllocationCanFail) {
  for (auto img : {rock_ridge_image(), relocation_image(), joliet_image(true), many_entries_image()}) {
    long n = 0;
    for (bool more = true; more; n++) {
      long live = g_live;
      more = run_with_failure(img, n);
      EXPECT_EQ(g_live, live) << "leak with allocation " << n << " failing";
    }
    EXPECT_GT(n, 10);
    g_fail_at = -1;
  }
}

}  // namespace
}  // namespace kiln::fs::iso9660_test
