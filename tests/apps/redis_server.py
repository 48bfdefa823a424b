#!/usr/bin/python3
"""Debian's redis-server, baked by packages/redis-server, with its
append-only file on an ext2 volume: redis-cli SET/GET from the host,
redis-benchmark -n 10000 (rates printed, not asserted), SHUTDOWN ends the
guest with status 0 and a clean volume, and a second boot on the same
volume finds the data again.

    redis_server.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import re
import subprocess
import sys
import tempfile
import time

from pkglib import build_package, need_programs
from netns import GUEST4, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
need_programs("redis-cli", "redis-benchmark", "mke2fs", "e2fsck")
out = build_package(kiln, packages_dir, "redis-server", out_dir, "image")
image = os.path.join(out, "redis-server.img")


def cli(ns, *args):
    run = ns.run(["redis-cli", "-h", GUEST4, *args], timeout=60)
    assert run.returncode == 0, f"redis-cli {args} failed: {run.stderr.decode()}"
    return run.stdout.decode().rstrip("\n")


def boot(ns, volume):
    guest = ns.start_guest(kiln, image, ["-M", "128", "-W", "net0,inet,static,10.0.120.120/24",
                                         "-b", volume + ",/var/lib/redis"], ["/etc/redis/redis.conf"])
    guest.wait_for("Ready to accept connections", timeout=180)
    return guest


def shutdown(ns, guest):
    ns.run(["redis-cli", "-h", GUEST4, "shutdown"], timeout=60)  # the connection just closes
    status, output = guest.finish(120)
    assert status == 0, f"guest status {status} after SHUTDOWN:\n{output}"
    assert "syncing disks... done" in output, output


with tempfile.TemporaryDirectory() as work, Netns() as ns:
    volume = os.path.join(work, "redis.ext2")
    subprocess.run(["mke2fs", "-q", "-t", "ext2", volume, "64M"], check=True)

    guest = boot(ns, volume)
    assert cli(ns, "SET", "greeting", "Hello, World") == "OK"
    assert cli(ns, "GET", "greeting") == "Hello, World"
    assert cli(ns, "RPUSH", "list", "a", "b", "c") == "3"
    assert cli(ns, "INCRBY", "counter", "41") == "41"
    assert cli(ns, "INCR", "counter") == "42"
    assert cli(ns, "GET", "absent") == ""
    bench = ns.run(["redis-benchmark", "-h", GUEST4, "-n", "10000", "-q", "-t", "set,get,incr,lpush,lpop"],
                   timeout=300)
    assert bench.returncode == 0, f"redis-benchmark failed: {bench.stderr.decode()}"
    rates = re.findall(r"(\w+): ([\d.]+) requests per second", bench.stdout.decode().replace("\r", "\n"))
    assert {name for name, _ in rates} == {"SET", "GET", "INCR", "LPUSH", "LPOP"}, bench.stdout.decode()
    for name, rate in rates:
        print(f"redis_server: redis-benchmark -n 10000 {name}: {rate} ops/s")
    shutdown(ns, guest)
    fsck = subprocess.run(["e2fsck", "-fn", volume], capture_output=True, text=True)
    assert fsck.returncode == 0, f"the volume is not clean:\n{fsck.stdout}{fsck.stderr}"

    guest = boot(ns, volume)  # the append-only file brings it all back
    assert cli(ns, "GET", "greeting") == "Hello, World"
    assert cli(ns, "LRANGE", "list", "0", "-1") == "a\nb\nc"
    assert cli(ns, "GET", "counter") == "42"
    shutdown(ns, guest)
    print(guest.output())
print("redis_server: PASS")
