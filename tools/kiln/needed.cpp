#include "needed.h"

#include <elf.h>
#include <glob.h>

#include <fstream>
#include <set>
#include <sstream>

#include "elf_file.h"
#include "errors.h"

namespace kiln::cli {
namespace fs = std::filesystem;
namespace {

const char* const kDefaultDirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                                    "/lib64", "/usr/lib64", "/lib", "/usr/lib"};

struct Dynamic {
  std::string interp;
  std::vector<std::string> needed;
  std::vector<std::string> rpath, runpath;
};

std::vector<std::string> split_path(const std::string& list, const fs::path& origin) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ':')) {
    for (const char* token : {"$ORIGIN", "${ORIGIN}"}) {
      size_t at;
      while ((at = item.find(token)) != std::string::npos)
        item.replace(at, std::string(token).size(), origin.string());
    }
    if (!item.empty()) out.push_back(item);
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
  fs::path origin = fs::absolute(path).parent_path();
  for (uint64_t n : needed) d.needed.push_back(str(n));
  for (uint64_t r : rpath)
    for (auto& p : split_path(str(r), origin)) d.rpath.push_back(p);
  for (uint64_t r : runpath)
    for (auto& p : split_path(str(r), origin)) d.runpath.push_back(p);
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

// glibc's order: RPATH (when there is no RUNPATH), RUNPATH, the cache and
// configured directories, the defaults.
std::string locate(const std::string& name, const Dynamic& d, const Dynamic& exe) {
  if (name.find('/') != std::string::npos) return fs::exists(name) ? name : "";
  std::vector<std::string> dirs;
  if (d.runpath.empty()) {
    dirs.insert(dirs.end(), d.rpath.begin(), d.rpath.end());
    if (exe.runpath.empty()) dirs.insert(dirs.end(), exe.rpath.begin(), exe.rpath.end());
  }
  dirs.insert(dirs.end(), d.runpath.begin(), d.runpath.end());
  dirs.insert(dirs.end(), system_dirs().begin(), system_dirs().end());
  for (const auto& dir : dirs) {
    fs::path p = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(p, ec) && is_x86_64_elf(p)) return p.string();
  }
  return "";
}

}  // namespace

std::vector<Dependency> find_dependencies(const fs::path& program, const Bytes& data) {
  Dynamic exe = read_dynamic(program, data);
  std::vector<Dependency> out;
  if (exe.interp.empty()) return out;
  std::error_code ec;
  fs::path interp = fs::canonical(exe.interp, ec);
  if (ec) throw Failure("bake: " + program.string() + " needs the interpreter " + exe.interp + ", which this host does not have");
  out.push_back({exe.interp, interp});

  std::set<std::string> seen;  // sonames already resolved
  std::set<fs::path> files = {interp};  // one copy of each file (libc needs ld.so's soname too)
  std::vector<std::pair<std::string, Dynamic>> queue;  // (who needs, its dynamic info)
  queue.push_back({program.string(), exe});
  while (!queue.empty()) {
    auto [who, dyn] = queue.back();
    queue.pop_back();
    for (const auto& name : dyn.needed) {
      if (!seen.insert(name).second) continue;
      std::string found = locate(name, dyn, exe);
      if (found.empty())
        throw Failure("bake: " + who + " needs " + name + ", which was not found (searched RPATH/RUNPATH, /etc/ld.so.conf and the default library directories)");
      fs::path real = fs::canonical(found, ec);
      if (ec) real = found;
      if (!files.insert(real).second) continue;
      out.push_back({found, real});
      Bytes lib = read_file(real, "bake: cannot read library");
      if (!ElfFile::check(lib).empty()) throw Failure("bake: " + found + " is not a valid ELF library");
      queue.push_back({found, read_dynamic(found, lib)});
    }
  }
  return out;
}

}  // namespace kiln::cli
