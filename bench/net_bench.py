#!/usr/bin/python3
"""bench/net.sh's measurements; one line per run and measure.

  throughput  MIB MiB host->guest, then guest->host, over one connection
              (tests/network/progs/bulk.c without hashing: the network alone)
  requests    GET /hello for 10 s: keep-alive on 4 connections, then a new
              connection per request (tests/network/progs/http_server.c)
  virtio      each guest's exit line from -v: frames, kicks and interrupts
"""

import http.client
import os
import re
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "network"))
from netns import GUEST4, STATIC4, Netns, bake, skip_unless_root  # noqa: E402

kiln, progs, runs, mib = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
PORT = 5001
SECONDS = 10


def virtio_line(out):
    m = re.search(r"kiln: eth0: (.*)", out)
    return m.group(1) if m else "(no -v statistics line)"


def throughput(ns, image):
    size = mib << 20
    guest = ns.start_guest(kiln, image, ["-v", *STATIC4], [str(PORT), str(size), "1", "nohash"])
    guest.wait_for("bulk: ready")
    chunk = os.urandom(1 << 20)
    with ns.inside():
        s = socket.create_connection((GUEST4, PORT), timeout=120)
        start = time.monotonic()
        for _ in range(mib):
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        guest.wait_for("bulk: received", timeout=300)
        up = time.monotonic() - start
        start, got = time.monotonic(), 0
        while data := s.recv(1 << 20):
            got += len(data)
        down = time.monotonic() - start
        s.close()
    status, out = guest.finish()
    assert status == 0 and got == size, f"bulk run failed ({status}, {got} bytes):\n{out}"
    print(f"throughput: host->guest {mib / up:6.1f} MiB/s   guest->host {mib / down:6.1f} MiB/s")
    print(f"  virtio: {virtio_line(out)}")


def request_loop(deadline, counts, errors, keep_alive):
    n = 0
    conn = None
    try:
        while time.monotonic() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection(GUEST4, 8080, timeout=30)
            conn.request("GET", "/hello", headers={} if keep_alive else {"Connection": "close"})
            body = conn.getresponse().read()
            assert body == b"Hello, World\n"
            n += 1
            if not keep_alive:
                conn.close()
                conn = None
    except (OSError, AssertionError, http.client.HTTPException) as e:
        errors.append(f"after {n} requests: {e!r}")
    counts.append(n)


def requests(ns, image):
    guest = ns.start_guest(kiln, image, ["-v", "-M", "128", *STATIC4], ["8080"])
    guest.wait_for("http_server: ready")
    rates = []
    with ns.inside():
        for keep_alive, clients in ((True, 4), (False, 1)):
            counts, errors = [], []
            deadline = time.monotonic() + SECONDS
            threads = [threading.Thread(target=request_loop, args=(deadline, counts, errors, keep_alive))
                       for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert not errors, f"requests failed: {errors}\n{guest.output()}"
            rates.append(sum(counts) / SECONDS)
        conn = http.client.HTTPConnection(GUEST4, 8080, timeout=30)
        conn.request("GET", "/quit")
        conn.getresponse().read()
    status, out = guest.finish()
    assert status == 0, f"http server run failed:\n{out}"
    print(f"requests:   keep-alive x4 {rates[0]:7.1f} req/s   new connection each {rates[1]:7.1f} req/s")
    print(f"  virtio: {virtio_line(out)}")


skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    bulk = bake(kiln, work, os.path.join(progs, "bulk"), "bulk.img")
    http_image = bake(kiln, work, os.path.join(progs, "http_server"), "http.img")
    for run in range(1, runs + 1):
        print(f"run {run}:")
        throughput(ns, bulk)
        requests(ns, http_image)
