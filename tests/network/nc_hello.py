#!/usr/bin/python3
"""The seeds' network "Hello, World": Debian's busybox-static, baked
unmodified and started as `nc -l -p 3333`, receives a line from Linux
over the tap device, prints it and exits 0; the guest also answers ping.
An optional third argument names the bake configuration (hw_virtio)."""

import sys
import tempfile

from netns import GUEST4, Netns, bake, skip_unless_root

kiln, busybox = sys.argv[1], sys.argv[2]
config = sys.argv[3] if len(sys.argv) > 3 else "hw_virtio"
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, busybox, "nc.img", config=config)
    guest = ns.start_guest(kiln, image, ["-W", "net0,inet,static,10.0.120.120/24"], ["nc", "-l", "-p", "3333"])
    guest.wait_for(f"inet {GUEST4}/24")
    ping = ns.run(["ping", "-c", "3", "-i", "0.2", "-W", "5", GUEST4])
    assert ping.returncode == 0, f"ping failed:\n{ping.stdout.decode()}{ping.stderr.decode()}\n{guest.output()}"
    client = ns.run(["nc.openbsd", "-q0", GUEST4, "3333"], input=b"Hello, World\n", timeout=60)
    assert client.returncode == 0, f"nc failed: {client.stderr.decode()}"
    status, out = guest.finish()
    print(out)
    lines = [l for l in out.splitlines() if not l.startswith("kiln: eth0 ")]
    assert status == 0, f"guest status {status}"
    assert lines == ["Hello, World", "=== exit(0) ==="], f"unexpected console: {lines}"
print("nc_hello: PASS")
