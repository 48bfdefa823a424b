#!/usr/bin/python3
"""The guest as a client (progs/tcp_client.c): it echoes 200 KB through a
TCP server on the host and a datagram through a UDP echo, gets
ECONNREFUSED at once from a closed port, and EHOSTUNREACH within seconds
from an on-link address that nobody answers ARP for."""

import re
import socket
import sys
import tempfile
import threading

from netns import HOST4, STATIC4, Netns, bake, skip_unless_root

PORT, CLOSED = 9000, 9001
SILENT = "10.0.120.77"


def tcp_echo(listener, seen):
    conn, peer = listener.accept()
    seen.append(peer)
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


def udp_echo(sock):
    data, peer = sock.recvfrom(65536)
    sock.sendto(data, peer)


kiln, prog = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "client.img")
    peers = []
    with ns.inside():
        listener = socket.create_server((HOST4, PORT))
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((HOST4, PORT))
        servers = [threading.Thread(target=tcp_echo, args=(listener, peers), daemon=True),
                   threading.Thread(target=udp_echo, args=(udp,), daemon=True)]
        for t in servers:
            t.start()
    guest = ns.start_guest(kiln, image, STATIC4, [HOST4, str(PORT), str(CLOSED), SILENT])
    status, out = guest.finish(timeout=120)
    print(out)
    assert status == 0, f"guest status {status}"
    assert peers and peers[0][0] == "10.0.120.120", f"the host saw {peers}"
    assert "tcp_client: tcp echo of 200000 bytes ok" in out
    assert "tcp_client: udp echo ok" in out
    refused = re.search(r"tcp_client: closed port: (\S+) after ([\d.]+) s", out)
    assert refused and refused.group(1) == "ECONNREFUSED" and float(refused.group(2)) < 2, "closed port"
    silent = re.search(r"tcp_client: silent neighbour: (\S+) after ([\d.]+) s", out)
    assert silent and silent.group(1) == "EHOSTUNREACH" and float(silent.group(2)) < 10, "silent neighbour"
print("client: PASS")
