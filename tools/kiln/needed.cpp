#include "needed.h"

#include <elf.h>
#include <glob.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "elf_file.h"
#include "errors.h"
#include "root_path.h"

namespace kiln::cli {
namespace fs = std::filesystem;
namespace {

const char* const kDefaultDirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                                    "/lib64", "/usr/lib64", "/lib", "/usr/lib"};

struct Dynamic {
  std::string interp;
  std::vector<std::string> needed;
  std::vector<std::string> rpath, runpath;  // as written, $ORIGIN not yet expanded
};

// An object whose DT_NEEDED is being resolved, and where it lives on both sides.
struct Object {
  std::string who;  // for messages
  Dynamic dyn;
  std::string host_dir, guest_dir;  // what $ORIGIN means on the host and in the guest
};

// Splits a DT_RPATH/DT_RUNPATH list, $ORIGIN replaced by ORIGIN.
std::vector<std::string> expand_path_list(const std::vector<std::string>& lists, const std::string& origin) {
  std::vector<std::string> out;
  for (const auto& list : lists) {
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ':')) {
      for (const char* token : {"$ORIGIN", "${ORIGIN}"}) {
        size_t at;
        while ((at = item.find(token)) != std::string::npos) item.replace(at, std::string(token).size(), origin);
      }
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

// Reads PT_INTERP and the dynamic section (DT_NEEDED, DT_RPATH, DT_RUNPATH).
Dynamic read_dynamic(const fs::path& path, const Bytes& data) {
  Dynamic d;
  ElfFile elf(data);
  std::vector<Elf64_Phdr> loads;
  Elf64_Phdr dyn{};
  bool has_dyn = false;
  for (size_t i = 0; i < elf.phdr_count(); i++) {
    Elf64_Phdr ph = elf.phdr(i);
    if (ph.p_type == PT_LOAD) loads.push_back(ph);
    if (ph.p_type == PT_DYNAMIC) dyn = ph, has_dyn = true;
    if (ph.p_type == PT_INTERP && ph.p_filesz > 1 && ph.p_offset + ph.p_filesz <= data.size())
      d.interp.assign(reinterpret_cast<const char*>(data.data() + ph.p_offset), ph.p_filesz - 1);
  }
  if (!has_dyn) return d;
  auto file_offset = [&](uint64_t vaddr) -> uint64_t {
    for (const auto& l : loads)
      if (vaddr >= l.p_vaddr && vaddr < l.p_vaddr + l.p_filesz) return vaddr - l.p_vaddr + l.p_offset;
    throw Failure("bake: " + path.string() + ": dynamic string table outside the file");
  };
  uint64_t strtab = 0;
  std::vector<uint64_t> needed, rpath, runpath;
  for (uint64_t off = dyn.p_offset; off + sizeof(Elf64_Dyn) <= dyn.p_offset + dyn.p_filesz;
       off += sizeof(Elf64_Dyn)) {
    auto e = elf.load<Elf64_Dyn>(off);
    if (e.d_tag == DT_NULL) break;
    if (e.d_tag == DT_STRTAB) strtab = e.d_un.d_ptr;
    if (e.d_tag == DT_NEEDED) needed.push_back(e.d_un.d_val);
    if (e.d_tag == DT_RPATH) rpath.push_back(e.d_un.d_val);
    if (e.d_tag == DT_RUNPATH) runpath.push_back(e.d_un.d_val);
  }
  if (needed.empty() && rpath.empty() && runpath.empty()) return d;
  uint64_t base = file_offset(strtab);
  auto str = [&](uint64_t off) {
    std::string s;
    for (uint64_t at = base + off; at < data.size() && data[at]; at++) s += char(data[at]);
    return s;
  };
  for (uint64_t n : needed) d.needed.push_back(str(n));
  for (uint64_t r : rpath) d.rpath.push_back(str(r));
  for (uint64_t r : runpath) d.runpath.push_back(str(r));
  return d;
}

void read_ld_conf(const fs::path& file, std::vector<std::string>& dirs, int depth) {
  std::ifstream in(file);
  std::string line;
  while (depth < 8 && std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::stringstream ss(line);
    std::string word;
    if (!(ss >> word)) continue;
    if (word == "include") {
      std::string pattern;
      while (ss >> pattern) {
        fs::path pat = pattern;
        if (pat.is_relative()) pat = file.parent_path() / pat;
        glob_t g{};
        if (glob(pat.c_str(), 0, nullptr, &g) == 0)
          for (size_t i = 0; i < g.gl_pathc; i++) read_ld_conf(g.gl_pathv[i], dirs, depth + 1);
        globfree(&g);
      }
    } else {
      dirs.push_back(word);
    }
  }
}

const std::vector<std::string>& system_dirs() {
  static std::vector<std::string> dirs = [] {
    std::vector<std::string> d;
    read_ld_conf("/etc/ld.so.conf", d, 0);
    for (const char* dir : kDefaultDirs) d.push_back(dir);
    return d;
  }();
  return dirs;
}

bool is_x86_64_elf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  unsigned char h[20] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  return in && std::memcmp(h, ELFMAG, SELFMAG) == 0 && h[EI_CLASS] == ELFCLASS64 &&
         (h[18] | h[19] << 8) == EM_X86_64;
}

// glibc's order: RPATH (when there is no RUNPATH), RUNPATH, then SYSTEM.
std::vector<std::string> search_dirs(const Object& obj, const Object& exe, bool guest,
                                     const std::vector<std::string>& system) {
  auto expand = [&](const Object& o, const std::vector<std::string>& lists) {
    return expand_path_list(lists, guest ? o.guest_dir : o.host_dir);
  };
  std::vector<std::string> dirs;
  if (obj.dyn.runpath.empty()) {
    for (auto& d : expand(obj, obj.dyn.rpath)) dirs.push_back(d);
    if (exe.dyn.runpath.empty())
      for (auto& d : expand(exe, exe.dyn.rpath)) dirs.push_back(d);
  }
  for (auto& d : expand(obj, obj.dyn.runpath)) dirs.push_back(d);
  dirs.insert(dirs.end(), system.begin(), system.end());
  return dirs;
}

// NAME inside one of ROOTS, where the guest's loader will look for it: it
// has no ld.so.cache there, so only RPATH/RUNPATH and its default directories.
std::optional<RootPath> locate_in_roots(const std::string& name, const Object& obj, const Object& exe,
                                        const std::vector<fs::path>& roots) {
  static const std::vector<std::string> defaults(std::begin(kDefaultDirs), std::end(kDefaultDirs));
  std::vector<std::string> dirs;
  if (name.find('/') != std::string::npos) dirs.push_back("");
  else dirs = search_dirs(obj, exe, true, defaults);
  for (const auto& root : roots)
    for (const auto& dir : dirs)
      if (auto found = find_in_root(root, dir + "/" + name); found && is_x86_64_elf(found->host)) return found;
  return std::nullopt;
}

// NAME on the host, as the host's loader finds it; "" if it is not there.
std::string locate_on_host(const std::string& name, const Object& obj, const Object& exe) {
  if (name.find('/') != std::string::npos) return fs::exists(name) ? name : "";
  for (const auto& dir : search_dirs(obj, exe, false, system_dirs())) {
    fs::path p = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(p, ec) && is_x86_64_elf(p)) return p.string();
  }
  return "";
}

}  // namespace

