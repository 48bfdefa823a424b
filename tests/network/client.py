#!/usr/bin/python3
"""The guest as a client (progs/tcp_client.c), differential against Linux:
the same program runs first natively in the namespace, then in the guest,
and both must print the same. It echoes 200 KB through a TCP server on the
host over IPv4 and IPv6 and a datagram through a UDP echo; a closed port
gives ECONNREFUSED at once (blocking, and non-blocking through poll and
SO_ERROR); an on-link address nobody answers ARP for gives EHOSTUNREACH
within seconds; a server that closes with unread data resets the
connection, and recv and send then say so; a connected UDP socket hears
ECONNREFUSED from the host's ICMP; SO_RCVTIMEO ends a UDP recv
with EAGAIN, and MSG_WAITALL waits for every byte of a stream that arrives
in pieces unless SO_RCVTIMEO ends the wait first."""

import re
import socket
import sys
import tempfile
import threading
import time

from netns import GUEST4, GUEST6, HOST4, HOST6, STATIC4, Netns, bake, skip_unless_root

PORT, CLOSED, RESET, SLOW = 9000, 9001, 9002, 9003
SILENT = "10.0.120.77"
CONFIG = [*STATIC4, "-W", f"net0,inet6,static,{GUEST6}/64"]


def serve(listener, handler, peers):
    while True:
        conn, peer = listener.accept()
        peers.append(peer[0])
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def echo(conn):
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


def reset(conn):
    # Reads part of what the client sent; closing with the rest unread
    # makes Linux send a RST.
    conn.recv(10)
    time.sleep(0.5)
    conn.close()


def slow(conn):
    with conn:
        for i in range(3):
            time.sleep(0.3 if i else 0)
            conn.sendall(bytes([i]) * 1000)


def udp_echo(sock):
    while True:
        data, peer = sock.recvfrom(65536)
        sock.sendto(data, peer)


def start_servers(peers):
    echo_l = socket.create_server(("", PORT), family=socket.AF_INET6, dualstack_ipv6=True)
    reset_l = socket.create_server((HOST4, RESET))
    slow_l = socket.create_server((HOST4, SLOW))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((HOST4, PORT))
    for target, args in ((serve, (echo_l, echo, peers)), (serve, (reset_l, reset, peers)),
                         (serve, (slow_l, slow, peers)), (udp_echo, (udp,))):
        threading.Thread(target=target, args=args, daemon=True).start()


def without_times(out):
    return re.sub(r" after [\d.]+ s", "", "\n".join(l for l in out.splitlines() if l.startswith("tcp_client:")))


kiln, prog = sys.argv[1], sys.argv[2]
args = [HOST4, HOST6, str(PORT), str(CLOSED), SILENT]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "client.img")
    peers = []
    with ns.inside():
        start_servers(peers)
    native = ns.run([prog, *args], timeout=60)
    expected = without_times(native.stdout.decode())
    print("Linux:\n" + expected)
    assert native.returncode == 0, f"natively: {native.stderr.decode()}"
    peers.clear()
    guest = ns.start_guest(kiln, image, CONFIG, args)
    status, out = guest.finish(timeout=120)
    print(out)
    assert status == 0, f"guest status {status}"
    assert without_times(out) == expected, "the guest saw something else than Linux did"
    assert sorted(peers) == sorted([f"::ffff:{GUEST4}", GUEST6, GUEST4, GUEST4]), f"the host saw {peers}"
    refused = re.search(r"tcp_client: closed port: ECONNREFUSED after ([\d.]+) s", out)
    assert refused and float(refused.group(1)) < 2, "ECONNREFUSED took too long"
    silent = re.search(r"tcp_client: silent neighbour: EHOSTUNREACH after ([\d.]+) s", out)
    assert silent and float(silent.group(1)) < 10, "EHOSTUNREACH took too long"
print("client: PASS")
