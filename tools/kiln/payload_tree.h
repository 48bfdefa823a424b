// The file tree a baked image's root file system starts from: what
// --rootfs and --file bring, the program and its libraries, keyed by guest
// path. Sources are checked against each other as they are added; write()
// lays the tree out in the payload archive (docs/internals.md, "The baked
// image"). Paths here have no leading '/': "bin/hello".
//
// Call order: add_rootfs() and add_file() for every option, then
// add_program() and add_library(), then write() once.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cpio_writer.h"
#include "util.h"

namespace kiln::cli {

class PayloadTree {
 public:
  // `mtime` stamps what has no time of its own (implicit directories);
  // `forced_mtime` ($SOURCE_DATE_EPOCH) replaces every entry's time.
  PayloadTree(uint32_t mtime, std::optional<uint32_t> forced_mtime);

  // --rootfs DIR: the whole tree under DIR, symlinks kept as symlinks.
  void add_rootfs(const std::string& dir);
  // --file HOST[:GUEST]; GUEST defaults to /<basename of HOST>, and a GUEST
  // ending in '/' is a directory that receives /<basename of HOST>.
  void add_file(const std::string& spec);
  // The program (at /bin/NAME) and the libraries it needs: page-aligned,
  // mode 0755, owned by root. Return the path each landed at, which differs
  // from `guest` when a parent is a symlink (a merged-/usr rootfs's /bin).
  std::string add_program(const fs::path& host, const std::string& guest);
  std::string add_library(const fs::path& host, const std::string& guest);
  // A symlink at `guest` to `target`, unless the tree already has something
  // there (a program's /bin/NAME when the program lives elsewhere).
  void add_alias(const std::string& guest, const std::string& target);

  // What write() put in the archive, in order, for --print-files.
  struct Listed {
    std::string path;  // with a leading '/'
    uint32_t mode;
    size_t size;
    std::string target;  // of a symlink
  };
  // Appends every entry: directories (parents first), the program and its
  // libraries (in the order added), the other files, then the symlinks.
  // Throws Failure if a file cannot be read.
  std::vector<Listed> write(CpioWriter& cpio) const;

  // Special files (devices, FIFOs, sockets) --rootfs found and left out.
  const std::vector<std::string>& skipped() const { return m_skipped; }

 private:
  enum class Kind { Dir, File, Symlink };
  struct Node {
    Kind kind;
    uint32_t mode = 0755;  // permission bits only
    uint32_t uid = 0, gid = 0, mtime = 0;
    fs::path host = {};       // a File's data
    std::string target = {};  // a Symlink's target
    std::string source = {};  // for messages: "--rootfs root", "the program"...
    bool implicit = false;  // a parent directory nobody named
    bool early = false;     // the program or a library: first, page-aligned
    uint64_t seq = 0;       // order of addition
  };

  Node node_from_host(Kind kind, const fs::path& host, const struct stat& st, const std::string& source) const;
  std::string add(const std::string& guest, Node node);
  std::string resolve_parents(const std::string& guest, const std::string& source, bool follow_last);
  void walk(const fs::path& host_dir, const std::string& guest_dir, const std::string& source, int depth);
  [[noreturn]] void conflict(const std::string& path, const Node& existing, const Node& added) const;
  bool same_content(const Node& a, const Node& b) const;

  std::map<std::string, Node> m_nodes;
  std::vector<std::string> m_skipped;
  uint32_t m_mtime;
  std::optional<uint32_t> m_forced_mtime;
  uint64_t m_seq = 0;
};

}  // namespace kiln::cli
