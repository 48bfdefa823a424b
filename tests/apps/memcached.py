#!/usr/bin/python3
"""Debian's memcached, baked by packages/memcached and started with the
image's defaults (no arguments), driven from the host over a tap: a small
client of the text protocol checks exact replies (set, get, multi-get, add,
replace, append, prepend, incr, decr, delete, flush_all, a 500 KB value,
stats, a key set over IPv6 read over IPv4), then Debian's memccapable must pass and memcslap loads it (rates
printed, not asserted; both skipped without libmemcached-tools), and
`shutdown` ends the guest with status 0.

    memcached.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import re
import shutil
import socket
import sys
import time

from pkglib import build_package, program_output
from netns import GUEST4, GUEST6, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
out = build_package(kiln, packages_dir, "memcached", out_dir, "image")
image = os.path.join(out, "memcached.img")
PORT = 11211


class Client:
    """One connection speaking memcached's text protocol; replies are read
    whole (a line, or a block up to END) so the test compares exact bytes."""

    def __init__(self, host):
        self.sock = socket.create_connection((host, PORT), timeout=60)  # IPv4 or IPv6
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise AssertionError(f"memcached closed the connection; unread: {self.buf!r}")
        self.buf += chunk

    def line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def until_end(self):
        """Everything up to and including END\\r\\n (get, stats)."""
        while not (self.buf.startswith(b"END\r\n") or b"\r\nEND\r\n" in self.buf):
            self._fill()
        at = 0 if self.buf.startswith(b"END\r\n") else self.buf.index(b"\r\nEND\r\n") + 2
        reply, self.buf = self.buf[:at + 5], self.buf[at + 5:]
        return reply

    def store(self, verb, key, value, flags=0):
        self.send(b"%s %s %d 0 %d\r\n%s\r\n" % (verb, key, flags, len(value), value))
        return self.line()

    def command(self, text):
        self.send(text + b"\r\n")
        return self.line()

    def get(self, *keys):
        self.send(b"get " + b" ".join(keys) + b"\r\n")
        return self.until_end()


def value_block(key, value, flags=0):
    return b"VALUE %s %d %d\r\n%s\r\n" % (key, flags, len(value), value)


def exercise(c):
    assert c.store(b"set", b"greeting", b"Hello, World", 5) == b"STORED"
    assert c.get(b"greeting") == value_block(b"greeting", b"Hello, World", 5) + b"END\r\n"
    assert c.get(b"absent") == b"END\r\n"
    assert c.store(b"add", b"greeting", b"again") == b"NOT_STORED"
    assert c.store(b"add", b"fresh", b"new") == b"STORED"
    assert c.store(b"replace", b"nobody", b"x") == b"NOT_STORED"
    assert c.store(b"replace", b"fresh", b"newer") == b"STORED"
    assert c.store(b"append", b"fresh", b"-tail") == b"STORED"
    assert c.store(b"prepend", b"fresh", b"head-") == b"STORED"
    assert c.get(b"fresh") == value_block(b"fresh", b"head-newer-tail") + b"END\r\n"

    assert c.store(b"set", b"counter", b"41") == b"STORED"
    assert c.command(b"incr counter 1") == b"42"
    assert c.command(b"incr counter 1000") == b"1042"
    assert c.command(b"decr counter 2000") == b"0"  # decr stops at zero
    assert c.command(b"incr absent 1") == b"NOT_FOUND"
    assert c.command(b"incr greeting 1") == b"CLIENT_ERROR cannot increment or decrement non-numeric value"

    # A multi-get answers in the order asked and leaves out the missing key.
    want = value_block(b"greeting", b"Hello, World", 5) + value_block(b"fresh", b"head-newer-tail") + \
        value_block(b"counter", b"0   ") + b"END\r\n"  # decr in place pads with blanks
    got = c.get(b"greeting", b"missing", b"fresh", b"counter")
    assert got == want, got

    # ~500 KB: many TCP segments each way, a large slab class.
    big = os.urandom(250 * 1024).hex().encode()[:500 * 1024 + 7]
    assert c.store(b"set", b"big", big, 9) == b"STORED"
    got = c.get(b"big")
    assert got == value_block(b"big", big, 9) + b"END\r\n", f"big value differs ({len(got)} bytes back)"

    assert c.command(b"delete counter") == b"DELETED"
    assert c.command(b"delete counter") == b"NOT_FOUND"
    c.send(b"stats\r\n")
    stats = dict(re.findall(rb"STAT (\S+) (\S+)\r\n", c.until_end()))
    assert stats[b"curr_items"] == b"3", stats  # greeting, fresh, big
    assert stats[b"pid"] == b"1", stats[b"pid"]  # the launcher's exec kept pid 1
    assert stats[b"limit_maxbytes"] == b"%d" % (32 * 1024 * 1024), stats[b"limit_maxbytes"]
    assert c.command(b"flush_all") == b"OK"
    assert c.get(b"greeting", b"fresh", b"big") == b"END\r\n"
    c.send(b"stats\r\n")
    assert b"STAT curr_items 0\r\n" in c.until_end()
    print(f"memcached: version {stats[b'version'].decode()}, {stats[b'threads'].decode()} threads, "
          f"{stats[b'total_connections'].decode()} connections so far")


def libmemcached_tools(ns):
    """memccapable's conformance checks (text and binary protocol) and a
    memcslap load, from Debian's libmemcached-tools."""
    if shutil.which("memccapable") is None or shutil.which("memcslap") is None:
        print("note: no memccapable/memcslap on the host (libmemcached-tools); skipped")
        return
    run = ns.run(["memccapable", "-h", GUEST4, "-p", str(PORT), "-t", "30"], timeout=300)
    text = run.stdout.decode() + run.stderr.decode()
    assert run.returncode == 0 and "All tests passed" in text and "[FAIL]" not in text, f"memccapable:\n{text}"
    print(f"memcached: memccapable: {text.count('[pass]')} checks passed")
    for test in ("set", "get"):
        run = ns.run(["memcslap", f"--servers={GUEST4}:{PORT}", "--concurrency=4", "--execute-number=2000",
                      f"--test={test}"], timeout=300)
        text = run.stdout.decode() + run.stderr.decode()
        took = re.search(r"Time total:\s*([\d.]+) seconds", text)
        assert run.returncode == 0 and took, f"memcslap --test={test} failed:\n{text}"
        print(f"memcached: memcslap --test={test}, 4 threads x 2000 keys: {took.group(1)} s, "
              f"{8000 / float(took.group(1)):.0f} ops/s")


