#!/usr/bin/python3
"""kiln run --syslog: the guest's syslog(3) messages reach a UDP server on
the host side of the tap as RFC 5424 datagrams, byte for byte (the time
aside, which must be the host's clock at the time they were sent), with
the instance's name as HOSTNAME; none is lost, not even the one sent just
before exit to a peer not yet resolved; over IPv6 too. A server that cannot
be reached leaves the messages on the console, said once."""

import re
import socket
import sys
import tempfile
import time
from datetime import datetime, timezone

from netns import GUEST4, GUEST6, HOST4, HOST6, STATIC4, Netns, bake, skip_unless_root

STAMP = re.compile(rb"^(<\d+>1 )(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)( .*)$", re.S)


def expected(host):
    return [
        f"<155>1 T {host} web 1 - - disk 97% full".encode(),
        f"<158>1 T {host} web 1 - - line one\nline two".encode(),
        f"<13>1 T {host} syslog_client 1 - - caf\xe9 under the program's name".encode("utf-8"),
        None,  # the long one: checked below
        f"<12>1 T {host} syslog_client 1 - - the last words".encode(),
    ]


def receive(sock, count, guest):
    got = []
    for _ in range(count):
        try:
            data, frm = sock.recvfrom(65536)
        except socket.timeout:
            raise AssertionError(f"{len(got)} of {count} datagrams arrived:\n{got}\n{guest.output()}")
        got.append((data, frm))
    return got


def check(got, host, source, since, until):
    want = expected(host)
    for (data, frm), w in zip(got, want):
        assert frm[0] == source, f"datagram from {frm}, not {source}"
        m = STAMP.match(data)
        assert m, f"not RFC 5424 with a timestamp: {data[:120]!r}"
        sent = datetime.strptime(m.group(2).decode(), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        assert since - 1 <= sent.timestamp() <= until + 1, f"timestamp {m.group(2)} not between {since} and {until}"
        data = m.group(1) + b"T" + m.group(3)
        if w is None:  # cut to the 8 KiB the kernel sends at most
            head = f"<15>1 T {host} syslog_client 1 - - ".encode()
            assert len(m.group(0)) == 8192, f"the long message is {len(m.group(0))} bytes"
            assert data == head + b"x" * (len(data) - len(head)), f"long message: {data[:80]!r}"
        else:
            assert data == w, f"datagram\n  got  {data!r}\n  want {w!r}"


def run_case(ns, kiln, image, family, kiln_args, name):
    """NAME: the -N in KILN_ARGS, or None for the default kiln-PID."""
    addr, source = (HOST4, GUEST4) if family == socket.AF_INET else (HOST6, GUEST6)
    with ns.inside():
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind((addr, 5140))
        sock.settimeout(30)
    since = time.time()
    guest = ns.start_guest(kiln, image, kiln_args)
    name = name or f"kiln-{guest.proc.pid}"
    status, out = guest.finish()
    until = time.time()
    print(out)
    assert status == 0, f"guest status {status}"
    lines = [l for l in out.splitlines() if not l.startswith("kiln: eth0 ")]
    assert lines == ["syslog_client: start", "syslog_client: done", "=== exit(0) ==="], f"console: {lines}"
    check(receive(sock, 5, guest), name, source, since, until)
    sock.close()


kiln, prog = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "syslog.img")
    run_case(ns, kiln, image, socket.AF_INET, [*STATIC4, "--syslog", f"{HOST4}:5140", "-N", "web-1"], "web-1")
    print("syslog: IPv4 ok")
    # Without -N the HOSTNAME is still the instance's name: kiln-<pid of kiln run>.
    run_case(ns, kiln, image, socket.AF_INET, [*STATIC4, "--syslog", f"{HOST4}:5140"], None)
    print("syslog: unnamed ok")
    run_case(ns, kiln, image, socket.AF_INET6,
             ["-W", f"net0,inet6,static,{GUEST6}/64", "--syslog", f"[{HOST6}]:5140", "-N", "web-6"], "web-6")
    print("syslog: IPv6 ok")
    # No route to the server: every message stays on the console.
    guest = ns.start_guest(kiln, image, [*STATIC4, "--syslog", "10.9.9.9", "-N", "lonely"])
    status, out = guest.finish()
    lines = [l for l in out.splitlines() if not l.startswith("kiln: eth0 ")]
    print("\n".join(l if len(l) < 100 else l[:100] + "..." for l in lines))
    assert status == 0, f"guest status {status}"
    assert lines == ["syslog_client: start",
                     "kiln: syslog: cannot send to the server (error 101); messages go to the console until it works",
                     "<local3.err> web[1]: disk 97% full",
                     "<local3.info> web[1]: line one#012line two",
                     "<user.notice> syslog_client[1]: caf\xe9 under the program's name",
                     "<user.debug> syslog_client[1]: " + "x" * 10000,
                     "syslog_client: done",
                     "<user.warning> syslog_client[1]: the last words",
                     "=== exit(0) ==="], f"console: {lines}"
    print("syslog: unreachable ok")
print("syslog: PASS")
