// `kiln run -b` (tools/kiln/blk_devices.h): the spec taken apart, the file
// looked at (images made here: an ext2 superblock magic, an ISO 9660
// volume descriptor, zeros), the devices checked against each other, and
// the exact message of every refusal. tests/cli/cli_run_devices.py checks
// the same through a dry run.
#include "blk_devices.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "tools_kiln_thrown.h"

namespace kiln::cli {
namespace {

std::string fields(const BlockSpec& s) {
  return s.host + "|" + s.mountpoint + "|" + (s.read_only ? "ro" : "rw");
}

std::string fields(const BlockDevice& d) {
  return d.dev + "|" + d.serial + "|" + d.file.string() + "|" + d.mountpoint + "|" + d.fstype + "|" +
         (d.read_only ? "ro" : "rw");
}

std::string spec_error(const std::string& spec) {
  return thrown([&] { parse_block_spec(spec); });
}

TEST(KilnBlockSpec, Fields) {
  EXPECT_EQ(fields(parse_block_spec("disk.img")), "disk.img||rw");
  EXPECT_EQ(fields(parse_block_spec("disk.img,ro")), "disk.img||ro");
  EXPECT_EQ(fields(parse_block_spec("disk.img,/data")), "disk.img|/data|rw");
  EXPECT_EQ(fields(parse_block_spec("disk.img,/ro//x/,ro")), "disk.img|/ro/x|ro");
  EXPECT_EQ(fields(parse_block_spec("disk.img,/a/./b")), "disk.img|/a/b|rw");
  // What is neither the mount point nor "ro" is the host path, commas and all.
  EXPECT_EQ(fields(parse_block_spec("we,ird.img")), "we,ird.img||rw");
  EXPECT_EQ(fields(parse_block_spec("a,b,/mnt,ro")), "a,b|/mnt|ro");
  EXPECT_EQ(fields(parse_block_spec("disk.img,data")), "disk.img,data||rw");
  EXPECT_EQ(fields(parse_block_spec("disk.img,ro,/data")), "disk.img,ro|/data|rw");
  // Alone, "ro" and "/x" are host paths.
  EXPECT_EQ(fields(parse_block_spec("ro")), "ro||rw");
  EXPECT_EQ(fields(parse_block_spec("/images/disk.img")), "/images/disk.img||rw");
  // /dev and /proc are the kernel's; names that only start like them are not.
  EXPECT_EQ(fields(parse_block_spec("d,/devices")), "d|/devices|rw");
  EXPECT_EQ(fields(parse_block_spec("d,/process")), "d|/process|rw");
}

TEST(KilnBlockSpec, Errors) {
  EXPECT_EQ(spec_error(""), "usage: run: -b wants HOSTPATH[,MOUNTPOINT][,ro], not ''");
  EXPECT_EQ(spec_error(",/data"), "usage: run: -b wants HOSTPATH[,MOUNTPOINT][,ro], not ',/data'");
  EXPECT_EQ(spec_error(",ro"), "usage: run: -b wants HOSTPATH[,MOUNTPOINT][,ro], not ',ro'");
  EXPECT_EQ(spec_error("x,/"), "usage: run: -b x,/: cannot mount over / (the baked root)");
  EXPECT_EQ(spec_error("x,//./,ro"), "usage: run: -b x,//./,ro: cannot mount over / (the baked root)");
  EXPECT_EQ(spec_error("x,/proc/x"), "usage: run: -b x,/proc/x: /proc belongs to the kernel; mount somewhere else");
  EXPECT_EQ(spec_error("x,/dev"), "usage: run: -b x,/dev: /dev belongs to the kernel; mount somewhere else");
  EXPECT_EQ(spec_error("x,//dev/"), "usage: run: -b x,//dev/: /dev belongs to the kernel; mount somewhere else");
  EXPECT_EQ(spec_error("x,/a/../b"), "usage: run: -b x,/a/../b: the guest path '/a/../b' must not contain '..'");
  EXPECT_EQ(spec_error("x,/.kiln/y"), "usage: run: -b x,/.kiln/y: /.kiln is reserved for kiln's own files");
  EXPECT_EQ(spec_error("x,/" + std::string(256, 'n')),
            "usage: run: -b x,/" + std::string(256, 'n') + ": a name in the guest path '/" + std::string(256, 'n') +
                "' is longer than 255 bytes");
}

// A private directory of images, removed afterwards.
class KilnBlockDevice : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kiln-blk-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
    m_ext2 = write("state.ext2", 2048, 1080, "\x53\xef");
    m_iso = write("data.iso", 34816, 32769, "CD001");
    m_raw = write("scratch.img", 4096, 0, "");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // SIZE zero bytes with MAGIC at OFFSET.
  std::string write(const std::string& name, size_t size, size_t offset, const std::string& magic) {
    std::string data(size, '\0');
    data.replace(offset, magic.size(), magic);
    std::string path = (m_dir / name).string();
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  std::string error_of(const std::string& spec) {
    return thrown([&] { parse_block_device(spec, 0); });
  }

  fs::path m_dir;
  std::string m_ext2, m_iso, m_raw;
};

TEST_F(KilnBlockDevice, FileSystemsAndReadOnly) {
  EXPECT_EQ(fields(parse_block_device(m_iso + ",/data", 0)), "vda|kiln-vda|" + m_iso + "|/data|iso9660|ro");
  EXPECT_EQ(fields(parse_block_device(m_ext2 + ",/var/lib/app", 1)),
            "vdb|kiln-vdb|" + m_ext2 + "|/var/lib/app|ext2|rw");
  EXPECT_EQ(fields(parse_block_device(m_raw, 2)), "vdc|kiln-vdc|" + m_raw + "||raw|rw");
  EXPECT_EQ(fields(parse_block_device(m_ext2 + ",/ro//x/,ro", 3)), "vdd|kiln-vdd|" + m_ext2 + "|/ro/x|ext2|ro");
  EXPECT_EQ(fields(parse_block_device(m_iso, 25)), "vdz|kiln-vdz|" + m_iso + "||iso9660|ro");
}

TEST_F(KilnBlockDevice, PathIsNormalized) {
  std::string odd = write("we,ird.img", 512, 0, "");
  EXPECT_EQ(parse_block_device((m_dir / "." / "we,ird.img").string(), 0).file.string(), odd);
}

TEST_F(KilnBlockDevice, Refusals) {
  const std::string missing = (m_dir / "missing.img").string();
  EXPECT_EQ(error_of(missing), "failure: run: -b " + missing + ": No such file or directory");
  EXPECT_EQ(error_of(missing + ",/data"), "failure: run: -b " + missing + ": No such file or directory");
  // The mount point forgot its '/': the comma is taken for part of the path.
  EXPECT_EQ(error_of(m_ext2 + ",data"),
            "failure: run: -b " + m_ext2 + ",data: No such file or directory (a mount point starts with /)");
  EXPECT_EQ(error_of(m_dir.string()), "failure: run: -b " + m_dir.string() +
                                          " is a directory; -b wants a disk image file");
  EXPECT_EQ(error_of("/dev/null"), "failure: run: -b /dev/null is neither a file nor a block device");
  EXPECT_EQ(error_of(m_raw + ",/scratch"),
            "failure: run: -b " + m_raw +
                " holds no file system kiln can mount (ext2 or ISO 9660); leave out the mount point to attach "
                "it as a raw device");
  // The spec is checked before the file is looked at.
  EXPECT_EQ(error_of(missing + ",/proc"),
            "usage: run: -b " + missing + ",/proc: /proc belongs to the kernel; mount somewhere else");
}

TEST_F(KilnBlockDevice, NotWritableWithoutRo) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes any file";
  ASSERT_EQ(::chmod(m_raw.c_str(), 0444), 0);
  EXPECT_EQ(error_of(m_raw),
            "failure: run: -b " + m_raw + " is not writable (Permission denied); append ,ro to attach it read-only");
  EXPECT_EQ(fields(parse_block_device(m_raw + ",ro", 0)), "vda|kiln-vda|" + m_raw + "||raw|ro");
  // An ISO is read-only anyway.
  ASSERT_EQ(::chmod(m_iso.c_str(), 0444), 0);
  EXPECT_EQ(parse_block_device(m_iso, 0).fstype, "iso9660");
}

TEST_F(KilnBlockDevice, OneFileTwice) {
  std::string link = (m_dir / "link.img").string();
  ASSERT_EQ(::link(m_raw.c_str(), link.c_str()), 0);
  auto twice = [&](const std::string& second) {
    return thrown([&] {
      check_block_devices({parse_block_device(m_raw + ",ro", 0), parse_block_device(second, 1)});
    });
  };
  EXPECT_EQ(twice((m_dir / "." / "scratch.img").string() + ",ro"),
            "usage: run: -b " + m_raw + " is attached twice (vda and vdb)");
  EXPECT_EQ(twice(link), "usage: run: -b " + link + " is attached twice (vda and vdb)");
  EXPECT_EQ(twice(m_ext2), "nothing thrown");
}

// Devices as parse_block_device leaves them; the files need not exist for
// the mount point checks.
std::vector<BlockDevice> mounted(const std::vector<std::string>& mountpoints) {
  std::vector<BlockDevice> out;
  for (size_t i = 0; i < mountpoints.size(); ++i) {
    std::string dev = std::string("vd") + char('a' + i);
    out.push_back({.file = "/nonexistent/" + dev + ".img", .dev = dev, .serial = "kiln-" + dev,
                   .mountpoint = mountpoints[i], .fstype = "ext2"});
  }
  return out;
}

std::string check_error(const std::vector<std::string>& mountpoints) {
  return thrown([&] { check_block_devices(mounted(mountpoints)); });
}

TEST(KilnBlockDevices, MountPoints) {
  EXPECT_EQ(check_error({"/a", "/b", "/a"}), "usage: run: -b: two devices mount on /a (vda and vdc)");
  EXPECT_EQ(check_error({"/a/b", "/a"}),
            "usage: run: -b: /a would hide /a/b, mounted before it; give the -b for /a first");
  EXPECT_EQ(check_error({"/x", "/a/b/c", "/a"}),
            "usage: run: -b: /a would hide /a/b/c, mounted before it; give the -b for /a first");
  // Parents first is fine, and so are names that only share a prefix.
  EXPECT_EQ(check_error({"/a", "/a/b"}), "nothing thrown");
  EXPECT_EQ(check_error({"/ab", "/a"}), "nothing thrown");
  EXPECT_EQ(check_error({"", "", "/a"}), "nothing thrown");  // raw devices mount nowhere
}

}  // namespace
}  // namespace kiln::cli
