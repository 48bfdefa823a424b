"""A background guest's console, kept by its keeper (tools/kiln/console_keeper.h):
kiln logs, -f following it until the guest ends (across rotations), --timestamps
giving each line the host time it arrived, --log-size's rotation byte for byte,
and kiln ps saying how the guest ended. QEMU is a fake that writes a scripted
console into the FIFO the launcher made (cases collected by cli_test.py)."""
import json
import os
import re
import time
from datetime import datetime, timezone

from clilib import expect, expect_error, expect_ok, fake_image

FAKE_CONSOLE_QEMU = r"""#!/usr/bin/python3
# Stands in for QEMU: listens on the control socket as QEMU does (kiln run
# checks it), writes $FAKE_CONSOLE ([[delay, text], ...]) into the console
# FIFO of its -chardev pipe, then $FAKE_STATUS into the status file.
import json, os, socket, sys, time
con = status = None
for a in sys.argv[1:]:
    if a.startswith("pipe,id=con,path="):
        con = a[len("pipe,id=con,path="):]
    if a.startswith("file,id=kilnstatus,path="):
        status = a[len("file,id=kilnstatus,path="):]
    if a.startswith("socket,id=kilnctlsock,path="):
        control = socket.socket(socket.AF_UNIX)
        control.bind(a.split("path=", 1)[1].split(",server=")[0])
        control.listen(1)
with open(con + ".out", "wb", buffering=0) as out:
    for delay, text in json.loads(os.environ.get("FAKE_CONSOLE", "[]")):
        time.sleep(delay)
        out.write(text.encode())
with open(status, "w") as f:
    f.write(os.environ.get("FAKE_STATUS", "exit 0\n"))
"""

STAMPED = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (.*)$")


def start(t, name, steps, *run_args, status="exit 0\n"):
    qemu = t.write("fake-qemu", FAKE_CONSOLE_QEMU, 0o755)
    image = t.write("x.img", fake_image())
    env = {"KILN_QEMU": qemu, "FAKE_CONSOLE": json.dumps(steps), "FAKE_STATUS": status}
    began = time.time()
    out = expect_ok(t.kiln_run("run", "tcg", "-N", name, *run_args, image, env=env), "qemu:")
    # The keeper must not hold kiln's stdout: kiln run returns at once.
    expect(time.time() - began < 1, f"kiln run took {time.time() - began:.1f} s")
    return began, out.strip()


def wait_ended(t, name):
    """Until the guest has ended and its keeper stored all: what logs -f waits for."""
    expect_ok(t.kiln_run("logs", "-f", name))


def stamps(text):
    """[(unix time, line)] of `kiln logs -t` output; each line must be stamped."""
    out = []
    for line in text.splitlines():
        m = STAMPED.match(line)
        expect(m, f"line without a timestamp: {line!r}")
        when = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        out.append((when.timestamp(), m.group(2)))
    return out


def test_logs_follow(t):
    """-f -t follows until the guest ends; lines carry their arrival times."""
    steps = [[0.3, "one\n"], [0.4, "two\n"], [0.4, "thr"], [0.3, "ee\n=== exit(0) ===\n"]]
    began, _ = start(t, "talker", steps)
    followed = t.kiln_run("logs", "-f", "--timestamps", "talker")
    ended = time.time()
    expect(ended - began >= 1.4, f"logs -f returned after {ended - began:.2f} s, before the guest ended")
    lines = stamps(expect_ok(followed))
    expect([text for _, text in lines] == ["one", "two", "three", "=== exit(0) ==="], f"followed: {lines}")
    when = [w for w, _ in lines]
    expect(began + 0.25 <= when[0] and when[3] <= ended, f"stamps {when} outside {began}..{ended}")
    # A line's time is its first byte's: "three" began with "thr". The writes
    # were 0.4, 0.4 and 0.3 s apart; a busy machine may delay one read by some.
    gaps = [b - a for a, b in zip(when, when[1:])]
    expect(gaps[0] >= 0.25 and gaps[1] >= 0.25 and gaps[2] >= 0.15, f"gaps between arrivals: {gaps}")
    # Afterwards: the same bytes, and the same times.
    expect(expect_ok(t.kiln_run("logs", "talker")) == "one\ntwo\nthree\n=== exit(0) ===\n", "logs after the end")
    expect(stamps(expect_ok(t.kiln_run("logs", "-t", "talker"))) == lines, "logs -t differs from logs -f -t")
    expect_ok(t.kiln_run("logs", "-f", "talker"))  # an ended guest: -f returns at once
    expect_ok(t.kiln_run("stop", "talker"))


