"""A throw-away network namespace with a tap device, and a kiln guest on it.

Every network test runs inside its own namespace (ip netns add), so no
packet reaches any network but the tap link between the namespace and the
guest: the host side is 10.0.120.1/24 and fd00:120::1/64 on `tap0`, the
guest is configured by the test (usually 10.0.120.120/24).

    with Netns() as ns:
        guest = ns.start_guest(kiln, image, ["-W", "net0,inet,static,10.0.120.120/24"], ["nc", "-l", "-p", "3333"])
        guest.wait_for("inet 10.0.120.120")
        ns.run(["busybox", "nc", "10.0.120.120", "3333"], input=b"Hello, World\\n")
        status, out = guest.finish()

Needs root (CAP_NET_ADMIN); tests call skip_unless_root() first, which exits
with status 77, ctest's SKIP_RETURN_CODE for these tests.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

HOST4 = "10.0.120.1"
GUEST4 = "10.0.120.120"
HOST6 = "fd00:120::1"
GUEST6 = "fd00:120::120"
# The usual guest configuration: a static address on the tap link.
STATIC4 = ["-W", f"net0,inet,static,{GUEST4}/24"]
CLONE_NEWNET = 0x40000000


def skip_unless_root():
    """Exits 77 (skipped) unless this machine lets us make a namespace with
    a tap device: root, CAP_NET_ADMIN, /dev/net/tun (containers may lack them)."""
    if os.geteuid() != 0:
        print("SKIP: network tests need root for ip netns")
        sys.exit(77)
    probe = "kiln-probe-" + uuid.uuid4().hex[:8]
    try:
        made = subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode == 0
        tap = made and subprocess.run(["ip", "-n", probe, "tuntap", "add", "dev", "tap0", "mode", "tap"],
                                      capture_output=True).returncode == 0
    except FileNotFoundError:
        made = tap = False
    finally:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    if not tap:
        print("SKIP: cannot create a network namespace with a tap device here (ip netns / /dev/net/tun)")
        sys.exit(77)


class Guest:
    """A running `kiln run`; its console is collected by a reader thread."""

    def __init__(self, proc):
        self.proc = proc
        self._out = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            with self._lock:
                self._out += chunk

    def output(self):
        with self._lock:
            return self._out.decode(errors="replace")

    def wait_for(self, text, timeout=60):
        """Waits until the console shows TEXT; raises if the guest ends first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.proc.poll() is not None:
                self._reader.join(5)
                if text in self.output():
                    return
                raise AssertionError(f"guest exited ({self.proc.returncode}) before printing {text!r}:\n{self.output()}")
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} from the guest in {timeout} s:\n{self.output()}")

    def finish(self, timeout=60):
        """Waits for the guest to exit; returns (status, console output)."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"guest still running after {timeout} s:\n{self.output()}")
        self._reader.join(5)
        return self.proc.returncode, self.output()

    def kill(self):
        # The whole process group: killing `kiln run` alone would leave its
        # QEMU running (and the namespace alive) after the test.
        if self.proc.poll() is None:
            if os.getpgid(self.proc.pid) == self.proc.pid:  # started by Netns.popen
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
            self.proc.wait()


class Netns:
    def __init__(self, ipv6=True):
        self.name = "kiln-" + uuid.uuid4().hex[:10]
        self.ipv6 = ipv6
        self.guests = []

    def __enter__(self):
        def ip(*args):
            subprocess.run(["ip", "-n", self.name, *args], check=True)

        subprocess.run(["ip", "netns", "add", self.name], check=True)
        try:
            ip("link", "set", "lo", "up")
            ip("tuntap", "add", "dev", "tap0", "mode", "tap")
            # Each guest's exit drops tap0's carrier; without this, Linux
            # then re-checks its link-local address for a second and
            # meanwhile talks to the next guest from fd00:120::1.
            subprocess.run(self.cmd(["sysctl", "-qw", "net.ipv6.conf.tap0.accept_dad=0"]), check=True)
            ip("addr", "add", HOST4 + "/24", "dev", "tap0")
            if self.ipv6:
                ip("addr", "add", HOST6 + "/64", "dev", "tap0", "nodad")
            ip("link", "set", "tap0", "up")
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for g in self.guests:
            g.kill()
        subprocess.run(["ip", "netns", "del", self.name], check=False)
        return False

    def cmd(self, argv):
        """ARGV run inside the namespace."""
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, argv, timeout=60, **kw):
        """Runs ARGV in the namespace; returns the CompletedProcess (output captured)."""
        kw.setdefault("capture_output", True)
        return subprocess.run(self.cmd(argv), timeout=timeout, **kw)

    @contextlib.contextmanager
    def inside(self):
        """Runs the calling thread in the namespace for the `with` body, so the
        test's own sockets (socket, asyncio, scapy) use tap0; threads it
        starts there stay in the namespace."""
        libc = ctypes.CDLL(None, use_errno=True)
        with open("/proc/thread-self/ns/net") as home, open(f"/run/netns/{self.name}") as ns:
            if libc.setns(ns.fileno(), CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns into the namespace")
            try:
                yield self
            finally:
                if libc.setns(home.fileno(), CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back home")

    def popen(self, argv, **kw):
        """Starts ARGV in the namespace, in a process group of its own (Guest.kill)."""
        return subprocess.Popen(self.cmd(argv), start_new_session=True, **kw)

    def start_guest(self, kiln, image, kiln_args, program_args=(), tap_options=""):
        """`kiln run tcg -i -I net0,tap,ifname=tap0 KILN_ARGS -- IMAGE PROGRAM_ARGS` in the namespace."""
        argv = [kiln, "run", "tcg", "-i", "-I", "net0,tap,ifname=tap0" + tap_options, *kiln_args,
                "--", image, *program_args]
        proc = self.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        g = Guest(proc)
        self.guests.append(g)
        return g

    def bridge(self, taps=("tap1",)):
        """Several guests on one link: tap0 and the new TAPS join a bridge
        `br0`, which takes over the host's addresses. Start each guest with
        start_guest_on(TAP, ...) and a MAC of its own."""
        def ip(*args):
            subprocess.run(["ip", "-n", self.name, *args], check=True)

        ip("link", "add", "br0", "type", "bridge")
        subprocess.run(self.cmd(["sysctl", "-qw", "net.ipv6.conf.br0.accept_dad=0"]), check=True)
        ip("addr", "flush", "dev", "tap0")
        for tap in taps:
            ip("tuntap", "add", "dev", tap, "mode", "tap")
        for tap in ("tap0", *taps):
            ip("link", "set", tap, "master", "br0", "up")
        ip("addr", "add", HOST4 + "/24", "dev", "br0")
        if self.ipv6:
            ip("addr", "add", HOST6 + "/64", "dev", "br0", "nodad")
        ip("link", "set", "br0", "up")

    def start_guest_on(self, tap, kiln, image, kiln_args, program_args=(), tap_options=""):
        """start_guest on the tap device TAP (one of bridge()'s)."""
        argv = [kiln, "run", "tcg", "-i", "-I", f"net0,tap,ifname={tap}" + tap_options, *kiln_args,
                "--", image, *program_args]
        proc = self.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        g = Guest(proc)
        self.guests.append(g)
        return g


def bake(kiln, workdir, program, name="guest.img", extra=(), config="hw_virtio"):
    image = os.path.join(workdir, name)
    subprocess.run([kiln, "bake", *extra, config, image, program], check=True, stdout=subprocess.DEVNULL)
    return image
