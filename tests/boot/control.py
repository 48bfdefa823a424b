#!/usr/bin/python3
"""The control channel (docs/internals.md, "Control channel") in every bake
configuration: `kiln stop` ends wait_term gracefully (SIGTERM, exit 0, the
console exact), and no node in /dev reaches the channel. On hw_virtio the
socket itself: mode 0600 and ours; garbage, an oversized frame, a foreign
version, an unknown request and bad arguments each get their refusal and
one console line, never a crash; a frame cut short by a closed connection
is forgotten by the next; hello answers throughout. And the same driver on
q35's virtio-serial-pci, QEMU run by hand: hello, then stop.

    control.py KILN WAIT_TERM
"""

import json
import os
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

kiln, prog = sys.argv[1:3]
failures = []
DEV = "dev: console fd full log null pts random shm stderr stdin stdout tty ttyS0 urandom zero"
STOP = "kiln: stop: SIGTERM to the program; the host kills after 10000 ms"
REFUSED = "kiln: control: refused a message from the host (type {}): {}"


def check(what, got, want):
    if got != want:
        failures.append(f"{what}:\n  got  {got!r}\n  want {want!r}")


def run(*args):
    return subprocess.run([kiln, *args], capture_output=True, text=True, timeout=60)


def frame(type_, id_, payload=b"", version=1, length=None):
    n = len(payload) if length is None else length
    return b"KCTL" + bytes([version, 1, type_, 0]) + struct.pack("<II", id_, n) + payload


class Channel:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(10)
        self.s.connect(path)
        self.buf = b""

    def reply(self):
        """(kind, type, status, id, payload as JSON) of the next reply."""
        while len(self.buf) < 16 or len(self.buf) < 16 + struct.unpack_from("<I", self.buf, 12)[0]:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("the channel closed")
            self.buf += chunk
        head, n = self.buf[:16], struct.unpack_from("<I", self.buf, 12)[0]
        payload, self.buf = self.buf[16:16 + n], self.buf[16 + n:]
        if head[:5] != b"KCTL\x01":
            raise ValueError(f"not a frame: {head!r}")
        return head[5], head[6], head[7], struct.unpack_from("<I", head, 8)[0], json.loads(payload)

    def ask(self, data):
        self.s.sendall(data)
        return self.reply()


def protocol(path):
    """The refusals the console must show, in order."""
    st = os.lstat(path)
    check("control.sock", (stat.S_ISSOCK(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid),
          (True, 0o600, os.geteuid()))
    check("run directory mode", stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
    c = Channel(path)
    check("garbage", c.ask(b"GET / HTTP/1.0\r\n\r\n"), (2, 0, 1, 0, {"error": "no frame magic", "protocol": 1}))
    check("oversized header", c.ask(frame(1, 5, length=4097)),
          (2, 1, 1, 5, {"error": "payload over the bound", "protocol": 1}))
    check("version 2", c.ask(frame(1, 6, version=2)), (2, 1, 2, 6, {"error": "unknown protocol version", "protocol": 1}))
    check("unknown type", c.ask(frame(99, 7, b"{}")), (2, 99, 3, 7, {"error": "unknown request type 99"}))
    check("bad stop", c.ask(frame(2, 8, b'{"grace_ms":"soon"}')),
          (2, 2, 4, 8, {"error": "grace_ms must be an integer from 0 to 3600000"}))
    kind, type_, status, id_, hello = c.ask(frame(1, 9))
    check("hello", (kind, type_, status, id_, hello.get("protocol"), sorted(hello.get("requests", []))),
          (2, 1, 0, 9, 1, ["hello", "kill", "stop"]))
    c.s.sendall(frame(1, 10)[:8])  # cut short: the next connection starts afresh
    c.s.close()
    time.sleep(0.2)
    c = Channel(path)
    check("hello after a cut frame", c.ask(frame(1, 11))[:4], (2, 1, 0, 11))
    c.s.sendall(frame(1, 12, b"x" * 5000))
    check("oversized frame", c.reply(), (2, 1, 1, 12, {"error": "payload over the bound", "protocol": 1}))
    check("hello after it", c.ask(frame(1, 13))[:4], (2, 1, 0, 13))
    c.s.close()
    return [REFUSED.format(0, "no frame magic"), REFUSED.format(1, "payload over the bound"),
            REFUSED.format(1, "unknown protocol version"), REFUSED.format(99, "unknown request type"),
            REFUSED.format(2, "bad request"), REFUSED.format(1, "payload over the bound")]


def on_q35(work, image):
    """virtio-console over PCI: the port found by name there too."""
    sock = os.path.join(work, "q35.sock")
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-cpu", "max", "-m", "128", "-nodefaults",
         "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
         "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-device", "virtio-serial-pci,id=kc",
         "-chardev", f"socket,id=ks,path={sock},server=on,wait=off",
         "-device", "virtserialport,bus=kc.0,nr=1,chardev=ks,name=org.kiln.control.0",
         "-kernel", image, "-append", "{}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out = ""
        while "ready\n" not in out:
            line = qemu.stdout.readline()
            if not line:
                raise EOFError(f"q35 guest ended:\n{out}")
            out += line
        c = Channel(sock)
        check("q35: hello", c.ask(frame(1, 1))[:4], (2, 1, 0, 1))
        check("q35: stop", c.ask(frame(2, 2, b'{"grace_ms":2000}')), (2, 2, 0, 2, {"grace_ms": 2000}))
        out += qemu.communicate(timeout=60)[0]
    finally:
        if qemu.poll() is None:
            qemu.kill()
    # isa-debug-exit: QEMU exits with (N << 1) | 1.
    check("q35: console", (qemu.returncode, out.splitlines()),
          (1, [DEV, "ready", STOP.replace("10000", "2000"), "got SIGTERM", "=== exit(0) ==="]))


with tempfile.TemporaryDirectory() as work:
    for config in ("hw_virtio", "hw_virtio_net", "hw_minimal"):
        image = os.path.join(work, f"{config}.img")
        subprocess.run([kiln, "bake", config, image, prog], check=True, stdout=subprocess.DEVNULL)
        name = f"control-{os.getpid()}-{config}"
        started = run("run", "tcg", "-N", name, image)
        if started.returncode != 0:
            failures.append(f"{config}: kiln run: {started.stderr}")
            continue
        try:
            deadline = time.monotonic() + 60
            while "ready\n" not in run("logs", name).stdout and time.monotonic() < deadline:
                time.sleep(0.05)
            path = os.path.join(os.environ.get("XDG_RUNTIME_DIR") or "/tmp", f"kiln-{os.getuid()}", name,
                                "control.sock")
            refused = protocol(path) if config == "hw_virtio" else []
            stop = run("stop", name)
            check(f"{config}: kiln stop", (stop.returncode, stop.stderr), (0, ""))
            check(f"{config}: console", run("logs", name).stdout.splitlines(),
                  [DEV, "ready"] + refused + [STOP, "got SIGTERM", "=== exit(0) ==="])
            row = [l for l in run("ps").stdout.splitlines() if l.startswith(name + " ")]
            check(f"{config}: ps", len(row) == 1 and "exited 0" in row[0], True)
        finally:
            run("stop", "-t", "0", name)
    on_q35(work, os.path.join(work, "hw_virtio.img"))

if failures:
    print("FAIL\n" + "\n".join(failures))
    sys.exit(1)
print("control: PASS")
