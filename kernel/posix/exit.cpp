#include "posix/exit.h"

#include "core/console.h"
#include "core/panic.h"
#include "drivers/devices.h"
#include "posix/vfs.h"

namespace kiln {

void program_exit(int status) {
  if (drivers::block_device_count()) {
    kprintf("syncing disks... ");
    long r = vfs().sync_all();
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
  machine_exit(status);
}

}  // namespace kiln
