#!/usr/bin/python3
"""Real guests' consoles outside `kiln run -i`'s terminal:

- a background guest's console, as `kiln logs` keeps it, is byte for byte
  the console `kiln run -i` shows, crash reports included, and `kiln ps`
  says how the guest ended: "crashed (SIGSEGV)", "kernel panic";
- `kiln logs -f -t` follows a running guest line by line, each line
  stamped with the host time it arrived, until the guest exits;
- `kiln run -i` piped into logger(1) hands it each line as it is written,
  not in blocks at the end: one datagram per line, the first long before
  the last."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

kiln, hello, nullderef, ticker = sys.argv[1:5]
failures = []
STAMPED = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (.*)$")


def check(what, got, want):
    if got != want:
        failures.append(f"{what}:\n  got  {got!r}\n  want {want!r}")


def kiln_cmd(env, *args, **kw):
    return subprocess.run([kiln, *args], env=env, capture_output=True, text=True, timeout=60, **kw)


def state_of(env, name):
    rows = [line for line in kiln_cmd(env, "ps").stdout.splitlines() if line.startswith(name + " ")]
    return rows[0][36:54].rstrip() if rows else None


with tempfile.TemporaryDirectory() as work:
    env = dict(os.environ, XDG_RUNTIME_DIR=os.path.join(work, "run"))
    os.mkdir(env["XDG_RUNTIME_DIR"], 0o700)
    images = {}
    for prog in (hello, nullderef, ticker):
        images[prog] = os.path.join(work, os.path.basename(prog) + ".img")
        subprocess.run([kiln, "bake", "hw_virtio", images[prog], prog], check=True, stdout=subprocess.DEVNULL)

    panic_args = ["-g", "-append '{\"args\":[1]}'"]  # a bad boot configuration: the kernel panics
    for name, prog, extra, state in [("crash", nullderef, [], "crashed (SIGSEGV)"),
                                     ("panic", hello, panic_args, "kernel panic")]:
        fg = kiln_cmd(env, "run", "tcg", "-i", *extra, "--", images[prog])
        kiln_cmd(env, "run", "tcg", "-N", name, *extra, "--", images[prog])
        kept = kiln_cmd(env, "logs", "-f", name)
        check(f"{name}: kiln logs against kiln run -i", kept.stdout, fg.stdout)
        check(f"{name}: kiln ps", state_of(env, name), state)
        kiln_cmd(env, "stop", name)
    print("consoles: crash reports kept, ps says so")

    began = time.time()
    kiln_cmd(env, "run", "tcg", "-N", "ticker", images[ticker])
    followed = kiln_cmd(env, "logs", "-f", "-t", "ticker")
    ended = time.time()
    stamped = [STAMPED.match(line) for line in followed.stdout.splitlines()]
    check("ticker: every line stamped", all(stamped), True)
    lines = [m.group(2) for m in stamped if m]
    check("ticker: followed to the end", lines, ["tick 1", "tick 2", "tick 3", "=== exit(0) ==="])
    when = [datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
            for m in stamped if m]
    if len(when) == 4:
        check("ticker: stamps within the run", began <= when[0] and when[-1] <= ended, True)
        gaps = [round(b - a, 2) for a, b in zip(when, when[1:3])]
        check("ticker: about 300 ms apart (at least 150: a busy host delays some reads)",
              all(g >= 0.15 for g in gaps), True)
        print(f"consoles: logs -f -t followed the ticker, gaps {gaps} s")
    kiln_cmd(env, "stop", "ticker")

    # kiln run -i | logger: logger reads a line at a time and sends each as
    # one datagram to a socket of ours; their arrival shows the pipe is fed
    # line by line as the guest writes.
    sock_path = os.path.join(work, "log.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(60)
    pipeline = subprocess.Popen(
        f"'{kiln}' run tcg -i '{images[ticker]}' | logger -u '{sock_path}' --rfc5424=notime,nohost,notq -t web",
        shell=True, env=env)
    got = []
    for _ in range(4):
        got.append((sock.recv(4096), time.time()))
    pipeline.wait(60)
    check("pipe: the pipeline's status", pipeline.returncode, 0)
    check("pipe: one datagram per line", [d for d, _ in got],
          [b"<13>1 - - web - - - tick 1", b"<13>1 - - web - - - tick 2", b"<13>1 - - web - - - tick 3",
           b"<13>1 - - web - - - === exit(0) ==="])
    spread = got[2][1] - got[0][1]
    check("pipe: tick 3 came about 600 ms after tick 1 (at least 300), not in one block", spread >= 0.3, True)
    print(f"consoles: logger got each line as written ({spread:.2f} s from the first tick to the third)")

if failures:
    print("consoles: FAIL\n" + "\n".join(failures))
    sys.exit(1)
print("consoles: PASS")
