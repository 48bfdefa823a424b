// XattrList (fs/xattr_list.h): tmpfs's extended attributes, byte for byte
// as the xattr calls hand them out. The diff test tests/boot/xattr.c
// checks the calls around it against Linux.
// kiln's errno and xattr names first, before the C library's macros.
#include "fs/xattr_list.h"
#include "abi/linux/errno.h"
#include "abi/linux/xattr.h"

#include <gtest/gtest.h>

#include <string>

namespace kiln::fs {
namespace {

bool everyone(const char*) { return true; }
bool no_trusted(const char* name) { return std::string(name).rfind("trusted.", 0) != 0; }

std::string value_of(const XattrList& x, const char* name) {
  char buf[64];
  long n = x.get(name, buf, sizeof buf);
  return n < 0 ? "error " + std::to_string(n) : std::string(buf, size_t(n));
}

std::string names(const XattrList& x, bool (*visible)(const char*)) {
  char buf[256];
  long n = x.list(buf, sizeof buf, visible);
  return n < 0 ? "error " + std::to_string(n) : std::string(buf, size_t(n));
}

TEST(FsXattrList, EmptyAtFirst) {
  XattrList x;
  EXPECT_EQ(x.get("user.a", nullptr, 0), -ENODATA);
  EXPECT_EQ(x.list(nullptr, 0, everyone), 0);
  EXPECT_EQ(x.remove("user.a"), -ENODATA);
}

TEST(FsXattrList, SetGetReplaceKeepsTheOrder) {
  XattrList x;
  ASSERT_EQ(x.set("user.a", "alpha", 5, 0), 0);
  ASSERT_EQ(x.set("trusted.t", "t", 1, 0), 0);
  ASSERT_EQ(x.set("user.b", "", 0, 0), 0);
  EXPECT_EQ(value_of(x, "user.a"), "alpha");
  EXPECT_EQ(value_of(x, "user.b"), "");
  EXPECT_EQ(x.get("user.a", nullptr, 0), 5);
  char small[3];
  EXPECT_EQ(x.get("user.a", small, sizeof small), -ERANGE);
  ASSERT_EQ(x.set("user.a", "a2", 2, kXATTR_REPLACE), 0);
  EXPECT_EQ(value_of(x, "user.a"), "a2");
  EXPECT_EQ(names(x, everyone), std::string("user.a\0trusted.t\0user.b\0", 24));
  EXPECT_EQ(names(x, no_trusted), std::string("user.a\0user.b\0", 14));
  EXPECT_EQ(x.list(nullptr, 0, everyone), 24);
  char four[4];
  EXPECT_EQ(x.list(four, sizeof four, everyone), -ERANGE);
}

TEST(FsXattrList, CreateAndReplaceFlags) {
  XattrList x;
  EXPECT_EQ(x.set("user.a", "1", 1, kXATTR_REPLACE), -ENODATA);
  EXPECT_EQ(x.set("user.a", "1", 1, kXATTR_CREATE), 0);
  EXPECT_EQ(x.set("user.a", "2", 1, kXATTR_CREATE), -EEXIST);
  EXPECT_EQ(value_of(x, "user.a"), "1");
}

TEST(FsXattrList, RemoveLeavesTheOthers) {
  XattrList x;
  ASSERT_EQ(x.set("user.a", "1", 1, 0), 0);
  ASSERT_EQ(x.set("user.b", "2", 1, 0), 0);
  ASSERT_EQ(x.set("user.c", "3", 1, 0), 0);
  EXPECT_EQ(x.remove("user.b"), 0);
  EXPECT_EQ(x.remove("user.b"), -ENODATA);
  EXPECT_EQ(names(x, everyone), std::string("user.a\0user.c\0", 14));
  EXPECT_EQ(value_of(x, "user.c"), "3");
}

TEST(FsXattrList, LargestValue) {
  XattrList x;
  std::string big(XATTR_SIZE_MAX, 'v');
  ASSERT_EQ(x.set("user.big", big.data(), big.size(), 0), 0);
  std::string back(XATTR_SIZE_MAX, 0);
  EXPECT_EQ(x.get("user.big", back.data(), back.size()), long(XATTR_SIZE_MAX));
  EXPECT_EQ(back, big);
}

}  // namespace
}  // namespace kiln::fs
