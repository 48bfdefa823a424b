#!/usr/bin/python3
"""Graceful stop on ext2 (docs/user-guide.md, "Stopping guests"):
stop_writer writes files on an ext2 volume until SIGTERM, then a marker.

  - `kiln stop` on a background guest: the program gets SIGTERM, writes its
    marker and exits 0; the disks are synced; `kiln ps` says "exited 0";
  - SIGTERM to `kiln run -i`: the same, and kiln exits 0; a second Ctrl-C
    (to a program that ignores SIGTERM) kills at once, disks synced;
  - a program that ignores SIGTERM, `kiln stop -t 2`: killed once the 2 s
    are over, and kiln says so; status 137 (`kiln ps`: killed (SIGKILL)), the disks still synced.

Each time the console is exact, every file the program said it wrote is
whole on the image (read by debugfs), and e2fsck -fn is clean.

    stop.py KILN STOP_WRITER
"""

import os
import re
import signal
import subprocess
import sys
import time

import harness as h

NAME = "storage.stop"
STOP_LINE = "kiln: stop: SIGTERM to the program; the host kills after {} ms"
WROTE = re.compile(r"^wrote f(\d{5})$")
KILLED = ["kiln: program terminated by signal 9 (SIGKILL)", "syncing disks... done", "=== exit(137) ==="]


def body(n):
    return f"file {n}\n" * 300


