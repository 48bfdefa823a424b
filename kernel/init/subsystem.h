// The parts of the kernel a bake configuration may leave out, as init
// starts, waits for and stops them: the network, the drivers' self-test.
// Each registers one entry from its own module; a kernel without the module
// has no entry, and init says so when the boot configuration asks for it.
#pragma once

#include <stdint.h>

#include "core/bootcfg.h"
#include "lib/linker_set.h"

namespace kiln {

struct Subsystem {
  const char* name;  // "network"
  // At boot, after the devices and the volumes; may start kernel threads.
  void (*start)(const BootConfig& config);
  // Still getting ready (an interface waiting for its DHCP lease): the
  // program waits for it, until the deadline. nullptr: ready at once.
  bool (*starting)();
  void (*wait_ready)(uint64_t deadline_ns);
  // The machine is stopping and every program's descriptors are closed:
  // delivers what is queued, until the deadline. nullptr: nothing queued.
  void (*drain)(uint64_t deadline_ns);
};

KILN_SET_DECLARE(subsystems, Subsystem)

// The entry named `name`, or nullptr when this kernel was baked without it.
const Subsystem* find_subsystem(const char* name);

// What init does with every subsystem, in the order of the set.
void subsystems_start(const BootConfig& config);
bool subsystems_starting();
void subsystems_wait_ready(uint64_t deadline_ns);
void subsystems_drain(uint64_t deadline_ns);

}  // namespace kiln
