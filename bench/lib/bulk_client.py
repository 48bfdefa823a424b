#!/usr/bin/python3
"""The host's side of a TCP throughput run against tests/network/progs/bulk.c
(run with `nohash`), the same for both guests; bench/run starts it inside
the network namespace, pinned with taskset.

    bulk_client.py ADDRESS PORT MIB

Sends MIB MiB over one connection and shuts its side; the guest counts
them, then sends MIB MiB back and closes. Both directions are timed here,
on the host's monotonic clock, with no console line involved:
  up:   from the first byte sent to the first byte of the guest's reply
        (the guest replies only once it has received everything, so this
        is the upload plus one round trip);
  down: from that first byte of the reply to the end of the stream.
Prints `up_s=... down_s=... sent=BYTES received=BYTES`.
"""

import socket
import sys
import time

address, port, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = mib << 20
chunk = bytes(range(256)) * 4096  # 1 MiB; the content does not matter (nohash)
s = socket.create_connection((address, port), timeout=120)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
start = time.monotonic()
for _ in range(mib):
    s.sendall(chunk)
s.shutdown(socket.SHUT_WR)
buf = bytearray(1 << 20)
view = memoryview(buf)
got = s.recv_into(view)
first = time.monotonic()
while got:
    n = s.recv_into(view)
    if n == 0:
        break
    got += n
end = time.monotonic()
s.close()
print("up_s=%.6f down_s=%.6f sent=%d received=%d" % (first - start, end - first, size, got))
