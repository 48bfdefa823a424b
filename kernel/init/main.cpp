// Boot: from the PVH entry (arch/x86_64/boot.S) to the program's first
// instruction.
#include <stdint.h>

#include "abi/linux/unistd.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/descriptors.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/boot_info.h"
#include "core/bootcfg.h"
#include "core/clock.h"
#include "core/console.h"
#include "core/heap.h"
#include "core/irq.h"
#include "core/manifest.h"
#include "core/memory.h"
#include "core/panic.h"
#include "core/payload.h"
#include "core/random.h"
#include "core/symbols.h"
#include "core/thread.h"
#include "drivers/devices.h"
#include "arch/x86_64/serial.h"
#include "kiln/image.h"
#include "lib/json.h"
#include "lib/mem.h"
#include "proc/exec.h"
#include "file/file.h"
#include "init/bake_config.h"
#include "init/mounts.h"
#include "proc/process.h"
#include "init/rc.h"
#include "init/shutdown.h"
#include "init/subsystem.h"
#include "socket/dev_log.h"
#include "proc/sys_process.h"
#include "proc/traps.h"
#include "syscall/syscall_table.h"
#include "file/vfs.h"
#include "mm/vm.h"

extern "C" char _kernel_end[];
extern "C" void (*_init_array_start[])(), (*_init_array_end[])();

namespace kiln {
namespace {

// struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h).
struct [[gnu::packed]] StartInfo {
  uint32_t magic, version, flags, nr_modules;
  uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
  uint32_t memmap_entries, reserved;
};
struct [[gnu::packed]] MemmapEntry {
  uint64_t addr, size;
  uint32_t type, reserved;
};
constexpr uint32_t kStartInfoMagic = 0x336ec578;
constexpr size_t kMaxCmdline = 64 * 1024;
constexpr size_t kMaxRegions = 64;

char g_cmdline[kMaxCmdline];
RamRegion g_ram[kMaxRegions];
size_t g_ram_count;
uint64_t g_rsdp;
BootConfig g_config;

// Boot data lies in the first GiB, which boot.S identity-maps.
template <typename T>
const T* low(uint64_t pa) { return reinterpret_cast<const T*>(pa + kDirectMapBase); }

void read_start_info(uint32_t info_pa) {
  auto si = low<StartInfo>(info_pa);
  if (si->magic != kStartInfoMagic) panic("not started through the PVH entry (bad magic)");
  g_rsdp = si->rsdp_paddr;
  if (si->cmdline_paddr) {
    const char* s = low<char>(si->cmdline_paddr);
    size_t n = 0;
    while (n + 1 < kMaxCmdline && s[n]) n++;
    memcpy(g_cmdline, s, n);
  }
  if (si->version < 1 || !si->memmap_paddr) panic("the boot loader gave no memory map");
  auto map = low<MemmapEntry>(si->memmap_paddr);
  for (uint32_t i = 0; i < si->memmap_entries && g_ram_count < kMaxRegions; i++)
    if (map[i].type == 1) g_ram[g_ram_count++] = RamRegion{map[i].addr, map[i].size};
}

void init_memory() {
  uint64_t reserved_end = virt_to_phys(_kernel_end);
  uint64_t payload_pa, payload_size;
  payload_location(&payload_pa, &payload_size);
  if (payload_pa + payload_size > reserved_end) reserved_end = payload_pa + payload_size;
  // Memory past the first GiB is reached once the full direct map is up.
  if (reserved_end > (1ull << 30) - (1ull << 20)) panic("kernel and payload exceed 1 GiB");
  init_physical_memory(g_ram, g_ram_count, reserved_end);
  uint64_t top = 0;
  for (size_t i = 0; i < g_ram_count; i++)
    if (g_ram[i].base + g_ram[i].size > top) top = g_ram[i].base + g_ram[i].size;
  paging::init(top);
}

void load_config() {
  const char* error = "";
  if (!parse_boot_config(g_cmdline, strlen(g_cmdline), &g_config, kmalloc, &error))
    panic("bad boot configuration: %s", error);
  for (size_t i = 0; i < g_config.nunknown; i++)
    kprintf("kiln: boot configuration: ignoring unknown key \"%s\"\n", g_config.unknown[i]);
  int64_t now = g_config.time_ns;
  if (!now) now = rtc_read_unix_seconds() * 1000000000;
  clock_set_realtime(now);
  if (g_config.hostname) {
    size_t n = strlen(g_config.hostname);
    if (n > kNEW_UTS_LEN) n = kNEW_UTS_LEN;
    memcpy(process().hostname, g_config.hostname, n);
    process().hostname[n] = 0;
  }
}

// The accelerator probe (kiln run): ring 3, SSE, a syscall round trip, exit 0.
void start_probe(TrapFrame* frame) {
  static const uint8_t code[] = {
      0x0f, 0x57, 0xc0,              // xorps %xmm0, %xmm0
      0xb8, kNR_getpid, kNR_getpid >> 8, 0, 0,  // mov $__NR_getpid, %eax
      0x0f, 0x05,                    // syscall
      0x89, 0xc7,                    // mov %eax, %edi
      0x83, 0xef, 0x01,              // sub $1, %edi: 0 when getpid returned 1
      0xb8, kNR_exit_group, kNR_exit_group >> 8, 0, 0,  // mov $__NR_exit_group, %eax
      0x0f, 0x05,                    // syscall
  };
  constexpr uint64_t kAt = 0x400000;
  if (vm_map_anonymous(kAt, kAt + kPageSize, kPROT_READ | kPROT_EXEC, 0) < 0 ||
      !vm_populate(kAt, kAt + kPageSize))
    panic("probe: out of memory");
  uint64_t* pte = paging::lookup(kAt);
  memcpy(phys_to_virt(*pte & paging::kAddrMask), code, sizeof code);
  memset(frame, 0, sizeof *frame);
  frame->rip = kAt;
  frame->cs = kUserCs;
  frame->ss = kUserDs;
  frame->rflags = 0x202;
}

void start_program(const ImageProgram& prog, TrapFrame* frame) {
  const uint8_t* image;
  size_t size;
  const char* name = prog.path[0] == '/' ? prog.path + 1 : prog.path;
  if (!payload_find(name, &image, &size)) panic("the program %s is missing from the image", name);

  static const char* argv[BootConfig::kMaxArgs + 1];  // /proc/self/cmdline keeps it
  size_t argc = 0;
  if (!g_config.has_argv0) argv[argc++] = prog.argv0;
  for (size_t i = 0; i < g_config.nargs; i++) argv[argc++] = g_config.args[i];
  ExecArgs args{argv, argc, g_config.env, g_config.nenv, prog.path};
  const char* error = "";
  if (!exec_load(image, size, args, frame, &error)) {
    kprintf("kiln: cannot start %s: %s\n", prog.path, error);
    machine_exit(126);
  }
  if (verbose())
    kprintf("kiln: starting %s (%lu bytes) %lu us after the clock started\n", prog.path,
            uint64_t(size), monotonic_ns() / 1000);
}

void mount_root() {
  uint64_t pa, size;
  payload_location(&pa, &size);
  vfs_init(static_cast<const uint8_t*>(phys_to_virt(pa)), size);
}

void open_console_fds() {
  File* console = make_console_file();
  if (!console) panic("out of memory");
  for (int fd = 0; fd < 3; fd++) {
    if (fd) console->get();  // one reference per descriptor
    fd_table().install(console);
  }
}

// The first program's main thread, in process 1.
void start_main_thread(const TrapFrame& frame) {
  Thread* t = thread_create_user(frame, 0);
  if (!t) panic("out of memory creating the main thread");
  t->process = init_process();
  t->space = init_process()->mm->space;
}

// A boot configuration asking for what this kernel was baked without
// (-I/-W or --syslog with a configuration that has no network) ends the
// boot at once.
void refuse_missing_subsystems(const BootConfig& config) {
  const char* missing = config.nnet && !find_subsystem("network") ? "network stack"
                        : config.syslog.addr && !find_subsystem("syslog")
                            ? "network stack to send --syslog's messages with"
                        : config.selftest && !find_subsystem("selftest") ? "driver self-test"
                                                                         : nullptr;
  if (!missing) return;
  kprintf("kiln: this kernel (bake configuration %s) has no %s: see `kiln bake list`\n",
          kBakeConfig, missing);
  machine_exit(1);
}

// The program's main thread, once DHCP gave every interface asking for it
// an address (or after a while without).
[[noreturn]] void start_after_network(void* frame) {
  constexpr uint64_t kDhcpPatienceNs = 30'000'000'000;
  subsystems_wait_ready(monotonic_ns() + kDhcpPatienceNs);
  start_main_thread(*static_cast<TrapFrame*>(frame));
  thread_exit();
}

}  // namespace

uint64_t boot_acpi_rsdp() { return g_rsdp; }

}  // namespace kiln

