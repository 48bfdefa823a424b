"""The network side of bench/run: a server guest (kiln or Linux) on a tap
device inside a throw-away network namespace (tests/network/netns.py), and
the host's clients, pinned to one core, that load it.

Both guests get the very same QEMU command apart from the kernel (kiln's
from `kiln run -D ... -I net0,tap,ifname=tap0 -W net0,inet,static,ADDR/24`;
Linux's with its bzImage, an initramfs and `bench.net=ADDR/24`, which its
init puts on eth0 the way kiln's -W does), and the same clients.
"""

import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "network"))

from netns import GUEST4, Guest, Netns  # noqa: E402,F401

PREFIX = 24
# kiln's options for a guest on the namespace's tap0 with a static address.
TAP_OPTIONS = ["-I", "net0,tap,ifname=tap0", "-W", "net0,inet,static,%s/%d" % (GUEST4, PREFIX)]
LINUX_NET = "%s/%d" % (GUEST4, PREFIX)
# The host's clients run on this core (taskset), for both guests alike.
CLIENT_CPU = os.environ.get("BENCH_CLIENT_CPU", str((os.cpu_count() or 1) - 1))


class NetError(Exception):
    pass


def pinned(argv):
    return ["taskset", "-c", CLIENT_CPU, *argv]


class Server:
    """One guest QEMU started inside the namespace (its own process group),
    its console collected; kill() ends it, QEMU and all."""

    def __init__(self, ns, argv, guest):
        self.ns = ns
        self.guest_name = guest
        # Each run's guest has a MAC of its own (kiln's dry run picks one):
        # forget the last guest's, or the host would keep sending to it.
        subprocess.run(["ip", "-n", ns.name, "neigh", "flush", "dev", "tap0"], check=False)
        proc = ns.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.guest = Guest(proc)
        self.started = time.monotonic()

    def alive(self):
        return self.guest.proc.poll() is None

    def output(self):
        return self.guest.output()

    def tail(self, n=15):
        return "\n".join(self.output().splitlines()[-n:])

    def wait_until(self, ready, timeout, what):
        """Polls ready() until it holds; NetError if the guest exits first
        or TIMEOUT seconds pass. Returns the seconds it took from launch."""
        deadline = self.started + timeout
        while True:
            if ready():
                return time.monotonic() - self.started
            if not self.alive():
                raise NetError("%s exited (status %s) before %s; console tail:\n%s"
                               % (self.guest_name, self.guest.proc.returncode, what, self.tail()))
            if time.monotonic() > deadline:
                raise NetError("%s: no %s in %d s; console tail:\n%s"
                               % (self.guest_name, what, timeout, self.tail()))
            time.sleep(0.2)

    def kill(self):
        self.guest.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False


def http_get(ns, path, timeout=5):
    """(status, body) of GET http://GUEST4PATH from the namespace, or None."""
    try:
        run = ns.run(["curl", "-s", "--max-time", str(timeout), "-o", "-", "-w", "\n%{http_code}",
                      "http://%s%s" % (GUEST4, path)], timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        return None
    if run.returncode != 0:
        return None
    body, _, code = run.stdout.rpartition(b"\n")
    return int(code), body


def serves(ns, path, expected):
    """True when GET PATH answers 200 with exactly EXPECTED."""
    got = http_get(ns, path)
    return got is not None and got[0] == 200 and got[1] == expected


def redis_ready(ns):
    try:
        run = ns.run(["redis-cli", "-h", GUEST4, "ping"], timeout=15)
    except subprocess.TimeoutExpired:
        return False
    return run.returncode == 0 and run.stdout.strip() == b"PONG"


def port_open(ns, port):
    """A connection to the guest's PORT from inside the namespace succeeds."""
    with ns.inside():
        try:
            socket.create_connection((GUEST4, port), timeout=2).close()
            return True
        except OSError:
            return False


WRK_RATE = re.compile(r"Requests/sec:\s*([\d.]+)")
WRK_BYTES = re.compile(r"Transfer/sec:\s*([\d.]+)([KMG]?B)")
WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)s, ([\d.]+)([KMG]?B) read")


