#!/usr/bin/python3
"""curl against the guest's HTTP/1.1 server (progs/http_server.c): several
requests on one keep-alive connection (a 1 MiB body among them) come back
byte-exact with their Content-Length, curl reports a single connect, a 404
is a 404; then 100 downloads of 1 MiB on 50 parallel connections arrive
byte-exact (in the default 64 MiB), and /quit ends the server."""

import os
import sys
import tempfile

from netns import GUEST4, STATIC4, Netns, bake, skip_unless_root

PORT = 8080
BASE = f"http://{GUEST4}:{PORT}"


def pattern(n):
    return bytes((i * 7 + i // 251) & 255 for i in range(n))


kiln, prog = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "http.img")
    guest = ns.start_guest(kiln, image, STATIC4, [str(PORT)])
    guest.wait_for("http_server: ready")
    cases = [("/bytes/1048576", 200, pattern(1 << 20)), ("/hello", 200, b"Hello, World\n"),
             ("/bytes/0", 200, b""), ("/nothing", 404, b""), ("/bytes/100000", 200, pattern(100000)),
             ("/bytes/1048576", 200, pattern(1 << 20))]
    argv = ["curl", "-sS", "--http1.1", "--max-time", "120"]
    for i, (path, _, _) in enumerate(cases):
        argv += ["-o", os.path.join(work, f"body{i}"), "-w", "%{http_code} %{num_connects} %{size_download}\\n",
                 BASE + path]
    curl = ns.run(argv, timeout=180)
    assert curl.returncode == 0, f"curl failed: {curl.stderr.decode()}\n{guest.output()}"
    lines = curl.stdout.decode().split()
    for i, (path, code, body) in enumerate(cases):
        status, connects, size = lines[3 * i:3 * i + 3]
        with open(os.path.join(work, f"body{i}"), "rb") as f:
            got = f.read()
        assert int(status) == code, f"{path}: status {status}"
        assert got == body, f"{path}: {len(got)} bytes, not the {len(body)} expected"
        assert int(size) == len(body)
        # Only the first transfer connects: the others reuse the connection.
        assert int(connects) == (1 if i == 0 else 0), f"{path}: curl connected again ({connects})"
        print(f"http: {path} {status} {len(got)} bytes ok")
    argv = ["curl", "-sS", "--parallel", "--parallel-max", "50", "--max-time", "120"]
    for i in range(100):
        argv += ["-o", os.path.join(work, f"par{i}"), BASE + "/bytes/1048576"]
    curl = ns.run(argv, timeout=180)
    assert curl.returncode == 0, f"parallel curl failed: {curl.stderr.decode()[-2000:]}\n{guest.output()}"
    mib = pattern(1 << 20)
    for i in range(100):
        with open(os.path.join(work, f"par{i}"), "rb") as f:
            assert f.read() == mib, f"parallel download {i} differs"
    print("http: 100 parallel downloads of 1 MiB ok")
    quit_ = ns.run(["curl", "-sS", "--max-time", "30", BASE + "/quit"])
    assert quit_.stdout == b"bye\n", f"/quit said {quit_.stdout!r} {quit_.stderr!r}"
    status, out = guest.finish()
    print(out)
    assert status == 0 and "http_server: quit" in out, f"guest status {status}"
print("http: PASS")