with Netns() as ns:
    guest = ns.start_guest(kiln, image, ["-M", "64", "-W", f"net0,inet,static,{GUEST4}/24",
                                         "-W", f"net0,inet6,static,{GUEST6}/64"])
    guest.wait_for(f"inet {GUEST4}/24", timeout=120)
    with ns.inside():
        deadline = time.monotonic() + 120
        while True:
            try:
                c = Client(GUEST4)
                break
            except OSError:
                assert time.monotonic() < deadline, f"memcached never listened:\n{guest.output()}"
                assert guest.proc.poll() is None, f"the guest exited:\n{guest.output()}"
                time.sleep(0.5)
        started = time.monotonic()
        exercise(c)
        c6 = Client(GUEST6)  # the same items through the IPv6 listener
        assert c6.store(b"set", b"v6", b"over IPv6") == b"STORED"
        assert c.get(b"v6") == value_block(b"v6", b"over IPv6") + b"END\r\n"
        print(f"memcached: the protocol checks took {time.monotonic() - started:.1f} s")
    libmemcached_tools(ns)
    with ns.inside():
        c = Client(GUEST4)  # a fresh connection: memcslap's load is over
        c.send(b"get greeting\r\n")
        assert c.until_end() == b"END\r\n"
        c.send(b"shutdown\r\n")  # -A: the server closes and exits
        assert c.sock.recv(100) == b""
    status, output = guest.finish(120)
    print(program_output(output))
    assert status == 0, f"guest status {status} after shutdown:\n{output}"
print("memcached: PASS")
