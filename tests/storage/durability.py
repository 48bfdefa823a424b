#!/usr/bin/python3
"""fsync, fdatasync, sync, syncfs, O_SYNC and O_DSYNC reach the disk: for
each, sync_app writes a file on ext2, makes it durable that way, says so and
waits; the host then kills QEMU (SIGKILL, found through `kiln ps`: a
SIGTERM to the launcher would stop the guest gracefully, and the kernel's
own sync at exit must not run) and debugfs must find the file's contents on
the image.

    durability.py KILN SYNC_APP
"""

import os
import select
import signal
import subprocess
import sys
import time

import harness as h

NAME = "storage.durability"
MODES = ("fsync", "fdatasync", "sync", "syncfs", "o_sync", "o_dsync")


def kill_qemu(kiln, name):
    """SIGKILL to the guest's QEMU, named by its handle in `kiln ps`."""
    ps = subprocess.run([kiln, "ps"], capture_output=True, text=True).stdout
    for line in ps.splitlines():
        if line.startswith(name + " ") and "qemu:" in line:
            os.kill(int(line.split("qemu:")[1].split()[0]), signal.SIGKILL)
            return
    raise h.Failure(f"{name} is not in kiln ps:\n{ps}")


def boot_until(kiln, img, disk, args, marker, timeout=120):
    """Boots, waits for `marker` in the output, then kills the guest."""
    name = f"durability-{os.getpid()}"
    cmd = [kiln, "run", "tcg", "-i", "-N", name, "-b", disk, "--", img, *args]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while marker not in out and time.monotonic() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], 1)
            if ready:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
    finally:
        kill_qemu(kiln, name)
        try:
            rest, _ = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            rest, _ = p.communicate()
    out = (out + rest).decode(errors="replace")
    if marker.decode() not in out:
        raise h.Failure(f"no '{marker.decode()}' within {timeout} s:\n{out}")
    if "syncing disks" in out:
        raise h.Failure(f"the guest synced at exit; the test proves nothing:\n{out}")
    return out


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "debugfs")
    img = os.path.join(work, "sync.img")
    h.bake(kiln, img, program)
    for mode in MODES:
        ext2 = os.path.join(work, f"{mode}.ext2")
        h.mke2fs(ext2, 8)
        boot_until(kiln, img, f"{ext2},/vol", [mode, "/vol/durable"], f"synced by {mode}\n".encode())
        got = h.debugfs_cat(ext2, "/durable")
        want = f"made durable by {mode}\n".encode()
        if got != want:
            raise h.Failure(f"{mode}: the image holds {got!r}, not {want!r}")
        h.log(NAME, f"{mode}: on the disk before the guest was stopped")


if __name__ == "__main__":
    h.main(NAME, body)
