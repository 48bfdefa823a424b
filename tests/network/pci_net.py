#!/usr/bin/python3
"""virtio-net over PCI: the same image on QEMU's q35 and pc machines (what
`kiln run` would do on bare metal or a cloud VM), with the boot JSON given
by hand: busybox nc receives a line over the tap device and exits 0."""

import subprocess
import sys
import tempfile
import time

from netns import GUEST4, Guest, Netns, bake, skip_unless_root

kiln, busybox = sys.argv[1], sys.argv[2]
skip_unless_root()
config = ('{"args":["nc","-l","-p","3333"],"net":[{"if":"eth0","mac":"52:54:00:12:34:56",'
          '"type":"inet","method":"static","addr":"10.0.120.120","mask":"24"}]}')
with tempfile.TemporaryDirectory() as work:
    image = bake(kiln, work, busybox, "nc.img")
    for machine in ("q35", "pc"):
        with Netns() as ns:
            qemu = ["qemu-system-x86_64", "-M", machine, "-accel", "tcg", "-cpu", "max", "-m", "128",
                    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
                    "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                    "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,disable-legacy=on",
                    "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                    "-kernel", image, "-append", config]
            guest = Guest(ns.popen(qemu, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL))
            ns.guests.append(guest)
            guest.wait_for(f"inet {GUEST4}/24", timeout=120)
            # The address is printed before busybox nc listens: retry a refused connection.
            deadline = time.monotonic() + 60
            while True:
                client = ns.run(["nc.openbsd", "-q0", GUEST4, "3333"], input=f"Hello over {machine}\n".encode())
                if client.returncode == 0 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert client.returncode == 0, f"nc failed on {machine}: {client.stderr.decode()}\n{guest.output()}"
            status, out = guest.finish()
            print(out)
            # isa-debug-exit: QEMU exits with (N << 1) | 1, so exit(0) is 1.
            assert status == 1, f"{machine}: QEMU status {status}"
            lines = [l for l in out.splitlines() if not l.startswith("kiln: eth0 ")]
            assert lines == [f"Hello over {machine}", "=== exit(0) ==="], f"{machine}: unexpected console: {lines}"
print("pci_net: PASS")
