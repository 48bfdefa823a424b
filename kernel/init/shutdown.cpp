#include "init/shutdown.h"

#include "core/clock.h"
#include "core/console.h"
#include "core/panic.h"
#include "core/thread.h"
#include "drivers/devices.h"
#include "file/file.h"
#include "init/mounts.h"
#include "init/subsystem.h"
#include "proc/process.h"
#include "mm/vm.h"
#include "file/vfs.h"

namespace kiln {
namespace {

// How long the last data and FINs may take to reach the peers.
constexpr uint64_t kNetworkDrainNs = 1'000'000'000;

// File mappings hold their files: an unlinked file still mapped would
// keep its inode, and its volume would be left not clean. Exit unmaps
// them in every process, as Linux does, before the volumes go.
void unmap_files() {
  for (Process* p = first_process(); p; p = next_process(p))
    if (p->mm) vm_release_files(*p->mm);
}

void sync_disks() {
  if (!drivers::block_device_count()) return;
  unmap_files();
  kprintf("syncing disks... ");
  long r = vfs().sync_all();
  // Working directories may hold nodes of the volumes about to go.
  for (Process* p = first_process(); p; p = next_process(p)) {
    fs::location_put(p->root);
    p->root = fs::Location{};
    if (!p->cwd.node) continue;
    fs::location_put(p->cwd);
    p->cwd = vfs().root();
  }
  long u = unmount_block_devices();
  if (u < 0 && r == 0) r = u;
  for (size_t i = 0; i < drivers::block_device_count(); i++) {
    fs::BlockDevice* dev = drivers::block_device(i);
    long f = dev && !dev->read_only() ? dev->flush() : 0;
    if (f < 0 && r == 0) r = f;
  }
  if (r < 0)
    kprintf("failed (error %ld)\n", -r);
  else
    kprintf("done\n");
}

bool g_stopping;
WaitList g_never;

}  // namespace

bool machine_stopping() { return g_stopping; }

void program_exit(int status) {
  // A second caller (the host's kill arriving while the program's own
  // exit syncs the disks) leaves it to the first.
  if (g_stopping)
    for (;;) wait_on(g_never, 0);
  g_stopping = true;
  // As Linux does at exit: file-system calls in flight finish, no other
  // thread runs, every process's descriptors are closed (connections get
  // their FIN, pipes their EOF), and only then the machine stops, once the
  // network has delivered what was queued and the disks are synced.
  quiesce_block_devices();
  stop_other_threads(nullptr);
  for (Process* p = first_process(); p; p = next_process(p))
    if (p->fds) p->fds->close_all();
  subsystems_drain(monotonic_ns() + kNetworkDrainNs);
  if (verbose()) drivers::print_net_stats();
  sync_disks();
  machine_exit(status);
}

}  // namespace kiln
