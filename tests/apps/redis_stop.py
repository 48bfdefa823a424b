#!/usr/bin/python3
"""Debian's redis-server stopped gracefully (docs/user-guide.md, "Stopping
guests"), with RDB snapshots on (`--save "3600 1"`) and no append-only
file, on an ext2 volume: `kiln stop` sends it SIGTERM through the kernel,
redis saves dump.rdb and exits 0, the disks are synced; a second boot on
the same volume reads the key back from dump.rdb, and SIGTERM to its
`kiln run -i` stops it the same way.

    redis_stop.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

from pkglib import build_package, need_programs
from netns import GUEST4, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
need_programs("redis-cli", "mke2fs", "e2fsck", "debugfs")
out = build_package(kiln, packages_dir, "redis-server", out_dir, "image")
image = os.path.join(out, "redis-server.img")
name = f"redis-stop-{os.getpid()}"
# What redis says between SIGTERM and its exit (Redis 7.0).
SHUTDOWN = ["Received SIGTERM scheduling shutdown...", "User requested shutdown...",
            "Saving the final RDB snapshot before exiting.", "DB saved on disk",
            "Redis is now ready to exit, bye bye..."]
STOP_LINE = "kiln: stop: SIGTERM to the program; the host kills after 10000 ms"


def cli(ns, *args):
    run = ns.run(["redis-cli", "-h", GUEST4, *args], timeout=60)
    assert run.returncode == 0, f"redis-cli {args} failed: {run.stderr.decode()}"
    return run.stdout.decode().rstrip("\n")


def boot(ns, volume):
    guest = ns.start_guest(kiln, image, ["-M", "128", "-N", name, "-W", "net0,inet,static,10.0.120.120/24",
                                         "-b", volume + ",/var/lib/redis"],
                           ["/etc/redis/redis.conf", "--save", "3600 1", "--appendonly", "no"])
    guest.wait_for("Ready to accept connections", timeout=180)
    return guest


def check_stopped(status, console):
    """Exit 0 after redis's own shutdown lines, the kernel's stop line first
    and the sync last."""
    lines = console.splitlines()
    assert status == 0, f"guest status {status} after the stop:\n{console}"
    assert lines[-2:] == ["syncing disks... done", "=== exit(0) ==="], console
    assert STOP_LINE in lines, console
    said = [next((l for l in lines if l.endswith(s)), None) for s in SHUTDOWN]
    assert None not in said, f"redis did not say {SHUTDOWN[said.index(None)]!r}:\n{console}"
    order = [lines.index(STOP_LINE)] + [lines.index(l) for l in said]
    assert order == sorted(order), console


with tempfile.TemporaryDirectory() as work, Netns() as ns:
    volume = os.path.join(work, "redis.ext2")
    subprocess.run(["mke2fs", "-q", "-t", "ext2", volume, "64M"], check=True)

    guest = boot(ns, volume)
    assert cli(ns, "SET", "greeting", "Hello, World") == "OK"
    assert cli(ns, "INCRBY", "counter", "42") == "42"
    t0 = time.monotonic()
    stop = subprocess.run([kiln, "stop", name], capture_output=True, text=True, timeout=60)
    took = time.monotonic() - t0
    assert stop.returncode == 0 and stop.stderr == "", f"kiln stop: {stop.returncode} {stop.stderr}"
    status, console = guest.finish(60)
    check_stopped(status, console)
    print(f"redis_stop: kiln stop to the guest's exit: {took * 1000:.0f} ms")
    fsck = subprocess.run(["e2fsck", "-fn", volume], capture_output=True, text=True)
    assert fsck.returncode == 0, f"the volume is not clean:\n{fsck.stdout}{fsck.stderr}"
    ls = subprocess.run(["debugfs", "-R", "ls -l /", volume], capture_output=True, text=True).stdout
    assert " dump.rdb" in ls and "appendonlydir" not in ls, ls

    guest = boot(ns, volume)  # dump.rdb brings it back
    assert "DB loaded from disk" in guest.output(), guest.output()
    assert cli(ns, "GET", "greeting") == "Hello, World"
    assert cli(ns, "GET", "counter") == "42"
    guest.proc.send_signal(signal.SIGTERM)
    status, console = guest.finish(60)
    check_stopped(status, console)
    print(console)
print("redis_stop: PASS")
