#!/usr/bin/python3
"""Debian's haproxy (packages/haproxy) on a tap in a throw-away namespace
balances HTTP round-robin between two backends the test runs on the host
side (10.0.120.1:8081 and :8082), with health checks (GET /health, twice a
second, two to go down or up). curl sees the two answer in turn; when s2's
health check starts failing (503), haproxy logs s2 DOWN, its stats page
says DOWN and every request goes to s1; when s2 is healthy again, it
comes back UP and the turns resume.

    haproxy_balance.py KILN PACKAGES_DIR OUT_DIR
"""

import http.server
import os
import sys
import threading
import time

from pkglib import build_package, need_programs
from netns import GUEST4, HOST4, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
need_programs("curl")
out = build_package(kiln, packages_dir, "haproxy", out_dir, "image")
image = os.path.join(out, "haproxy.img")


class Backend(http.server.ThreadingHTTPServer):
    def __init__(self, name, port):
        self.name, self.healthy, self.checks = name, True, 0
        super().__init__((HOST4, port), Handler)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        if self.path == "/health":
            server.checks += 1
            status, body = (200, b"ok\n") if server.healthy else (503, b"sick\n")
        else:
            status, body = 200, f"backend {server.name} path {self.path}\n".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def wait_until(what, predicate, guest, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"no {what} in {timeout} s:\n{guest.output()}"
        assert guest.proc.poll() is None, f"the guest exited:\n{guest.output()}"
        time.sleep(0.2)


with Netns() as ns:
    with ns.inside():
        backends = [Backend("s1", 8081), Backend("s2", 8082)]
    for b in backends:
        threading.Thread(target=b.serve_forever, daemon=True).start()
    s1, s2 = backends
    guest = ns.start_guest(kiln, image, ["-M", "64", "-W", "net0,inet,static,10.0.120.120/24"],
                           ["-f", "/etc/haproxy/haproxy.cfg", "-db"])

    def curl(path):
        run = ns.run(["curl", "-sS", "--max-time", "10", f"http://{GUEST4}{path}"], timeout=30)
        assert run.returncode == 0, f"curl {path}: {run.stderr.decode()}\n{guest.output()}"
        return run.stdout.decode()

    def status_of(server):
        run = ns.run(["curl", "-sS", "--max-time", "10", f"http://{GUEST4}:8404/stats;csv"], timeout=30)
        assert run.returncode == 0, f"stats: {run.stderr.decode()}\n{guest.output()}"
        for row in run.stdout.decode().splitlines():
            fields = row.split(",")
            if fields[:2] == ["pool", server]:
                return fields[17]
        raise AssertionError(f"no pool/{server} in the stats:\n{run.stdout.decode()}")

    guest.wait_for(f"inet {GUEST4}/24", timeout=120)
    wait_until("both backends checked", lambda: s1.checks >= 2 and s2.checks >= 2, guest)
    wait_until("answer on port 80", lambda: ns.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5",
                                                     f"http://{GUEST4}/"]).returncode == 0, guest)
    assert status_of("s1") == "UP" and status_of("s2") == "UP", guest.output()
    replies = [curl(f"/r{i}") for i in range(6)]
    names = [r.split()[1] for r in replies]
    assert names in (["s1", "s2"] * 3, ["s2", "s1"] * 3), replies
    assert all(r == f"backend {n} path /r{i}\n" for i, (r, n) in enumerate(zip(replies, names))), replies

    s2.healthy = False
    guest.wait_for("Server pool/s2 is DOWN", timeout=30)
    assert status_of("s2") == "DOWN"
    assert [curl(f"/d{i}") for i in range(4)] == [f"backend s1 path /d{i}\n" for i in range(4)]

    s2.healthy = True
    guest.wait_for("Server pool/s2 is UP", timeout=30)
    assert status_of("s2") == "UP"
    names = [curl(f"/u{i}").split()[1] for i in range(4)]
    assert sorted(names) == ["s1", "s1", "s2", "s2"] and names[0] != names[1], names
    print(guest.output())
    guest.kill()
    for b in backends:
        b.shutdown()
print("haproxy_balance: PASS")
