"""Shared by the storage tests: making volumes, baking and booting with -b,
and checking volumes on the host with e2fsprogs.

Each test script is run by CTest as `SCRIPT KILN PROGRAM [more...]` and exits
0 (pass), 1 (fail) or 77 (skip: a host tool is missing).
"""

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

EXIT_LINE = re.compile(r"^=== exit\((-?\d+)\) ===$", re.M)


class Failure(Exception):
    pass


def log(name, msg):
    print(f"{name}: {msg}", flush=True)


def need_tools(name, *tools):
    for t in tools:
        if not shutil.which(t) and not os.path.exists(f"/usr/sbin/{t}"):
            log(name, f"SKIP: {t} is not installed (scripts/setup-deps.sh)")
            sys.exit(77)


def tool(t):
    return shutil.which(t) or f"/usr/sbin/{t}"


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if check and r.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}")
    return r


def mke2fs(image, size_mb, src=None, options=()):
    """An ext2 volume of size_mb MiB, filled from the directory src."""
    cmd = [tool("mke2fs"), "-q", "-F", "-t", "ext2", *options]
    if src:
        cmd += ["-d", src]
    run(cmd + [image, f"{size_mb}M"])


def xorriso(image, src):
    run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-o", image, src])


def bake(kiln, image, program, extra=()):
    run([kiln, "bake", *extra, "hw_virtio", image, program])


class Boot:
    """One `kiln run tcg -i` and what it printed. `program_out` is the output
    without the kernel's closing lines (syncing disks, the exit marker)."""

    def __init__(self, out, status):
        self.out = out
        self.status = status
        self.program_out = "".join(
            l for l in out.splitlines(True)
            if not l.startswith("syncing disks") and not EXIT_LINE.match(l.rstrip("\n")))


def boot(kiln, image, disks, args=(), mem=None, timeout=300):
    """disks: -b specs ("file,/mnt[,ro]"). Kills the guest on timeout."""
    cmd = [kiln, "run", "tcg", "-i"]
    if mem:
        cmd += ["-M", str(mem)]
    for d in disks:
        cmd += ["-b", d]
    cmd += ["--", image, *args]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        raise Failure(f"the guest ran over {timeout} s:\n{out}")
    return Boot(out, p.returncode)


def expect_clean_exit(b, what):
    if b.status != 0:
        raise Failure(f"{what}: exit status {b.status}:\n{b.out}")
    if "syncing disks... done\n" not in b.out:
        raise Failure(f"{what}: no 'syncing disks... done':\n{b.out}")
    m = EXIT_LINE.search(b.out)
    if not m or m.group(1) != "0":
        raise Failure(f"{what}: no '=== exit(0) ===' line:\n{b.out}")


def wait_past_write_time(image):
    """The guest's clock may run a little ahead of the host's on a loaded
    machine (TCG); e2fsck calls a superblock mount or write time in a later
    second than its own clock's "in the future". Wait until it is not, for
    up to 10 s: a clock further off still fails the check."""
    with open(image, "rb") as f:
        f.seek(1024 + 44)  # s_mtime, s_wtime
        latest = max(struct.unpack("<II", f.read(8)))
    wait = latest + 0.05 - time.time()  # e2fsck reads the coarse clock
    if 0 < wait <= 10:
        time.sleep(wait)


def fsck_clean(image):
    """e2fsck -fn: exit 0 and nothing but its pass headings and summary."""
    wait_past_write_time(image)
    r = run([tool("e2fsck"), "-fn", image], check=False)
    noise = [l for l in r.stdout.splitlines()
             if l and not l.startswith(("Pass ", "e2fsck ")) and " files (" not in l]
    if r.returncode != 0 or noise:
        raise Failure(f"e2fsck -fn {image} exited {r.returncode}:\n{r.stdout}")


def debugfs(image, request):
    return run([tool("debugfs"), "-R", request, image]).stdout


def debugfs_cat(image, path):
    """A file's bytes, read by debugfs (not kiln)."""
    with tempfile.NamedTemporaryFile() as t:
        run([tool("debugfs"), "-R", f"dump {path} {t.name}", image])
        with open(t.name, "rb") as f:
            return f.read()


def state_clean(image):
    """Whether the superblock says clean (debugfs -R stats)."""
    return re.search(r"^Filesystem state:\s+clean$", debugfs(image, "stats"), re.M) is not None


def main(name, body):
    """Runs body(workdir) and turns Failure into a report and exit 1."""
    work = tempfile.mkdtemp(prefix=f"kiln-{name}-")
    try:
        body(work)
    except Failure as e:
        log(name, f"FAIL: {e}")
        sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log(name, "PASS")
