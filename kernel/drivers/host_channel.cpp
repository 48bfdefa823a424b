#include "drivers/host_channel.h"

#include "core/console.h"
#include "core/thread.h"
#include "lib/format.h"
#include "lib/mem.h"

namespace kiln::drivers {
namespace {

constexpr size_t kMaxChannels = 8, kMaxProviders = 4;

struct Named {
  char name[kMaxChannelName];
  HostChannel* ch;
};
Named g_channels[kMaxChannels];
size_t g_count;
struct Provider {
  void (*bring_up)(void* ctx);
  void* ctx;
};
Provider g_providers[kMaxProviders];
size_t g_nproviders, g_brought_up;
WaitList g_waiters;

HostChannel* find(const char* name) {
  for (size_t i = 0; i < g_count; i++)
    if (!strcmp(g_channels[i].name, name)) return g_channels[i].ch;
  return nullptr;
}

}  // namespace

void expect_host_channels(void (*bring_up)(void* ctx), void* ctx) {
  if (g_nproviders == kMaxProviders) {
    kprintf("kiln: more than %lu devices with host channels: ignored\n", kMaxProviders);
    return;
  }
  g_providers[g_nproviders++] = Provider{bring_up, ctx};
}

void add_host_channel(const char* name, HostChannel* ch) {
  if (find(name)) {
    kprintf("kiln: a second host channel named \"%s\": ignored\n", name);
    return;
  }
  if (g_count == kMaxChannels) {
    kprintf("kiln: host channel \"%s\": more than %lu: ignored\n", name, kMaxChannels);
    return;
  }
  format(g_channels[g_count].name, kMaxChannelName, "%s", name);
  g_channels[g_count++].ch = ch;
  wake_list(g_waiters, -1);
}

HostChannel* wait_host_channel(const char* name) {
  if (!g_nproviders) return nullptr;
  while (g_brought_up < g_nproviders) {
    const Provider& p = g_providers[g_brought_up++];
    p.bring_up(p.ctx);
  }
  HostChannel* ch;
  while (!(ch = find(name))) wait_on(g_waiters, 0);
  return ch;
}

}  // namespace kiln::drivers
