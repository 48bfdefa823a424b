#!/usr/bin/python3
"""100 MiB each way over one TCP connection, checked by SHA-256: the host
sends random bytes and the guest's bulk program (progs/bulk.c) prints the
hash of what it received; then the guest sends a seeded stream, prints its
hash, and the host hashes what arrived. Prints both throughputs (not
asserted). An optional third argument sets the size in MiB (bench/net.sh)."""

import hashlib
import os
import re
import socket
import sys
import tempfile
import time

from netns import GUEST4, STATIC4, Netns, bake, skip_unless_root

PORT = 5001
CHUNK = 1 << 20

kiln, prog = sys.argv[1], sys.argv[2]
size = (int(sys.argv[3]) if len(sys.argv) > 3 else 100) << 20
seed = int.from_bytes(os.urandom(4), "little")
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "bulk.img")
    guest = ns.start_guest(kiln, image, STATIC4, [str(PORT), str(size), str(seed)])
    guest.wait_for("bulk: ready")
    with ns.inside():
        s = socket.create_connection((GUEST4, PORT), timeout=120)
        sent_hash = hashlib.sha256()
        start = time.monotonic()
        for _ in range(size // CHUNK):
            chunk = os.urandom(CHUNK)
            sent_hash.update(chunk)
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        guest.wait_for("bulk: received", timeout=120)
        up = time.monotonic() - start
        got_hash, got = hashlib.sha256(), 0
        start = time.monotonic()
        while chunk := s.recv(CHUNK):
            got_hash.update(chunk)
            got += len(chunk)
        down = time.monotonic() - start
        s.close()
    status, out = guest.finish()
    print(out)
    assert status == 0, f"guest status {status}"
    rx = re.search(r"bulk: received (\d+) bytes sha256 (\w+)", out)
    tx = re.search(r"bulk: sent (\d+) bytes sha256 (\w+)", out)
    assert rx and tx, "the guest did not print both hashes"
    assert (int(rx.group(1)), rx.group(2)) == (size, sent_hash.hexdigest()), "host to guest: bytes differ"
    assert (got, got_hash.hexdigest()) == (size, tx.group(2)), "guest to host: bytes differ"
    mib = size >> 20
    print(f"bulk: host->guest {mib} MiB in {up:.1f} s = {mib / up:.1f} MiB/s")
    print(f"bulk: guest->host {mib} MiB in {down:.1f} s = {mib / down:.1f} MiB/s")
print("bulk: PASS")
