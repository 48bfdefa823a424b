#include "blk_devices.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "abi/linux/statfs.h"
#include "errors.h"
#include "guest_path.h"

namespace kiln::cli {

namespace {

constexpr off_t kExtMagicOffset = 1080;   // superblock at 1024, s_magic at +56
constexpr off_t kIsoMagicOffset = 32769;  // sector 16, after the type byte

bool read_at(int fd, off_t offset, void* buf, size_t size) {
  ssize_t n;
  do n = ::pread(fd, buf, size, offset);
  while (n < 0 && errno == EINTR);
  return n == ssize_t(size);
}

// The mount point's normalized form ("/data"); refuses the places the
// kernel owns: / itself, /dev and /proc.
std::string check_mountpoint(const std::string& mountpoint, const std::string& spec) {
  std::string path = "/" + normalize_guest_path(mountpoint, "run: -b " + spec);
  if (path == "/") throw UsageError("run: -b " + spec + ": cannot mount over / (the baked root)");
  for (const char* owned : {"/dev", "/proc"}) {
    if (path == owned || path.starts_with(std::string(owned) + "/"))
      throw UsageError("run: -b " + spec + ": " + owned + " belongs to the kernel; mount somewhere else");
  }
  return path;
}

}  // namespace

std::string detect_fstype(int fd) {
  unsigned char ext[2] = {}, iso[5] = {};
  if (read_at(fd, kIsoMagicOffset, iso, sizeof iso) && std::memcmp(iso, "CD001", 5) == 0) return "iso9660";
  if (read_at(fd, kExtMagicOffset, ext, sizeof ext) && uint64_t(ext[0] | ext[1] << 8) == kEXT2_SUPER_MAGIC)
    return "ext2";
  return "raw";
}

BlockSpec parse_block_spec(const std::string& spec) {
  // "ro" last, a mount point starts with '/'; what is left is the host
  // path, commas and all.
  std::vector<std::string> fields;
  for (size_t at = 0;;) {
    size_t comma = spec.find(',', at);
    fields.push_back(spec.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  BlockSpec out;
  if (fields.size() > 1 && fields.back() == "ro") {
    out.read_only = true;
    fields.pop_back();
  }
  if (fields.size() > 1 && fields.back().starts_with("/")) {
    out.mountpoint = check_mountpoint(fields.back(), spec);
    fields.pop_back();
  }
  for (const auto& f : fields) out.host += (out.host.empty() ? "" : ",") + f;
  if (out.host.empty()) throw UsageError("run: -b wants HOSTPATH[,MOUNTPOINT][,ro], not '" + spec + "'");
  return out;
}

BlockDevice parse_block_device(const std::string& spec, size_t index) {
  BlockSpec parsed = parse_block_spec(spec);
  const std::string& host = parsed.host;
  BlockDevice dev;
  dev.mountpoint = parsed.mountpoint;

  int fd = ::open(host.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string hint = host.find(',') != std::string::npos ? " (a mount point starts with /)" : "";
    throw Failure("run: -b " + host + ": " + errno_string(errno) + hint);
  }
  struct stat st {};
  ::fstat(fd, &st);
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    ::close(fd);
    throw Failure("run: -b " + host + (S_ISDIR(st.st_mode) ? " is a directory; -b wants a disk image file"
                                                            : " is neither a file nor a block device"));
  }
  dev.fstype = detect_fstype(fd);
  ::close(fd);
  dev.read_only = parsed.read_only || dev.fstype == "iso9660";
  if (!dev.read_only && ::access(host.c_str(), W_OK) != 0)
    throw Failure("run: -b " + host + " is not writable (" + errno_string(errno) +
                  "); append ,ro to attach it read-only");
  if (!dev.mountpoint.empty() && dev.fstype == "raw")
    throw Failure("run: -b " + host + " holds no file system kiln can mount (ext2 or ISO 9660); "
                  "leave out the mount point to attach it as a raw device");
  std::error_code ec;
  dev.file = fs::absolute(host, ec).lexically_normal();
  dev.dev = std::string("vd") + char('a' + index);
  dev.serial = "kiln-" + dev.dev;
  return dev;
}

void check_block_devices(const std::vector<BlockDevice>& devices) {
  for (size_t i = 0; i < devices.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const BlockDevice &a = devices[j], &b = devices[i];
      std::error_code ec;
      if (fs::equivalent(a.file, b.file, ec))
        throw UsageError("run: -b " + b.file.string() + " is attached twice (" + a.dev + " and " + b.dev + ")");
      if (a.mountpoint.empty() || b.mountpoint.empty()) continue;
      if (a.mountpoint == b.mountpoint)
        throw UsageError("run: -b: two devices mount on " + a.mountpoint + " (" + a.dev + " and " + b.dev + ")");
      if (a.mountpoint.starts_with(b.mountpoint + "/"))
        throw UsageError("run: -b: " + b.mountpoint + " would hide " + a.mountpoint +
                         ", mounted before it; give the -b for " + b.mountpoint + " first");
    }
  }
}

}  // namespace kiln::cli
