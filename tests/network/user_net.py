#!/usr/bin/python3
"""QEMU user-mode networking, which needs no privileges: `kiln run -p
HOSTPORT:GUESTPORT` adds a user interface, the guest configures it by DHCP
from QEMU (10.0.2.15), and a connection to the host's forwarded port on
127.0.0.1 reaches busybox nc listening in the guest."""

import socket
import subprocess
import sys
import tempfile
import time

from netns import Guest, bake

kiln, busybox = sys.argv[1], sys.argv[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


with tempfile.TemporaryDirectory() as work:
    image = bake(kiln, work, busybox, "nc.img")
    port = free_port()
    proc = subprocess.Popen([kiln, "run", "tcg", "-i", "-p", f"{port}:3333", "--", image, "nc", "-l", "-p", "3333"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    guest = Guest(proc)
    try:
        guest.wait_for("inet 10.0.2.15/24 (dhcp)")
        deadline = time.monotonic() + 30
        while True:  # QEMU's forward accepts before the guest listens: retry until it answers
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                    c.sendall(b"Hello, user networking\n")
                    c.shutdown(socket.SHUT_WR)
                    rest = c.recv(100)
                    assert rest == b"", f"the guest sent {rest!r}"
                break
            except (ConnectionError, socket.timeout):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        status, out = guest.finish()
    finally:
        guest.kill()
    print(out)
    assert status == 0, f"guest status {status}"
    lines = [l for l in out.splitlines() if not l.startswith("kiln: eth0 ")]
    assert lines == ["Hello, user networking", "=== exit(0) ==="], f"unexpected console: {lines}"
print("user_net: PASS")
