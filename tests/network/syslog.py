#!/usr/bin/python3
"""kiln run --syslog: the guest's syslog(3) messages reach a UDP server on
the host side of the tap as RFC 5424 datagrams, byte for byte (the time
aside, which must be the host's clock at the time they were sent), with
the instance's name as HOSTNAME; none is lost, not even the one sent just
before exit to a peer not yet resolved; over IPv6 too. A server that cannot
be reached leaves the messages on the console, said once. Where Debian's
rsyslog is installed (or $KILN_RSYSLOGD names an rsyslogd, with
$KILN_RSYSLOGD_MODULES its module directory), it receives them with
examples/systemd/rsyslog-kiln.conf and files them per host and program."""

import os
import re
import shutil
import socket
import sys
import tempfile
import subprocess
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
        if w is None:  # cut to the 8096 octets the kernel sends at most
            head = f"<15>1 T {host} syslog_client 1 - - ".encode()
            assert len(m.group(0)) == 8096, f"the long message is {len(m.group(0))} bytes"
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


def rsyslog_case(ns, kiln, image, work):
    """The seeds' set-up: one log per guest (HOSTNAME) and program, by rsyslog."""
    rsyslogd = os.environ.get("KILN_RSYSLOGD") or shutil.which("rsyslogd")
    if not rsyslogd:
        print("syslog: Debian's rsyslog is not installed: its part is skipped")
        return
    example = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "systemd", "rsyslog-kiln.conf")
    logs = os.path.join(work, "log")
    conf = os.path.join(work, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write(f'global(workDirectory="{work}")\n' + open(example).read().replace("/var/log/kiln", logs))
    pidfile = os.path.join(work, "rsyslogd.pid")
    argv = [rsyslogd, "-n", "-f", conf, "-i", pidfile]
    if os.environ.get("KILN_RSYSLOGD_MODULES"):
        argv += ["-M", os.environ["KILN_RSYSLOGD_MODULES"]]
    daemon = ns.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if os.path.exists(pidfile):
                break
            time.sleep(0.1)
        guest = ns.start_guest(kiln, image, [*STATIC4, "--syslog", HOST4, "-N", "web-1"])
        status, out = guest.finish()
        assert status == 0, f"guest status {status}"
        want = {"web.log": ["web-1 web[1] disk 97% full", "web-1 web[1] line one#012line two"],
                "syslog_client.log": ["web-1 syslog_client[1] caf\xe9 under the program's name",
                                      "web-1 syslog_client[1] " + "x" * 8036,
                                      "web-1 syslog_client[1] the last words"]}
        got = {}
        for _ in range(100):  # rsyslog writes when its queue gets to it
            got = {name: [re.sub(r"^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d) ", "", line)
                          for line in open(os.path.join(logs, "web-1", name), encoding="utf-8").read().splitlines()]
                   for name in want if os.path.exists(os.path.join(logs, "web-1", name))}
            if got == want:
                break
            time.sleep(0.1)
        assert got == want, f"rsyslog filed {got}"
    finally:
        daemon.terminate()
        print(daemon.communicate(timeout=30)[0].decode(errors="replace"))
    print("syslog: rsyslog ok")


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
    rsyslog_case(ns, kiln, image, work)
print("syslog: PASS")
