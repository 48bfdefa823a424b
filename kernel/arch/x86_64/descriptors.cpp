// GDT, TSS and IDT. One CPU: one of each, built once at boot.
#include "arch/x86_64/descriptors.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

extern "C" const uint64_t isr_table[256];
extern "C" void syscall_entry();

namespace kiln::arch {
namespace {

struct [[gnu::packed]] Tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] IdtEntry {
  uint16_t offset_low, selector;
  uint8_t ist, type_attr;
  uint16_t offset_mid;
  uint32_t offset_high, zero;
};

struct [[gnu::packed]] TablePointer {
  uint16_t limit;
  uint64_t base;
};

alignas(16) uint64_t g_gdt[7];
alignas(16) Tss g_tss;
alignas(16) IdtEntry g_idt[256];

// Stacks for faults that must not run on a possibly broken kernel stack.
constexpr int kIstStackSize = 16384;
alignas(16) uint8_t g_ist_stacks[3][kIstStackSize];

constexpr uint64_t segment(uint32_t access, uint32_t flags) {
  return 0xffffull | (uint64_t(access) << 40) | (uint64_t(flags) << 52) | (0xfull << 48);
}

void set_gate(int vec, uint64_t handler, uint8_t ist, uint8_t dpl) {
  IdtEntry& e = g_idt[vec];
  e.offset_low = uint16_t(handler);
  e.selector = kKernelCs;
  e.ist = ist;
  e.type_attr = uint8_t(0x8e | (dpl << 5));  // present, 64-bit interrupt gate
  e.offset_mid = uint16_t(handler >> 16);
  e.offset_high = uint32_t(handler >> 32);
  e.zero = 0;
}

}  // namespace

void init_descriptors() {
  g_gdt[0] = 0;
  g_gdt[1] = segment(0x9a, 0xa);  // kernel code, long mode
  g_gdt[2] = segment(0x92, 0xc);  // kernel data
  g_gdt[3] = segment(0xf2, 0xc);  // user data (sysret loads SS = STAR.63:48 + 8)
  g_gdt[4] = segment(0xfa, 0xa);  // user code (sysret loads CS = STAR.63:48 + 16)
  uint64_t base = reinterpret_cast<uint64_t>(&g_tss);
  uint64_t limit = sizeof(Tss) - 1;
  g_gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  g_gdt[6] = base >> 32;

  for (int i = 0; i < 3; i++)
    g_tss.ist[i] = reinterpret_cast<uint64_t>(g_ist_stacks[i] + kIstStackSize);
  g_tss.iomap_base = sizeof(Tss);

  TablePointer gdtr{sizeof(g_gdt) - 1, reinterpret_cast<uint64_t>(g_gdt)};
  asm volatile(
      "lgdt %0\n"
      "pushq $0x08\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1: mov $0x10, %%eax\n"
      "mov %%eax, %%ds\n"
      "mov %%eax, %%es\n"
      "mov %%eax, %%ss\n"
      "xor %%eax, %%eax\n"
      "mov %%eax, %%fs\n"
      "mov %%eax, %%gs\n"
      "mov $0x28, %%ax\n"
      "ltr %%ax\n" ::"m"(gdtr)
      : "rax", "memory");

  for (int v = 0; v < 256; v++) set_gate(v, isr_table[v], 0, 0);
  set_gate(3, isr_table[3], 0, 3);  // int3 from user mode is a SIGTRAP, not a #GP
  set_gate(8, isr_table[8], 1, 0);  // double fault
  set_gate(2, isr_table[2], 2, 0);  // NMI
  set_gate(18, isr_table[18], 3, 0);  // machine check
  TablePointer idtr{sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
  asm volatile("lidt %0" ::"m"(idtr) : "memory");

  // SYSCALL/SYSRET.
  cpu::wrmsr(cpu::msr::kEfer, cpu::rdmsr(cpu::msr::kEfer) | 1);  // SCE
  cpu::wrmsr(cpu::msr::kStar, (uint64_t(0x10) << 48) | (uint64_t(kKernelCs) << 32));
  cpu::wrmsr(cpu::msr::kLstar, reinterpret_cast<uint64_t>(&syscall_entry));
  // Clear IF, TF, DF, AC and NT on entry.
  cpu::wrmsr(cpu::msr::kFmask, (1u << 9) | (1u << 8) | (1u << 10) | (1u << 18) | (1u << 14));
}

void set_kernel_stack(uint64_t top) {
  g_tss.rsp[0] = top;
  g_kernel_rsp = top;
}

bool is_ist_stack(uint64_t addr) {
  auto lo = reinterpret_cast<uint64_t>(g_ist_stacks);
  return addr >= lo && addr < lo + sizeof(g_ist_stacks);
}

}  // namespace kiln::arch