def numbered(first, count):
    return "".join(f"line {i:05d} " + "x" * 88 + "\n" for i in range(first, first + count))  # 100 bytes each


def test_logs_rotation(t):
    """--log-size 4K: console.log.1 and console.log hold exactly the newest bytes."""
    text = numbered(0, 100)
    start(t, "chatty", [[0, text[:5000]], [0.05, text[5000:]]], "--log-size", "4K")
    wait_ended(t, "chatty")
    rundir = os.path.join(t.env["XDG_RUNTIME_DIR"], f"kiln-{os.getuid()}", "chatty")
    sizes = {f: os.path.getsize(os.path.join(rundir, f)) for f in os.listdir(rundir) if f.startswith("console.log")}
    expect(sizes == {"console.log": 10000 - 8192, "console.log.1": 4096, "console.log.in": 0, "console.log.out": 0},
           f"console files: {sizes}")
    kept = text[-(4096 + 1808):]
    expect(expect_ok(t.kiln_run("logs", "chatty")) == kept, "logs after rotation is not the newest 5904 bytes")
    restamped = "".join(line + "\n" for _, line in stamps(expect_ok(t.kiln_run("logs", "-t", "chatty"))))
    expect(restamped == kept, "logs -t after rotation")
    expect_ok(t.kiln_run("stop", "chatty"))


def test_logs_follow_rotation(t):
    """-f from the start sees every byte, the rotations while it follows included."""
    text = numbered(0, 120)
    steps = [[0.3, text[i:i + 3000]] for i in range(0, 12000, 3000)]
    start(t, "rotating", steps, "--log-size", "4K")
    out = expect_ok(t.kiln_run("logs", "-f", "rotating"))
    expect(out == text, f"logs -f across rotations: {len(out)} bytes, wanted {len(text)}")
    expect_ok(t.kiln_run("stop", "rotating"))


def test_ps_ends(t):
    """kiln ps says how each guest ended, from the kernel's cause line."""
    for name, status in [("fine", "exit 3\n"), ("segv", "signal SIGSEGV\nexit 139\n"),
                         ("termed", "signal SIGTERM\nexit 143\n"), ("oom", "oom\nexit 137\n"),
                         ("panicked", "panic\nexit 255\n")]:
        start(t, name, [[0, "x\n"]], status=status)
        wait_ended(t, name)
    rows = {line.split()[0]: line for line in expect_ok(t.kiln_run("ps")).splitlines()[1:]}
    for name, state in [("fine", "exited 3"), ("segv", "crashed (SIGSEGV)"), ("termed", "killed (SIGTERM)"),
                        ("oom", "out of memory"), ("panicked", "kernel panic")]:
        expect(rows[name][36:54].rstrip() == state, f"ps row {rows[name]!r}, wanted STATE {state!r}")
    expect_ok(t.kiln_run("stop", "fine", "segv", "termed", "oom", "panicked"))


def test_logs_errors(t):
    expect_error(t.kiln_run("logs", "-x", "a"), 2, "unknown option -x")
    expect_error(t.kiln_run("logs"), 2, "missing NAME")
    expect_error(t.kiln_run("run", "tcg", "--log-size", "1K", "x.img"), 2, "--log-size wants a size of at least 4K")
    expect_error(t.kiln_run("run", "tcg", "-i", "--log-size", "1M", "x.img"), 2, "--log-size is for guests in the background")