def wrk(ns, path, connections, seconds, warmup=False):
    """wrk on one thread, pinned: {'rate': req/s, 'requests': n,
    'errors': {kind: n}, 'mibps': wrk's Transfer/sec in MiB/s}. Raises NetError when wrk fails, a response is not
    2xx/3xx, or (unless WARMUP) nothing was answered."""
    argv = pinned(["wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds, "--timeout", "10s",
                   "http://%s%s" % (GUEST4, path)])
    run = ns.run(argv, timeout=seconds + 60)
    text = run.stdout.decode(errors="replace")
    if run.returncode != 0:
        raise NetError("wrk %s -c%d failed (%d): %s%s" % (path, connections, run.returncode, text,
                                                           run.stderr.decode(errors="replace")))
    rate, total = WRK_RATE.search(text), WRK_TOTAL.search(text)
    if not rate or not total:
        raise NetError("no rate in wrk's output:\n" + text)
    bad = WRK_NON2XX.search(text)
    if bad:
        raise NetError("wrk %s -c%d: %s responses were not 2xx/3xx:\n%s" % (path, connections, bad.group(1), text))
    if int(total.group(1)) == 0 and not warmup:
        raise NetError("wrk %s -c%d: no request answered:\n%s" % (path, connections, text))
    errors = {}
    m = WRK_ERRORS.search(text)
    if m:
        errors = {k: int(v) for k, v in zip(("connect", "read", "write", "timeout"), m.groups()) if int(v)}
    scale = {"B": 1 / 1048576, "KB": 1 / 1024, "MB": 1, "GB": 1024}
    moved = WRK_BYTES.search(text)
    mibps = float(moved.group(1)) * scale[moved.group(2)] if moved else 0.0
    return {"rate": float(rate.group(1)), "requests": int(total.group(1)), "errors": errors, "mibps": mibps}


REDIS_RATE = re.compile(r"^([A-Z]+): ([\d.]+) requests per second", re.M)


def redis_benchmark(ns, tests, requests):
    """redis-benchmark -q, pinned, default 50 clients: {TEST: ops/s}."""
    argv = pinned(["redis-benchmark", "-h", GUEST4, "-q", "-t", ",".join(tests), "-n", str(requests)])
    run = ns.run(argv, timeout=600)
    text = run.stdout.decode(errors="replace").replace("\r", "\n")
    if run.returncode != 0:
        raise NetError("redis-benchmark failed (%d): %s%s" % (run.returncode, text,
                                                             run.stderr.decode(errors="replace")))
    rates = {name.lower(): float(v) for name, v in REDIS_RATE.findall(text)}
    if set(rates) != set(tests):
        raise NetError("redis-benchmark gave %s, wanted %s:\n%s" % (sorted(rates), tests, text))
    return rates


BULK_LINE = re.compile(r"up_s=([\d.]+) down_s=([\d.]+) sent=(\d+) received=(\d+)")


def bulk(ns, port, mib):
    """bulk_client.py, pinned: (MiB/s host->guest, MiB/s guest->host)."""
    argv = pinned(["/usr/bin/python3", os.path.join(HERE, "bulk_client.py"), GUEST4, str(port), str(mib)])
    run = ns.run(argv, timeout=600)
    text = run.stdout.decode(errors="replace")
    m = BULK_LINE.search(text)
    if run.returncode != 0 or not m:
        raise NetError("bulk client failed (%d): %s%s" % (run.returncode, text, run.stderr.decode(errors="replace")))
    if int(m.group(4)) != int(m.group(3)):
        raise NetError("bulk: sent %s bytes, received %s back" % (m.group(3), m.group(4)))
    return mib / float(m.group(1)), mib / float(m.group(2))
