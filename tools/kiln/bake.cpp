// `kiln bake`: list and describe configurations; embed a program into a
// kernel image (docs/internals.md, "The baked image").
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "configs.h"
#include "cpio_writer.h"
#include "needed.h"
#include "elf_check.h"
#include "errors.h"
#include "help.h"
#include "kernel_image.h"
#include "kiln/image.h"
#include "util.h"

namespace kiln::cli {

namespace {

constexpr char kOptConfig = '\x01';
constexpr char kOptPrintFiles = '\x02';
constexpr OptionSpec kBakeOptions[] = {
    {'h', "help", false},
    {kOptConfig, "config", true},
    {kOptPrintFiles, "print-files", false},
};

std::string config_names() {
  std::string names;
  for (const auto& c : bake_configs()) names += (names.empty() ? "" : ", ") + std::string(c.name);
  return names;
}

// TARGET is a configuration name, or a platform picking its default config.
const BakeConfig& resolve_target(const std::string& target, const std::string& config_opt) {
  if (config_opt.empty()) {
    if (const auto* config = find_bake_config(target)) return *config;
  }
  std::string platform = target;
  if (platform == "qemu" || platform == "kvm" || platform == "tcg") platform = "hw";
  if (platform == "hvt" || platform == "xen" || platform == "iso")
    throw Failure("bake: platform '" + target + "' has no kernel yet; available configurations: " + config_names());
  for (const auto& config : bake_configs()) {
    if (config.platform != platform) continue;
    if (config_opt.empty() || config.name == config_opt) return config;
  }
  if (!config_opt.empty() && find_bake_config(config_opt))
    throw UsageError("bake: configuration '" + config_opt + "' is not for platform '" + target + "'");
  if (!config_opt.empty())
    throw UsageError("bake: unknown configuration '" + config_opt + "' (known: " + config_names() + ")");
  throw UsageError("bake: unknown configuration or platform '" + target + "' (see 'kiln bake list')");
}

int bake_list() {
  for (const auto& c : bake_configs())
    std::printf("%-12s %s\n", std::string(c.name).c_str(), std::string(c.description).c_str());
  return 0;
}

int bake_describe(const std::string& name) {
  const auto* c = find_bake_config(name);
  if (!c) throw UsageError("bake: unknown configuration '" + name + "' (see 'kiln bake list')");
  fs::path kernel = kernel_dir() / c->kernel_file;
  std::error_code ec;
  bool present = fs::exists(kernel, ec);
  std::printf("config:      %s\n", std::string(c->name).c_str());
  std::printf("description: %s\n", std::string(c->description).c_str());
  std::printf("platform:    %s (kiln run %s)\n", std::string(c->platform).c_str(), std::string(c->runs_on).c_str());
  std::printf("kernel:      %s%s\n", kernel.c_str(), present ? "" : " (missing)");
  std::printf("components:\n");
  for (auto comp : c->components) std::printf("  %s\n", std::string(comp).c_str());
  return 0;
}

uint32_t archive_mtime(const fs::path& in) {
  if (auto epoch = getenv_view("SOURCE_DATE_EPOCH"); !epoch.empty()) {
    uint64_t value;
    if (parse_uint(epoch, 0, UINT32_MAX, value)) return static_cast<uint32_t>(value);
  }
  struct stat st {};
  if (::stat(in.c_str(), &st) == 0) return static_cast<uint32_t>(st.st_mtime);
  return static_cast<uint32_t>(std::time(nullptr));
}

struct PayloadEntry {
  std::string path;
  uint32_t mode;
  size_t size;
};

int bake_image(const BakeConfig& config, const fs::path& out, const fs::path& in, bool print_files) {
  std::error_code same_ec;
  if (fs::equivalent(in, out, same_ec))
    throw UsageError("bake: OUT and IN are the same file (" + out.string() + ")");
  Bytes program = read_file(in, "bake: cannot read program");
  check_program(in.string(), program);

  fs::path kernel_path = kernel_dir() / config.kernel_file;
  std::error_code ec;
  if (!fs::exists(kernel_path, ec))
    throw Failure("bake: kernel for " + std::string(config.name) + " not found: " + kernel_path.string() +
                  " (set KILN_KERNEL_DIR, or build kiln first)");
  Bytes kernel = read_file(kernel_path, "bake: cannot read kernel");
  check_kernel(kernel_path.string(), kernel);

  std::string base = in.filename().string();
  nlohmann::ordered_json manifest = {
      {"version", 1},
      {"config", config.name},
      {"programs", {{{"path", "/bin/" + base}, {"argv0", base}}}},
  };
  std::string manifest_text = manifest.dump() + "\n";
  std::string symbols = kernel_symbols(kernel);

  std::vector<PayloadEntry> entries;
  CpioWriter cpio(archive_mtime(in));
  auto dir = [&](const std::string& path) {
    cpio.add_directory(path);
    entries.push_back({path, 040755, 0});
  };
  dir(".kiln");
  cpio.add_file(image::kManifestPath, manifest_text);
  entries.push_back({image::kManifestPath, 0100644, manifest_text.size()});
  cpio.add_file(image::kKernelSymbols, symbols);
  entries.push_back({image::kKernelSymbols, 0100644, symbols.size()});
  dir("bin");
  // Page-aligned, so the kernel maps read-only segments straight from the payload.
  cpio.align_next_data("bin/" + base, image::kPageSize);
  entries.push_back({".kiln/pad", 0100644, 0});
  cpio.add_file("bin/" + base, program, 0100755);
  // A dynamic program brings its interpreter and libraries, at the paths the
  // interpreter will look for them.
  for (const Dependency& dep : find_dependencies(in, program)) {
    std::string name = dep.guest_path.substr(dep.guest_path.find_first_not_of('/'));
    Bytes lib = read_file(dep.host_path, "bake: cannot read library");
    cpio.align_next_data(name, image::kPageSize);
    cpio.add_file(name, lib, 0100755);
    entries.push_back({dep.guest_path, 0100755, lib.size()});
  }
  entries.push_back({"bin/" + base, 0100755, program.size()});
  Bytes payload = cpio.finish();

  Bytes image = bake_kernel(kernel_path.string(), std::move(kernel), payload);
  write_file_atomic(out, image, 0755);

  if (print_files) {
    for (const auto& e : entries) std::printf("%06o %10zu %s\n", e.mode, e.size, e.path.c_str());
  }
  return 0;
}

}  // namespace

int cmd_bake(const Args& args) {
  size_t pos = 0;
  auto parsed = parse_options(args, pos, kBakeOptions, "bake");
  std::string config_opt;
  bool print_files = false;
  for (const auto& opt : parsed.options) {
    if (opt.key == 'h') {
      std::cout << command_help("bake");
      return 0;
    }
    if (opt.key == kOptConfig) config_opt = opt.value;
    if (opt.key == kOptPrintFiles) print_files = true;
  }
  Args rest(args.begin() + static_cast<long>(pos), args.end());
  if (rest.empty()) throw UsageError("bake: missing CONFIG OUT IN (see 'kiln help bake')");

  if (!parsed.saw_double_dash && rest[0] == "list") {
    if (rest.size() != 1) throw UsageError("bake: list takes no arguments");
    return bake_list();
  }
  if (!parsed.saw_double_dash && rest[0] == "describe") {
    if (rest.size() != 2) throw UsageError("bake: usage: kiln bake describe CONFIG");
    return bake_describe(rest[1]);
  }
  if (rest.size() < 3) throw UsageError("bake: missing " + std::string(rest.size() == 1 ? "OUT and IN" : "IN") +
                                        " (usage: kiln bake CONFIG OUT IN)");
  if (rest.size() > 3)
    throw UsageError("bake: one program per image for now (got " + std::to_string(rest.size() - 2) + ")");
  const BakeConfig& config = resolve_target(rest[0], config_opt);
  return bake_image(config, rest[1], rest[2], print_files);
}

}  // namespace kiln::cli
