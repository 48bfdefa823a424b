#!/usr/bin/python3
"""Debian's tor (packages/tor) starts as an offline client on a tap in a
throw-away namespace (a static address, no gateway: nothing it tries to
reach exists) and opens its SOCKS and control ports. From the host, the
control port refuses commands before authentication and a wrong password,
takes the configured one, answers `GETINFO version` with the version of
the Debian package baked, names its SOCKS listener and configuration;
the SOCKS port answers a SOCKS5 greeting; `SIGNAL HALT` ends tor and the
guest with status 0.

    tor_client.py KILN PACKAGES_DIR OUT_DIR
"""

import glob
import os
import socket
import subprocess
import sys

from pkglib import build_package
from netns import GUEST4, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
out = build_package(kiln, packages_dir, "tor", out_dir, "image")
image = os.path.join(out, "tor.img")
deb = glob.glob(os.path.join(out, "debs", "tor_*.deb"))[0]
version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], capture_output=True, text=True,
                         check=True).stdout.strip()
upstream = version.split("-")[0]  # 0.4.9.11-0+deb12u1 -> 0.4.9.11


class Control:
    """tor's control protocol: a command a line, replies ending with "NNN "."""

    def __init__(self):
        try:
            self.sock = socket.create_connection((GUEST4, 9051), timeout=30)
        except OSError as e:
            raise AssertionError(f"control port: {e}\n{guest.output()}")
        self.file = self.sock.makefile("rwb")

    def ask(self, command):
        self.file.write(command.encode() + b"\r\n")
        self.file.flush()
        lines = []
        while True:
            line = self.file.readline().decode()
            assert line.endswith("\r\n"), f"{command}: the reply ended early: {lines + [line]}"
            lines.append(line[:-2])
            if line[3:4] == " ":
                return lines


with Netns() as ns:
    guest = ns.start_guest(kiln, image, ["-M", "64", "-W", "net0,inet,static,10.0.120.120/24"],
                           ["-f", "/etc/tor/torrc"])
    guest.wait_for("Opened Control listener connection (ready) on 0.0.0.0:9051", timeout=120)
    guest.wait_for("Bootstrapped 0% (starting): Starting", timeout=60)
    assert f"Tor {upstream} running on Linux" in guest.output(), guest.output()
    with ns.inside():
        early = Control()
        assert early.ask("GETINFO version") == ["514 Authentication required."]
        wrong = Control()
        reply = wrong.ask('AUTHENTICATE "not the password"')
        assert reply[0].startswith("515 Authentication failed"), reply
        control = Control()
        assert control.ask('AUTHENTICATE "kiln"') == ["250 OK"]
        assert control.ask("GETINFO version") == [f"250-version={upstream}", "250 OK"]
        assert control.ask("GETINFO net/listeners/socks") == ['250-net/listeners/socks="0.0.0.0:9050"', "250 OK"]
        assert control.ask("GETINFO config-file") == ["250-config-file=/etc/tor/torrc", "250 OK"]
        assert control.ask("GETCONF SocksPort ControlPort") == ["250-SocksPort=0.0.0.0:9050",
                                                                 "250 ControlPort=0.0.0.0:9051"]
        assert control.ask("GETINFO no-such-key") == ['552 Unrecognized key "no-such-key"']

        socks = socket.create_connection((GUEST4, 9050), timeout=30)
        socks.sendall(b"\x05\x01\x00")  # SOCKS5, one method: no authentication
        assert socks.recv(2) == b"\x05\x00", "no SOCKS5 answer"
        socks.close()

        assert control.ask("SIGNAL HALT") == ["250 OK"]
    status, console = guest.finish(timeout=60)
    print(console)
    assert status == 0, f"guest status {status}"
    assert "Catching signal TERM, exiting cleanly." in console, console
print("tor_client: PASS")
