#!/usr/bin/python3
"""UDP echo against Linux: the guest's udp_echo (progs/udp_echo.c) returns
datagrams of 0 bytes up to 65507 (the largest IPv4 allows, 45 fragments at
MTU 1500), each byte-exact, from the address the host sent to."""

import os
import socket
import sys
import tempfile

from netns import GUEST4, STATIC4, Netns, bake, skip_unless_root

SIZES = [0, 1, 18, 100, 1472, 1473, 3000, 8000, 20000, 65507]
PORT = 7777

kiln, prog = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "udp.img")
    guest = ns.start_guest(kiln, image, STATIC4, [str(PORT)])
    guest.wait_for("udp_echo: ready")
    with ns.inside():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(10)
        total = 0
        for size in SIZES * 2:
            payload = os.urandom(size)
            s.sendto(payload, (GUEST4, PORT))
            try:
                back, frm = s.recvfrom(70000)
            except socket.timeout:
                raise AssertionError(f"no echo of {size} bytes:\n{guest.output()}")
            assert frm == (GUEST4, PORT), f"echo from {frm}"
            assert back == payload, f"{size}-byte datagram came back as {len(back)} different bytes"
            total += size
            print(f"udp_echo: {size} bytes ok")
        s.sendto(b"quit", (GUEST4, PORT))
    status, out = guest.finish()
    print(out)
    assert status == 0, f"guest status {status}"
    assert f"udp_echo: {len(SIZES) * 2} datagrams, {total} bytes" in out, "the guest's count differs"
print("udp_echo: PASS")
