"""What the results were measured on, for the report's Conditions list."""

import datetime
import os
import platform
import subprocess


def _first_line(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def _cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def _memory_gib():
    with open("/proc/meminfo") as f:
        kib = int(f.readline().split()[1])
    return "%.0f GiB" % (kib / 1024 / 1024)


def load_average():
    return "%.2f %.2f %.2f" % os.getloadavg()


def kiln_source(build_dir):
    """Which kiln was measured: the commit of the build's source tree, or
    BENCH_KILN_COMMIT when that tree is a plain export (git archive)."""
    source = "unknown"
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    source = line.split("=", 1)[1].strip()
    except OSError:
        pass
    if os.environ.get("BENCH_KILN_COMMIT"):
        return "%s (exported to %s)" % (os.environ["BENCH_KILN_COMMIT"], source)
    commit = _first_line(["git", "-C", source, "log", "-1", "--format=%h %s"])
    dirty = subprocess.run(["git", "-C", source, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return "%s%s" % (commit, " (work tree had uncommitted changes)" if dirty else "")


def describe(build_dir, linux_release, reps, warmups, load_before, load_after):
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("host", "%s, %d cores, %s RAM, Linux %s" % (_cpu_model(), os.cpu_count(), _memory_gib(), platform.release())),
        ("QEMU", _first_line(["qemu-system-x86_64", "--version"])),
        ("accelerator", "TCG (`-accel tcg -cpu max`, 1 vCPU); the host's KVM is paravirtual and cannot run general guests"),
        ("machine", "microvm (kiln's own options from `kiln run -D`), ACPI on: Linux's virtio_mmio module finds the devices through it"),
        ("kiln", kiln_source(build_dir)),
        ("Linux guest", "Debian %s (bzImage), busybox-static initramfs, `quiet`, `tsc_early_khz` set to the host TSC" % linux_release),
        ("timing", "boot: host clock from spawning QEMU to a console line and to QEMU's exit; "
                   "phases inside a guest (syscalls, storage): the time-stamp counter, which under "
                   "TCG is the host's, converted at the host's rate (see Details for the checks); "
                   "network: the host clients' own figures (wrk, redis-benchmark, bench/lib/bulk_client.py), "
                   "each guest a server on a tap device in a throw-away network namespace"),
        ("runs", "%d measured per guest after %d warm-up, kiln and Linux alternating; medians" % (reps, warmups)),
        ("host load average (1, 5, 15 min)", "%s before, %s after" % (load_before, load_after)),
    ]
