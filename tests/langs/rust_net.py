#!/usr/bin/python3
"""A static Rust program (std::thread, std::net) unmodified in kiln, over a
tap device in a namespace: the threads' sums are exact, and three
connections from Linux each get their bytes back reversed."""

import os
import socket
import sys
import tempfile

sys.path.insert(0, sys.argv[3])  # tests/network, for netns.py
from netns import GUEST4, Netns, bake, skip_unless_root  # noqa: E402

kiln, program = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, program, "rust.img")
    guest = ns.start_guest(kiln, image, ["-W", "net0,inet,static,10.0.120.120/24"])
    guest.wait_for("rust: listening", timeout=120)
    sizes = [0, 5, 300000]
    with ns.inside():
        for size in sizes:
            data = os.urandom(size)
            with socket.create_connection((GUEST4, 7070), timeout=60) as c:
                c.sendall(data)
                c.shutdown(socket.SHUT_WR)
                back = b""
                while chunk := c.recv(65536):
                    back += chunk
            assert back == data[::-1], f"{size} bytes: got {len(back)} back, or not reversed"
    status, out = guest.finish(timeout=120)
    print(out)
    lines = [l for l in out.splitlines() if not l.startswith("kiln: eth0 ")]
    assert status == 0, f"guest status {status}"
    sums = ", ".join(str(500500 * i) for i in range(1, 5))
    assert lines == [f"threads: [{sums}], 4 done", "rust: listening"] + \
        [f"rust: reversed {n} bytes" for n in sizes] + ["rust: done", "=== exit(0) ==="], lines
print("rust_net: PASS")
