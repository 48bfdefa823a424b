#!/usr/bin/python3
"""IPv6 against Linux. With `-W net0,inet6,static,fd00:120::120/64` beside
static IPv4, ping6 reaches the static and the link-local address, and TCP
echo works over both (and over IPv4 to the same dual-stack listener,
progs/epoll_echo.c). With `-W net0,inet6,auto` alone (no router: only a
link-local address), ping6 and UDP echo of datagrams up to 30000 bytes
(IPv6 fragments both ways, progs/udp_echo.c) work over link-local."""

import os
import re
import socket
import sys
import tempfile

from netns import GUEST4, GUEST6, STATIC4, Netns, bake, skip_unless_root

STATIC6 = [*STATIC4, "-W", f"net0,inet6,static,{GUEST6}/64"]
AUTO6 = ["-W", "net0,inet6,auto"]
PORT = 7000


def ping6(ns, addr, guest):
    r = ns.run(["ping", "-6", "-c", "3", "-i", "0.2", "-W", "5", addr])
    assert r.returncode == 0, f"ping6 {addr} failed:\n{r.stdout.decode()}{r.stderr.decode()}\n{guest.output()}"
    print(f"ipv6: ping6 {addr} ok")


def link_local(guest):
    m = re.search(r"inet6 (fe80::[0-9a-f:]+)/64", guest.output())
    assert m, f"no link-local address printed:\n{guest.output()}"
    return m.group(1)


def tcp_echo(family, addr, size):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(60)
        s.connect(addr)
        payload = os.urandom(size)
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        back = b""
        while chunk := s.recv(65536):
            back += chunk
        assert back == payload, f"TCP echo to {addr[0]}: {len(back)} of {size} bytes, or different"


kiln, epoll_prog, udp_prog = sys.argv[1], sys.argv[2], sys.argv[3]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    tcp_image = bake(kiln, work, epoll_prog, "tcp6.img")
    udp_image = bake(kiln, work, udp_prog, "udp6.img")

    guest = ns.start_guest(kiln, tcp_image, STATIC6, [str(PORT)])
    guest.wait_for("epoll_echo: ready")
    assert f"inet6 {GUEST6}/64" in guest.output()
    ll = link_local(guest)
    ping6(ns, GUEST6, guest)
    ping6(ns, ll + "%tap0", guest)
    with ns.inside():
        scope = socket.if_nametoindex("tap0")
        tcp_echo(socket.AF_INET6, (GUEST6, PORT), 300000)
        tcp_echo(socket.AF_INET6, (ll, PORT, 0, scope), 5000)
        tcp_echo(socket.AF_INET, (GUEST4, PORT), 5000)
        socket.create_connection((GUEST6, PORT + 1), timeout=30).sendall(b"quit")
    status, out = guest.finish()
    print(out)
    assert status == 0 and "epoll_echo: served 3 connections" in out, f"guest status {status}"

    guest = ns.start_guest(kiln, udp_image, AUTO6, [str(PORT)])
    guest.wait_for("udp_echo: ready")
    ll = link_local(guest)
    ping6(ns, ll + "%tap0", guest)
    with ns.inside():
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.settimeout(10)
        to = (ll, PORT, 0, socket.if_nametoindex("tap0"))
        for size in [0, 1, 1232, 1452, 1453, 8000, 30000]:
            payload = os.urandom(size)
            s.sendto(payload, to)
            back, frm = s.recvfrom(70000)
            assert frm[:2] == (ll, PORT) and back == payload, f"UDP echo over IPv6 of {size} bytes"
            print(f"ipv6: udp {size} bytes ok")
        s.sendto(b"quit", to)
    status, out = guest.finish()
    print(out)
    assert status == 0, f"guest status {status}"
print("ipv6: PASS")
