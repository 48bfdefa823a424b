#!/usr/bin/python3
"""Debian's python3.11 (packages/python3.11, standard library on an ISO)
runs `-m http.server` (socket, threads) over a directory on another ISO;
curl from the host gets a listing and every file byte-exact, and a missing
one is a 404. Without --bind, as people run it: python asks getaddrinfo
for the passive addresses, and glibc sorts 0.0.0.0 and :: by the source
address a UDP socket connect()ed to each reports (getsockname; for
0.0.0.0 through an IPv6 socket, so ::ffff:127.0.0.1 as on Linux); the
server then listens on :: dual-stack and curl reaches it over IPv4.

    python3_http.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import sys
import tempfile
import time

from pkglib import build_package, make_iso, need_programs, write_tree
from netns import GUEST4, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
need_programs("curl", "xorriso")
out = build_package(kiln, packages_dir, "python3.11", out_dir, "all")
image = os.path.join(out, "python3.11.img")
stdlib = os.path.join(out, "python3.11-data.iso")

with tempfile.TemporaryDirectory() as work, Netns() as ns:
    files = {"hello.txt": b"Hello from python on kiln\n", "blob.bin": os.urandom(300 * 1024 + 7)}
    www = write_tree(os.path.join(work, "www"), files)
    iso = make_iso(www, os.path.join(work, "www.iso"), "WWW")
    guest = ns.start_guest(kiln, image, ["-M", "256", "-W", "net0,inet,static,10.0.120.120/24",
                                         "-b", stdlib + ",/usr/lib/python3.11", "-b", iso + ",/www"],
                           ["-m", "http.server", "8000", "--directory", "/www"])
    guest.wait_for(f"inet {GUEST4}/24", timeout=120)
    url = f"http://{GUEST4}:8000/"
    deadline = time.monotonic() + 180
    while ns.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5", url]).returncode != 0:
        assert time.monotonic() < deadline, f"http.server never answered:\n{guest.output()}"
        assert guest.proc.poll() is None, f"the guest exited:\n{guest.output()}"
        time.sleep(1)

    def curl(path, *extra):
        run = ns.run(["curl", "-sS", "--max-time", "60", *extra, url + path], timeout=120)
        assert run.returncode == 0, f"curl {path}: {run.stderr.decode()}\n{guest.output()}"
        return run.stdout

    listing = curl("").decode()
    assert all(f'href="{name}"' in listing for name in files), listing
    for name, data in files.items():
        assert curl(name) == data, f"{name} differs"
    assert curl("absent", "-o", "/dev/null", "-w", "%{http_code}") == b"404"
    print(guest.output())
print("python3_http: PASS")