std::vector<Dependency> find_dependencies(const fs::path& program, const Bytes& data, const std::string& guest_path,
                                          const std::vector<fs::path>& roots) {
  Object exe{program.string(), read_dynamic(program, data), fs::absolute(program).parent_path().string(),
             fs::path(guest_path).parent_path().string()};
  std::vector<Dependency> out;
  if (exe.dyn.interp.empty()) return out;
  std::error_code ec;
  std::set<fs::path> files;  // one copy of each file (libc needs ld.so's soname too)
  Object none{};
  if (auto found = locate_in_roots(exe.dyn.interp, exe, none, roots)) {
    out.push_back({found->guest, found->host});
  } else {
    fs::path interp = fs::canonical(exe.dyn.interp, ec);
    if (ec) throw Failure("bake: " + program.string() + " needs the interpreter " + exe.dyn.interp + ", which this host does not have");
    out.push_back({exe.dyn.interp, interp});
  }
  files.insert(fs::canonical(out.back().host_path));

  std::set<std::string> seen;  // sonames already resolved
  std::vector<Object> queue = {exe};
  while (!queue.empty()) {
    Object obj = std::move(queue.back());
    queue.pop_back();
    for (const auto& name : obj.dyn.needed) {
      if (!seen.insert(name).second) continue;
      Dependency dep;
      if (auto in_root = locate_in_roots(name, obj, exe, roots)) {
        dep = {in_root->guest, in_root->host};
      } else {
        std::string found = locate_on_host(name, obj, exe);
        if (found.empty())
          throw Failure("bake: " + obj.who + " needs " + name + ", which was not found (searched " +
                        (roots.empty() ? "" : "the --rootfs trees, ") +
                        "RPATH/RUNPATH, /etc/ld.so.conf and the default library directories)");
        fs::path real = fs::canonical(found, ec);
        dep = {found, ec ? fs::path(found) : real};
      }
      if (!files.insert(fs::canonical(dep.host_path)).second) continue;
      out.push_back(dep);
      Bytes lib = read_file(dep.host_path, "bake: cannot read library");
      if (!ElfFile::check(lib).empty()) throw Failure("bake: " + dep.host_path.string() + " is not a valid ELF library");
      queue.push_back({dep.guest_path, read_dynamic(dep.host_path, lib), dep.host_path.parent_path().string(),
                       fs::path(dep.guest_path).parent_path().string()});
    }
  }
  return out;
}

}  // namespace kiln::cli
