"""Runs one QEMU command and times it from launch: to a marker line on the
console, and to QEMU's exit. Both guests go through this same function."""

import re
import subprocess
import threading
import time

EXIT_LINE = re.compile(r"^=== exit\((-?\d+)\) ===$")
BEGIN_LINE = re.compile(r"^(\w+): begin (\w+)$")
END_LINE = re.compile(r"^(\w+): end (\w+) (\w+)=([0-9.]+) guest_ns=([0-9.]+) tsc=(\d+)$")


class Run:
    def __init__(self):
        self.marker_ms = None   # launch to the first line equal to the marker
        self.exit_ms = None     # launch to QEMU's exit
        self.status = None      # the program's status from "=== exit(N) ==="
        self.lines = []
        self.stamps = []        # launch to each line's arrival, ms (host clock)
        self.timed_out = False

    @property
    def ok(self):
        return self.status == 0 and not self.timed_out

    def tail(self, n=15):
        return "\n".join(self.lines[-n:])


def phases(run, program, tsc_khz):
    """The phases PROGRAM framed with 'begin NAME' / 'end NAME UNIT=AMOUNT
    guest_ns=T tsc=C' lines, as [(name, amount, ms)] where ms is a dict of
    three timings of the same phase:
      "tsc":   C time-stamp counter ticks at the host's rate TSC_KHZ (under
               TCG the guest's TSC is the host's): no guest calibration and
               no console delay involved; the one bench/run reports;
      "guest": T, the guest kernel's own clock;
      "lines": the host's clock from the arrival of the begin line to that
               of the end line, console latency included."""
    out = []
    started = {}
    for line, stamp in zip(run.lines, run.stamps):
        m = BEGIN_LINE.match(line)
        if m and m.group(1) == program:
            started[m.group(2)] = stamp
            continue
        m = END_LINE.match(line)
        if m and m.group(1) == program and m.group(2) in started:
            name = m.group(2)
            ms = {"tsc": int(m.group(6)) / tsc_khz,
                  "guest": float(m.group(5)) / 1e6,
                  "lines": stamp - started.pop(name)}
            out.append((name, float(m.group(4)), ms))
    return out


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
            run.stamps.append((now - t0) * 1000)
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
