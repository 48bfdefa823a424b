#!/usr/bin/python3
"""A barrage of malformed and odd packets from scapy at the guest over tap0:
bad IP/TCP/UDP/ICMP checksums, truncated headers, impossible lengths, odd
TCP flag sets (SYN+FIN, none, all), overlapping, oversized and never
finished IP fragments, bogus IP and TCP options, broken ICMP errors, IPv6
and neighbour discovery oddities, ARP junk, and random fuzz; some of it
aimed at a live connection. Afterwards the guest's epoll echo server
(progs/epoll_echo.c) still echoes on that connection and a new one,
answers ping and exits cleanly."""

import os
import re
import socket
import sys
import tempfile

from netns import GUEST4, GUEST6, HOST4, HOST6, STATIC4, Netns, bake, skip_unless_root

PORT = 7000
CONFIG = [*STATIC4, "-W", f"net0,inet6,static,{GUEST6}/64"]


def barrage(mac, live_port):
    """The frames, built inside the namespace (scapy reads tap0 there)."""
    from scapy.all import (ARP, ICMP, IP, TCP, UDP, Ether, ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6ND_RA,
                           ICMPv6NDOptSrcLLAddr, IPOption, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                           IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Raw, fragment, fuzz, get_if_hwaddr, raw)

    eth = Ether(src=get_if_hwaddr("tap0"), dst=mac)
    ip = IP(src=HOST4, dst=GUEST4)
    ip6 = IPv6(src=HOST6, dst=GUEST6)
    frames = []

    def add(pkt):
        frames.append(eth / pkt)

    hdr = raw(eth)
    # Checksums.
    add(IP(src=HOST4, dst=GUEST4, chksum=0x1234) / ICMP())
    add(ip / ICMP(chksum=0x1234) / b"ping")
    add(ip / TCP(dport=PORT, flags="S", chksum=0x1234))
    add(ip / UDP(dport=PORT, chksum=0x1234) / b"bad sum")
    add(ip6 / TCP(dport=PORT, flags="S", chksum=0x1234))
    add(ip6 / UDP(dport=PORT, chksum=0) / b"zero sum is not allowed in IPv6")
    # Truncated headers and impossible lengths.
    frames.append(hdr[:12] + b"\x08")                      # runt Ethernet
    frames.append(hdr + raw(ip)[:10])                      # half an IP header
    frames.append(hdr + raw(IP(src=HOST4, dst=GUEST4, ihl=4) / ICMP()))
    frames.append(hdr + raw(IP(src=HOST4, dst=GUEST4, ihl=15) / ICMP()))
    frames.append(hdr + raw(IP(src=HOST4, dst=GUEST4, len=2000) / ICMP()))
    frames.append(hdr + raw(IP(src=HOST4, dst=GUEST4, len=10) / ICMP()))
    frames.append(hdr + raw(IP(src=HOST4, dst=GUEST4, version=6) / ICMP()))
    frames.append(hdr + raw(ip / TCP(dport=PORT, flags="S"))[:20 + 8])   # TCP header cut short
    frames.append(hdr + raw(ip / UDP(dport=PORT))[:20 + 4])
    add(ip / TCP(dport=PORT, flags="S", dataofs=3))
    add(ip / TCP(dport=PORT, flags="S", dataofs=15))
    add(ip / UDP(dport=PORT, len=4) / b"x")
    add(ip / UDP(dport=PORT, len=500) / b"short")
    frames.append(hdr + raw(ip6)[:20])
    add(IPv6(src=HOST6, dst=GUEST6, plen=3000) / ICMPv6EchoRequest())
    # TCP flag combinations, at the listener and at a closed port.
    for flags in ["SF", "", "FSRPAUEC", "SR", "F", "SA", "U", "FPU", "R", "A"]:
        for dport in (PORT, PORT + 100):
            add(ip / TCP(sport=40000, dport=dport, flags=flags, seq=1000))
            add(ip6 / TCP(sport=40000, dport=dport, flags=flags, seq=1000))
    # At the live connection: resets, SYNs and data at random sequence numbers.
    for seq in (0, 1, 0x7fffffff, 0x80000000, 0xffffffff):
        for flags in ["R", "S", "SF", "RA", "PA", "FSRPAUEC", "", "F"]:
            add(ip / TCP(sport=live_port, dport=PORT, flags=flags, seq=seq, ack=seq ^ 0x5555) / b"junk")
    # Bogus options.
    add(IP(src=HOST4, dst=GUEST4, options=[IPOption(b"\x44\x00")]) / ICMP())
    add(IP(src=HOST4, dst=GUEST4, options=[IPOption(b"\x07\x27\x04")]) / ICMP())
    add(IP(src=HOST4, dst=GUEST4, options=[IPOption(b"\x83\x01")]) / UDP(dport=PORT) / b"x")
    for opts in [b"\x02\x00\x05\xb4", b"\x03\xff\x07\x00", b"\x05\x03\x00\x00", b"\x08\x01\x00\x00",
                 b"\x02\x04\xff\xff\x04\x02\x03\x03\xff", b"\x01" * 40, b"\x1e\x28" + b"\x00" * 38]:
        padded = opts.ljust(-(-len(opts) // 4) * 4, b"\x00")
        add(ip / TCP(dport=PORT, flags="S", dataofs=5 + len(padded) // 4) / Raw(padded))
    # Fragments: overlapping, oversized, never finished, tiny.
    big = ip / ICMP() / (b"o" * 3000)
    frags = fragment(big, fragsize=1000)
    add(frags[0])
    add(IP(src=HOST4, dst=GUEST4, id=big.id, flags="MF", frag=50, proto=1) / (b"x" * 1000))  # overlaps
    for f in frags[1:]:
        add(f)
    for off in (8189, 8190):
        add(IP(src=HOST4, dst=GUEST4, id=777, flags="MF", frag=0, proto=17) / UDP(dport=PORT) / (b"a" * 800))
        add(IP(src=HOST4, dst=GUEST4, id=777, frag=off, proto=17) / (b"b" * 800))     # past 65535
    for ident in range(200, 300):
        add(IP(src=HOST4, dst=GUEST4, id=ident, flags="MF", proto=17) / (b"u" * 64))  # never finished
    add(IP(src=HOST4, dst=GUEST4, id=999, flags="MF", proto=6) / (b"\x00" * 4))         # 4-byte fragment
    add(IP(src=HOST4, dst=GUEST4, id=999, frag=1, proto=6) / (b"\x00" * 40))
    for f in fragment(ip / UDP(dport=PORT) / (b"d" * 3000), fragsize=800) * 2:        # duplicated
        add(f)
    for f in fragment(IP(src=HOST4, dst=GUEST4, flags="DF") / UDP(dport=PORT) / (b"e" * 2000), 800):
        add(f)
    big6 = ip6 / IPv6ExtHdrFragment(id=5, m=1) / (b"f" * 1000)
    add(big6)
    add(ip6 / IPv6ExtHdrFragment(id=5, offset=60, m=0) / (b"g" * 1000))              # overlaps
    add(ip6 / IPv6ExtHdrFragment(id=6, offset=8180, m=0) / (b"h" * 1000))            # past 65535
    add(ip6 / IPv6ExtHdrHopByHop(options=[]) / IPv6ExtHdrHopByHop() / ICMPv6EchoRequest())
    add(ip6 / IPv6ExtHdrHopByHop(nh=0) / IPv6ExtHdrHopByHop(nh=0) / Raw(b"\x00" * 8))
    # Neighbour discovery and ARP junk.
    add(IPv6(src=HOST6, dst=GUEST6, hlim=255) / ICMPv6ND_NS(tgt=GUEST6) / Raw(b"\x01\x00" + b"\x00" * 6))
    add(IPv6(src=HOST6, dst=GUEST6, hlim=64) / ICMPv6ND_NS(tgt=GUEST6) / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01"))
    add(IPv6(src=HOST6, dst=GUEST6, hlim=255) / ICMPv6ND_NS(tgt=GUEST6) / Raw(b"\x01\xff" + b"\x00" * 6))
    frames.append(Ether(src=eth.src, dst="ff:ff:ff:ff:ff:ff", type=0x0806) / Raw(b"\x00\x01\x08\x00\x06"))
    add(ARP(op=2, psrc=GUEST4, hwsrc="02:00:00:00:00:09", pdst=GUEST4))               # claims the guest's address
    add(ARP(op=1, hwlen=0, plen=0))
    # Broken ICMP errors quoting connections that do not exist, or nothing.
    add(ip / ICMP(type=3, code=3) / b"\x45")
    add(ip / ICMP(type=3, code=4, nexthopmtu=68) / IP(src=GUEST4, dst=HOST4) / TCP(sport=PORT, dport=live_port))
    add(ip / ICMP(type=3, code=4, nexthopmtu=0) / IP(src=GUEST4, dst=HOST4, ihl=15) / (b"\x00" * 8))
    add(ip / ICMP(type=11) / IP(src=GUEST4, dst=HOST4, proto=17) / (b"\x00" * 4))
    # Random fuzz, every field but the addresses.
    for _ in range(300):
        frames.append(eth / IP(src=HOST4, dst=GUEST4) / fuzz(TCP(dport=PORT)))
        frames.append(eth / IP(src=HOST4, dst=GUEST4) / fuzz(UDP(dport=PORT)))
        frames.append(eth / fuzz(IP(src=HOST4, dst=GUEST4, proto=1)) / fuzz(ICMP()))
    for _ in range(100):
        frames.append(eth / IPv6(src=HOST6, dst=GUEST6) / fuzz(TCP(dport=PORT)))
        frames.append(eth / IPv6(src=HOST6, dst=GUEST6) / fuzz(IPv6ExtHdrDestOpt()) / UDP(dport=PORT))
        frames.append(eth / IPv6(src=HOST6, dst=GUEST6) / fuzz(IPv6ExtHdrRouting()) / ICMPv6EchoRequest())
        frames.append(eth / IPv6(src=HOST6, dst=GUEST6, hlim=255) / fuzz(ICMPv6ND_NS(tgt=GUEST6)))
        frames.append(eth / IPv6(src="fe80::1", dst="ff02::1", hlim=255) / fuzz(ICMPv6ND_RA()))
    return [Raw(f) if isinstance(f, bytes) else f for f in frames]


def echo_ok(sock, size):
    payload = os.urandom(size)
    sock.sendall(payload)
    back = b""
    while len(back) < size:
        chunk = sock.recv(65536)
        assert chunk, "connection closed during the echo"
        back += chunk
    assert back == payload, "echo differs"


kiln, prog = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "echo.img")
    guest = ns.start_guest(kiln, image, CONFIG, [str(PORT)])
    guest.wait_for("epoll_echo: ready")
    mac = re.search(r"kiln: eth0 ([0-9a-f:]{17})", guest.output()).group(1)
    with ns.inside():
        from scapy.all import conf, sendp
        conf.verb = 0
        live = socket.create_connection((GUEST4, PORT), timeout=30)
        echo_ok(live, 1000)
        frames = barrage(mac, live.getsockname()[1])
        for _ in range(2):
            sendp(frames, iface="tap0", inter=0.001)
        print(f"malformed: sent {len(frames) * 2} frames")
        echo_ok(live, 100000)
        fresh = socket.create_connection((GUEST6, PORT), timeout=30)
        echo_ok(fresh, 100000)
        live.close()
        fresh.close()
    ping = ns.run(["ping", "-c", "2", "-i", "0.2", "-W", "5", GUEST4])
    assert ping.returncode == 0, f"no ping reply after the barrage:\n{guest.output()}"
    with ns.inside():
        socket.create_connection((GUEST4, PORT + 1), timeout=30).sendall(b"quit")
    status, out = guest.finish()
    print(out)
    assert status == 0, f"guest status {status}"
    assert re.search(r"epoll_echo: served \d+ connections", out)
    assert "panic" not in out
print("malformed: PASS")
