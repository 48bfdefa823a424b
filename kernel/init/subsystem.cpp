#include "init/subsystem.h"

#include "lib/mem.h"

namespace kiln {

const Subsystem* find_subsystem(const char* name) {
  for (const Subsystem& s : subsystems_set())
    if (strcmp(s.name, name) == 0) return &s;
  return nullptr;
}

void subsystems_start(const BootConfig& config) {
  for (const Subsystem& s : subsystems_set())
    if (s.start) s.start(config);
}

bool subsystems_starting() {
  for (const Subsystem& s : subsystems_set())
    if (s.starting && s.starting()) return true;
  return false;
}

void subsystems_wait_ready(uint64_t deadline_ns) {
  for (const Subsystem& s : subsystems_set())
    if (s.wait_ready) s.wait_ready(deadline_ns);
}

void subsystems_drain(uint64_t deadline_ns) {
  for (const Subsystem& s : subsystems_set())
    if (s.drain) s.drain(deadline_ns);
}

}  // namespace kiln