using namespace kiln;

extern "C" [[noreturn]] void kernel_main(uint32_t start_info_pa) {
  for (auto ctor = _init_array_start; ctor < _init_array_end; ctor++) (*ctor)();
  serial::init();
  arch::init_descriptors();
  traps_init();
  syscall_set_table(syscall_table(), syscall_table_size());
  set_machine_stop(program_exit);
  read_start_info(start_info_pa);
  init_memory();
  fpu::init();
  clock_init(apic::init());
  irq_init();
  const uint8_t* syms;
  size_t syms_len;
  if (payload_find(image::kKernelSymbols, &syms, &syms_len))
    kernel_symbols_init(reinterpret_cast<const char*>(syms), syms_len);
  bool hw_entropy = random_init();
  load_config();
  set_verbose(g_config.verbose);
  if (verbose()) {
    kprintf("kiln: %lu MiB RAM, TSC %lu MHz, %s entropy\n", total_ram_bytes() >> 20,
            tsc_frequency() / 1000000, hw_entropy ? "hardware" : "timer-jitter");
  }

  drivers::probe_all();
  refuse_missing_subsystems(g_config);
  if (g_config.selftest) find_subsystem("selftest")->start(g_config);  // never returns
  mount_root();
  dev_log_start();
  mount_block_devices(g_config);
  subsystems_start(g_config);
  static TrapFrame frame;  // outlives this stack when the program waits for DHCP
  static ImageProgram programs[BootConfig::kMaxRc];
  size_t nprograms = g_config.probe ? 0 : read_manifest(programs, BootConfig::kMaxRc);
  if (!g_config.probe && !nprograms) panic("the image has no program: bake it with `kiln bake`");
  open_console_fds();
  if (!g_config.probe && rc_wanted(g_config, nprograms)) {
    rc_start(g_config, programs, nprograms);
    scheduler_start();
  }
  paging::activate(init_process()->mm->space);  // the program loads into pid 1's memory
  if (g_config.probe)
    start_probe(&frame);
  else
    start_program(programs[0], &frame);
  if (subsystems_starting()) {
    if (!thread_create_kernel(start_after_network, &frame)) panic("out of memory starting");
  } else {
    start_main_thread(frame);
  }
  scheduler_start();
}
