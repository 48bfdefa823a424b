#include "core/irq.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/ioapic.h"
#include "core/console.h"

namespace kiln {
namespace {

constexpr size_t kMaxLines = kLastDeviceVector - kFirstDeviceVector + 1;
constexpr size_t kMaxHandlers = 64;
constexpr uint32_t kStormLimit = 10000;  // unclaimed in a row before the line is masked

struct Handler {
  IrqHandler fn;
  void* ctx;
  Handler* next;
};

struct Line {
  uint32_t gsi;
  IrqTrigger trigger;
  Handler* handlers;
  IrqStats stats;
  uint32_t unclaimed_in_a_row;
};

// Line i owns vector kFirstDeviceVector + i.
Line g_lines[kMaxLines];
size_t g_line_count;
Handler g_handlers[kMaxHandlers];
size_t g_handler_count;

Line* find_line(uint32_t gsi) {
  for (size_t i = 0; i < g_line_count; i++)
    if (g_lines[i].gsi == gsi) return &g_lines[i];
  return nullptr;
}

}  // namespace

void irq_init() { ioapic::init(); }

bool irq_line_exists(uint32_t gsi) { return ioapic::has_gsi(gsi); }

bool irq_register(uint32_t gsi, IrqTrigger trigger, IrqHandler handler, void* ctx) {
  if (g_handler_count == kMaxHandlers || !ioapic::has_gsi(gsi)) return false;
  Line* line = find_line(gsi);
  if (line) {
    if (line->trigger != trigger || trigger == IrqTrigger::Edge) return false;
  } else {
    if (g_line_count == kMaxLines) return false;
    line = &g_lines[g_line_count];
    *line = Line{gsi, trigger, nullptr, {}, 0};
    auto vector = uint8_t(kFirstDeviceVector + g_line_count);
    auto mode = trigger == IrqTrigger::Level ? ioapic::Trigger::Level : ioapic::Trigger::Edge;
    if (!ioapic::route(gsi, vector, mode, ioapic::Polarity::ActiveHigh)) return false;
    g_line_count++;
  }
  Handler* h = &g_handlers[g_handler_count++];
  *h = Handler{handler, ctx, line->handlers};
  line->handlers = h;
  ioapic::unmask(gsi);
  return true;
}

bool irq_dispatch(uint64_t vector) {
  if (vector < kFirstDeviceVector || vector > kLastDeviceVector) return false;
  size_t i = vector - kFirstDeviceVector;
  if (i < g_line_count) {
    Line& line = g_lines[i];
    line.stats.count++;
    bool claimed = false;
    // Every handler runs: on a shared level-triggered line several devices
    // may be asserting it at once.
    for (Handler* h = line.handlers; h; h = h->next) claimed |= h->fn(h->ctx);
    if (claimed) {
      line.unclaimed_in_a_row = 0;
    } else {
      line.stats.unclaimed++;
      if (++line.unclaimed_in_a_row == kStormLimit) {
        ioapic::mask(line.gsi);
        kprintf("kiln: interrupt line %u keeps firing and nobody claims it: masked\n",
                line.gsi);
      }
    }
  }
  apic::eoi();
  return true;
}

IrqStats irq_stats(uint32_t gsi) {
  Line* line = find_line(gsi);
  return line ? line->stats : IrqStats{};
}

}  // namespace kiln
