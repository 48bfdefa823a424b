// Choosing QEMU's accelerator. /dev/kvm existing is not enough: on some
// hosts (nested clouds, PVM) KVM opens fine but cannot run our guest. So
// KVM is used only when a probe boot proves it: the unbaked hw_virtio kernel
// with {"probe":true} must report status 0 within kProbeTimeoutMs.
#pragma once

#include <string>

#include "qemu.h"

namespace kiln::cli {

inline constexpr int kProbeTimeoutMs = 5000;

struct ProbeResult {
  bool kvm_works;
  std::string why;  // when it does not: "cannot open /dev/kvm: ...", "probe guest timed out", ...
};

// Probes (or reads the cached verdict: $XDG_CACHE_HOME/kiln, keyed by the
// QEMU binary, the probe kernel's mtime and size, and /dev/kvm).
ProbeResult kvm_probe(const std::string& qemu);

// `kiln run qemu`: $KILN_ACCEL if set, else KVM if the probe passes, else TCG.
Accel choose_accel(const std::string& qemu);

}  // namespace kiln::cli
