// `kiln bake`: list and describe configurations; embed a program into a
// kernel image (docs/internals.md, "The baked image").
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "configs.h"
#include "cpio_writer.h"
#include "needed.h"
#include "payload_tree.h"
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
constexpr char kOptFile = '\x03';
constexpr char kOptRootfs = '\x04';
constexpr OptionSpec kBakeOptions[] = {
    {'h', "help", false},
    {kOptConfig, "config", true},
    {kOptPrintFiles, "print-files", false},
    {kOptFile, "file", true},
    {kOptRootfs, "rootfs", true},
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

uint32_t file_mtime(const fs::path& in) {
  struct stat st {};
  if (::stat(in.c_str(), &st) == 0 && st.st_mtime >= 0) return static_cast<uint32_t>(st.st_mtime);
  return static_cast<uint32_t>(std::time(nullptr));
}

// $SOURCE_DATE_EPOCH, for reproducible images: every entry gets that time.
std::optional<uint32_t> source_date_epoch() {
  if (auto epoch = getenv_view("SOURCE_DATE_EPOCH"); !epoch.empty()) {
    uint64_t value;
    if (parse_uint(epoch, 0, UINT32_MAX, value)) return static_cast<uint32_t>(value);
  }
  return std::nullopt;
}

// Rumprun baked up to 8 programs into one image; kiln's rc takes 16.
constexpr size_t kMaxPrograms = 16;

struct BakeRequest {
  fs::path out;
  std::vector<fs::path> ins;  // the programs, in the order rc runs them by default
  std::vector<std::string> rootfs, files;  // --rootfs DIR, --file HOST[:GUEST], in order
  bool print_files = false;
};

// Where a program that lies inside a --rootfs tree sits in the guest
// ("/usr/sbin/nginx"): it stays there, in one copy, rather than being
// copied to /bin as well (a package's program would be in memory twice).
std::optional<std::string> path_in_trees(const fs::path& program, const std::vector<std::string>& trees) {
  std::error_code ec;
  fs::path real = fs::canonical(program, ec);
  if (ec) return std::nullopt;
  for (const auto& tree : trees) {
    fs::path root = fs::canonical(tree, ec);
    if (ec) continue;
    fs::path rel = real.lexically_relative(root);
    if (!rel.empty() && *rel.begin() != ".." && rel != ".") return "/" + rel.string();
  }
  return std::nullopt;
}

int bake_image(const BakeConfig& config, const BakeRequest& req) {
  std::error_code same_ec;
  for (const auto& in : req.ins)
    if (fs::equivalent(in, req.out, same_ec))
      throw UsageError("bake: OUT and IN are the same file (" + req.out.string() + ")");
  std::vector<Bytes> programs;
  for (const auto& in : req.ins) {
    programs.push_back(read_file(in, "bake: cannot read program"));
    check_program(in.string(), programs.back());
  }

  // The root file system: the trees and files asked for, then the programs
  // and, for dynamic ones, their interpreter and libraries at the paths the
  // interpreter will look for them.
  uint32_t mtime = source_date_epoch().value_or(file_mtime(req.ins[0]));
  PayloadTree tree(mtime, source_date_epoch());
  for (const auto& dir : req.rootfs) tree.add_rootfs(dir);
  for (const auto& file : req.files) tree.add_file(file);
  std::vector<fs::path> roots(req.rootfs.begin(), req.rootfs.end());
  nlohmann::ordered_json listed_programs = nlohmann::ordered_json::array();
  for (size_t i = 0; i < req.ins.size(); i++) {
    std::string base = req.ins[i].filename().string();
    for (const auto& p : listed_programs)
      if (p["argv0"] == base)
        throw UsageError("bake: two programs named '" + base + "'; rc picks programs by name (rename one)");
    auto in_tree = path_in_trees(req.ins[i], req.rootfs);
    std::string program_path = "/" + tree.add_program(req.ins[i], in_tree.value_or("/bin/" + base));
    if (in_tree) tree.add_alias("/bin/" + base, program_path);
    for (const Dependency& dep : find_dependencies(req.ins[i], programs[i], program_path, roots))
      tree.add_library(dep.host_path, dep.guest_path);
    listed_programs.push_back({{"path", program_path}, {"argv0", base}});
  }

  fs::path kernel_path = kernel_dir() / config.kernel_file;
  std::error_code ec;
  if (!fs::exists(kernel_path, ec))
    throw Failure("bake: kernel for " + std::string(config.name) + " not found: " + kernel_path.string() +
                  " (set KILN_KERNEL_DIR, or build kiln first)");
  Bytes kernel = read_file(kernel_path, "bake: cannot read kernel");
  check_kernel(kernel_path.string(), kernel);

  nlohmann::ordered_json manifest = {
      {"version", 1},
      {"config", config.name},
      {"programs", listed_programs},
  };
  std::string manifest_text = manifest.dump() + "\n";
  std::string symbols = kernel_symbols(kernel);

  CpioWriter cpio(mtime);
  std::vector<PayloadTree::Listed> listed = {
      {"/.kiln", kS_IFDIR | 0755, 0, {}},
      {"/" + std::string(image::kManifestPath), kS_IFREG | 0644, manifest_text.size(), {}},
      {"/" + std::string(image::kKernelSymbols), kS_IFREG | 0644, symbols.size(), {}},
  };
  cpio.add_directory(".kiln");
  cpio.add_file(image::kManifestPath, manifest_text);
  cpio.add_file(image::kKernelSymbols, symbols);
  for (auto& entry : tree.write(cpio)) listed.push_back(std::move(entry));
  Bytes payload = cpio.finish();

  Bytes image = bake_kernel(kernel_path.string(), std::move(kernel), payload);
  write_file_atomic(req.out, image, 0755);

  if (const auto& skipped = tree.skipped(); !skipped.empty())
    std::fprintf(stderr, "kiln: bake: left out %zu special file%s (devices, FIFOs, sockets), such as %s\n",
                 skipped.size(), skipped.size() == 1 ? "" : "s", skipped[0].c_str());
  if (req.print_files) {
    for (const auto& e : listed)
      std::printf("%06o %10zu %s%s%s\n", e.mode, e.size, e.path.c_str(), e.target.empty() ? "" : " -> ",
                  e.target.c_str());
  }
  return 0;
}

}  // namespace

int cmd_bake(const Args& args) {
  size_t pos = 0;
  auto parsed = parse_options(args, pos, kBakeOptions, "bake");
  std::string config_opt;
  BakeRequest req;
  for (const auto& opt : parsed.options) {
    if (opt.key == 'h') {
      std::cout << command_help("bake");
      return 0;
    }
    if (opt.key == kOptConfig) config_opt = opt.value;
    if (opt.key == kOptPrintFiles) req.print_files = true;
    if (opt.key == kOptFile) req.files.push_back(opt.value);
    if (opt.key == kOptRootfs) req.rootfs.push_back(opt.value);
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
  if (rest.size() > 2 + kMaxPrograms)
    throw UsageError("bake: at most " + std::to_string(kMaxPrograms) + " programs in one image (got " +
                     std::to_string(rest.size() - 2) + ")");
  for (size_t i = 2; i < rest.size() && !parsed.saw_double_dash; i++)
    if (rest[i].starts_with('-'))
      throw UsageError("bake: '" + rest[i] + "' after the programs: options go before CONFIG OUT IN");
  const BakeConfig& config = resolve_target(rest[0], config_opt);
  req.out = rest[1];
  req.ins.assign(rest.begin() + 2, rest.end());
  return bake_image(config, req);
}

}  // namespace kiln::cli
