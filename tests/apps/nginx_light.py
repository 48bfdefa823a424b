#!/usr/bin/python3
"""Debian's nginx-light, baked by packages/nginx-light, serves a static site
from an ISO mounted at /data: curl from the host gets every page byte-exact
(a big binary file too), a missing page is a 404, and wrk loads it for 3 s
(the rate is printed, not asserted).

    nginx_light.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import re
import sys
import tempfile
import time

from pkglib import build_package, make_iso, need_programs
from netns import GUEST4, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
need_programs("curl", "wrk", "xorriso")
out = build_package(kiln, packages_dir, "nginx-light", out_dir, "image")
image = os.path.join(out, "nginx-light.img")


def curl(ns, path, *extra):
    run = ns.run(["curl", "-sS", "--max-time", "30", *extra, f"http://{GUEST4}{path}"], timeout=60)
    assert run.returncode == 0, f"curl {path} failed: {run.stderr.decode()}"
    return run.stdout


with tempfile.TemporaryDirectory() as work, Netns() as ns:
    site = {
        "index.html": b"<html><body><h1>kiln</h1></body></html>\n",
        "docs/notes.txt": b"".join(b"line %d of the notes\n" % i for i in range(2000)),
        "big.bin": os.urandom(3 * 1024 * 1024 + 123),
    }
    root = os.path.join(work, "site")
    for name, data in site.items():
        os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    iso = make_iso(root, os.path.join(work, "www.iso"), "WWW")

    guest = ns.start_guest(kiln, image, ["-M", "64", "-W", "net0,inet,static,10.0.120.120/24",
                                         "-b", iso + ",/data"])
    guest.wait_for(f"inet {GUEST4}/24", timeout=120)
    deadline = time.monotonic() + 120
    while ns.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5", f"http://{GUEST4}/"]).returncode != 0:
        assert time.monotonic() < deadline, f"nginx never answered:\n{guest.output()}"
        assert guest.proc.poll() is None, f"the guest exited:\n{guest.output()}"
        time.sleep(0.5)

    assert curl(ns, "/") == site["index.html"], "/ is not index.html"
    for name, data in site.items():
        got = curl(ns, "/" + name)
        assert got == data, f"/{name}: {len(got)} bytes, wanted {len(data)} (or different bytes)"
    status = curl(ns, "/absent.html", "-o", "/dev/null", "-w", "%{http_code}")
    assert status == b"404", f"/absent.html gave {status}"
    head = curl(ns, "/docs/notes.txt", "-I").decode()
    assert "Content-Type: text/plain" in head and f"Content-Length: {len(site['docs/notes.txt'])}" in head, head

    wrk = ns.run(["wrk", "-t2", "-c16", "-d3s", f"http://{GUEST4}/index.html"], timeout=60)
    text = wrk.stdout.decode()
    assert wrk.returncode == 0, f"wrk failed: {wrk.stderr.decode()}"
    rate = re.search(r"Requests/sec:\s*([\d.]+)", text)
    assert rate, f"no rate in wrk's output:\n{text}"
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    assert not errors, f"wrk saw errors:\n{text}"
    print(f"nginx_light: wrk 3 s, 16 connections: {rate.group(1)} requests/s")
    assert curl(ns, "/index.html") == site["index.html"], "nginx stopped serving after wrk"
    print(guest.output())
print("nginx_light: PASS")