def kiln(kiln_bin, *args, check=True):
    r = subprocess.run([kiln_bin, *args], capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise h.Failure(f"kiln {' '.join(args)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r


def wait_for_files(read_console, count=5, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if f"wrote f{count:05d}\n" in read_console():
            return
        time.sleep(0.05)
    raise h.Failure(f"the program wrote no {count} files within {timeout} s:\n{read_console()}")


def check_console(console, grace_ms, ending):
    """The program's lines, then `ending`; the kernel's stop lines between
    them (after the fifth file). Returns how many files it said it wrote."""
    lines = console.splitlines()
    stop_lines = [STOP_LINE.format(grace_ms)] + (["kiln: stop: SIGKILL to every process"]
                                                  if ending[0].startswith("kiln: program terminated") else [])
    rest = [l for l in lines if l not in stop_lines]
    wrote = [int(m.group(1)) for m in map(WROTE.match, rest) if m]
    n = len(wrote)
    want = [f"wrote f{i:05d}" for i in range(1, n + 1)] + ending
    if n < 5 or rest != want or [l for l in lines if l in stop_lines] != stop_lines:
        raise h.Failure(f"console: wanted {n} files, then {ending}, and {stop_lines}:\n{console}")
    if lines.index(stop_lines[0]) < lines.index("wrote f00005"):
        raise h.Failure(f"the stop came before the fifth file:\n{console}")
    return n


def check_volume(work, ext2, n, marker):
    """Files 1..n whole; the marker as the program wrote it (or none);
    nothing else but the one file a kill may have cut short."""
    h.fsck_clean(ext2)
    tree = os.path.join(work, "tree")
    subprocess.run(["rm", "-rf", tree], check=True)
    os.mkdir(tree)
    h.debugfs(ext2, f"rdump / {tree}")  # the volume's root lands in tree itself
    root = tree
    names = set(os.listdir(root)) - {"lost+found"}
    for i in range(1, n + 1):
        with open(os.path.join(root, f"f{i:05d}")) as f:
            if f.read() != body(i):
                raise h.Failure(f"f{i:05d} is not whole on the image")
    expected = {f"f{i:05d}" for i in range(1, n + 1)}
    if marker is None:
        extra = names - expected
        if extra - {f"f{n + 1:05d}"}:
            raise h.Failure(f"unexpected files on the image: {sorted(extra)}")
    else:
        with open(os.path.join(root, "marker")) as f:
            got = f.read()
        if got != marker or names != expected | {"marker"}:
            raise h.Failure(f"marker {got!r}, files {sorted(names - expected)} beyond f1..f{n}")


def background(kiln_bin, work, img, mode, grace):
    """`kiln run` in the background, `kiln stop [-t grace]` after five
    files; returns (console, stop's stderr, seconds stop took)."""
    name = f"stop-{os.getpid()}-{mode}"
    ext2 = os.path.join(work, f"{mode}.ext2")
    h.mke2fs(ext2, 8)
    kiln(kiln_bin, "run", "tcg", "-N", name, "-b", f"{ext2},/data", "--", img, "/data", mode)
    try:
        wait_for_files(lambda: kiln(kiln_bin, "logs", name).stdout)
        t0 = time.monotonic()
        stop = kiln(kiln_bin, "stop", *(["-t", str(grace)] if grace else []), name)
        took = time.monotonic() - t0
        ps = kiln(kiln_bin, "ps").stdout
        console = kiln(kiln_bin, "logs", name).stdout
    finally:
        kiln(kiln_bin, "stop", "-t", "0", name, check=False)
    # kiln ps says how it ended: the program's own exit, or the kernel's
    # SIGKILL at the end of the grace period.
    state = "exited 0" if mode == "term" else "killed (SIGKILL)"
    row = [l for l in ps.splitlines() if l.startswith(name + " ")]
    if not row or state not in row[0]:
        raise h.Failure(f"kiln ps after the stop:\n{ps}")
    if name in kiln(kiln_bin, "ps").stdout:
        raise h.Failure("a second kiln stop left the run directory")
    return ext2, console, stop.stderr, took


def foreground(kiln_bin, work, img, mode, signals):
    """`kiln run -i`, `signals` to it 0.3 s apart after five files; returns
    (volume, console, status, stderr, seconds from the first signal)."""
    ext2 = os.path.join(work, f"{mode}-fg.ext2")
    h.mke2fs(ext2, 8)
    name = f"stop-{os.getpid()}-{mode}-fg"
    p = subprocess.Popen([kiln_bin, "run", "tcg", "-i", "-N", name, "-b", f"{ext2},/data", "--", img, "/data", mode],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    # Raw reads: communicate() goes on from the descriptor, past no buffer.
    seen = b""
    try:
        while b"wrote f00005\n" not in seen:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                raise h.Failure(f"the guest ended before five files:\n{seen.decode()}")
            seen += chunk
        t0 = time.monotonic()
        for i, sig in enumerate(signals):
            if i:
                time.sleep(0.3)
            p.send_signal(sig)
        out, err = p.communicate(timeout=60)
        took = time.monotonic() - t0
    except BaseException:
        os.killpg(p.pid, signal.SIGKILL)
        raise
    return ext2, (seen + out).decode(), p.returncode, err.decode(), took


def body_test(work):
    kiln_bin, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs")
    img = os.path.join(work, "writer.img")
    h.bake(kiln_bin, img, program)
    closing = ["syncing disks... done", "=== exit(0) ==="]

    # kiln stop, the program handles SIGTERM.
    ext2, console, err, took = background(kiln_bin, work, img, "term", None)
    n = check_console(console, 10000, ["marker written"] + closing)
    check_volume(work, ext2, n, f"stopped after {n} files\n")
    if err:
        raise h.Failure(f"kiln stop said: {err}")
    h.log(NAME, f"kiln stop: SIGTERM, {n} files and the marker on the image; stop to exit {took * 1000:.0f} ms")

    # SIGTERM to kiln run -i.
    ext2, console, status, err, took = foreground(kiln_bin, work, img, "term", [signal.SIGTERM])
    name = f"stop-{os.getpid()}-term-fg"
    if status != 0 or err != f"kiln: stopping guest {name} (10 s before it is killed; again to kill it now)\n":
        raise h.Failure(f"kiln run -i exited {status}, stderr {err!r}")
    n = check_console(console, 10000, ["marker written"] + closing)
    check_volume(work, ext2, n, f"stopped after {n} files\n")
    h.log(NAME, f"SIGTERM to kiln run -i: {n} files and the marker on the image; signal to exit {took * 1000:.0f} ms")

    # A second Ctrl-C kills at once, the disks still synced.
    ext2, console, status, err, took = foreground(kiln_bin, work, img, "ignore", [signal.SIGINT, signal.SIGINT])
    name = f"stop-{os.getpid()}-ignore-fg"
    if status != 137 or err != (f"kiln: stopping guest {name} (10 s before it is killed; again to kill it now)\n"
                                f"kiln: killing guest {name}\n"):
        raise h.Failure(f"kiln run -i exited {status}, stderr {err!r}")
    n = check_console(console, 10000, KILLED)
    check_volume(work, ext2, n, None)
    if took >= 2.0:
        raise h.Failure(f"a second Ctrl-C took {took:.2f} s to end the guest")
    h.log(NAME, f"Ctrl-C twice to kiln run -i: killed, {n} files on the image; first signal to exit {took * 1000:.0f} ms")

    # The program ignores SIGTERM: killed after -t 2, disks synced.
    ext2, console, err, took = background(kiln_bin, work, img, "ignore", 2)
    n = check_console(console, 2000, KILLED)
    check_volume(work, ext2, n, None)
    name = f"stop-{os.getpid()}-ignore"
    if err != f"kiln: {name} did not stop within 2 s: killed\n":
        raise h.Failure(f"kiln stop -t 2 said {err!r}")
    if not 2.0 <= took < 2.0 + 5.0:
        raise h.Failure(f"kiln stop -t 2 took {took:.2f} s")
    h.log(NAME, f"SIGTERM ignored, kiln stop -t 2: killed, {n} files on the image; stop to exit {took * 1000:.0f} ms")


if __name__ == "__main__":
    h.main(NAME, body_test)
