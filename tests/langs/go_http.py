#!/usr/bin/python3
"""A static Go program (goroutines, net/http) unmodified in kiln, over a tap
device in a namespace: its goroutines' results are exact, curl gets its
pages, and /quit makes it shut the server down and exit 0."""

import hashlib
import sys
import tempfile

sys.path.insert(0, sys.argv[3])  # tests/network, for netns.py
from netns import GUEST4, Netns, bake, skip_unless_root  # noqa: E402

kiln, program = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, program, "go.img")
    guest = ns.start_guest(kiln, image, ["-M", "256", "-W", "net0,inet,static,10.0.120.120/24"])
    guest.wait_for("go: listening", timeout=120)

    def get(path):
        r = ns.run(["curl", "-sS", "--max-time", "60", f"http://{GUEST4}:8080{path}"])
        assert r.returncode == 0, f"curl {path}: {r.stderr.decode()}\n{guest.output()}"
        return r.stdout.decode()

    assert get("/hello?name=kiln") == "hello kiln from go\n"
    for _ in range(5):
        assert get("/sum") == "sum of squares: 385\n"
    assert get("/quit") == "bye\n"
    status, out = guest.finish(timeout=120)
    print(out)
    sums = " ".join(hashlib.sha256(f"chunk {i}".encode()).hexdigest()[:8] for i in range(8))
    lines = [l for l in out.splitlines() if not l.startswith("kiln: eth0 ")]
    assert status == 0, f"guest status {status}"
    assert lines == [f"goroutines: [{sums}]", "go: listening", "go: stopped", "=== exit(0) ==="], lines
print("go_http: PASS")
