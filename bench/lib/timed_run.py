"""Runs one QEMU command and times it from launch: to a marker line on the
console, and to QEMU's exit. Both guests go through this same function."""

import re
import subprocess
import threading
import time

EXIT_LINE = re.compile(r"^=== exit\((-?\d+)\) ===$")


class Run:
    def __init__(self):
        self.marker_ms = None   # launch to the first line equal to the marker
        self.exit_ms = None     # launch to QEMU's exit
        self.status = None      # the program's status from "=== exit(N) ==="
        self.lines = []
        self.timed_out = False

    @property
    def ok(self):
        return self.status == 0 and not self.timed_out

    def tail(self, n=15):
        return "\n".join(self.lines[-n:])


def timed_run(argv, marker=None, timeout_s=180):
    """Run argv with the console on a pipe; stdin is /dev/null."""
    run = Run()
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)

    def expire():
        run.timed_out = True
        proc.kill()

    timer = threading.Timer(timeout_s, expire)
    timer.start()
    try:
        for raw in proc.stdout:
            now = time.monotonic()
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            run.lines.append(line)
            if marker is not None and run.marker_ms is None and line == marker:
                run.marker_ms = (now - t0) * 1000
            m = EXIT_LINE.match(line)
            if m:
                run.status = int(m.group(1))
        proc.wait()
        run.exit_ms = (time.monotonic() - t0) * 1000
    finally:
        timer.cancel()
    return run
