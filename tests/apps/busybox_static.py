#!/usr/bin/python3
"""Debian's busybox-static, baked by packages/busybox-static: `sh -c` with
builtins only (exact output and exit status), then on a tap in a network
namespace, programs of one image run by -r: wget fetches a file from a
server on the host and md5sum checks it, and a pipeline sends a line to a
listener on the host with nc.

    busybox_static.py KILN PACKAGES_DIR OUT_DIR
"""

import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time

from pkglib import build_package, program_output
from netns import HOST4, STATIC4, Netns, skip_unless_root

kiln, packages_dir, out_dir = sys.argv[1:4]
out = build_package(kiln, packages_dir, "busybox-static", out_dir, "image")
image = os.path.join(out, "busybox-static.img")

# sh -c: builtins, arithmetic, a loop, a test, and the exit status.
script = "x=$((6 * 7)); echo answer $x; for w in one two; do echo word $w; done; " \
         "test -f /etc/hosts && echo hosts is there; exit 3"
run = subprocess.run([kiln, "run", "tcg", "-i", "--", image, "sh", "-c", script],
                     capture_output=True, text=True, timeout=120)
got = program_output(run.stdout)
assert run.returncode == 3, f"status {run.returncode}:\n{run.stdout}{run.stderr}"
assert got == "answer 42\nword one\nword two\nhosts is there\n", f"sh -c printed:\n{got}"

skip_unless_root()
PORT_HTTP, PORT_NC = 8000, 4444
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    page = os.urandom(200 * 1024)
    with open(os.path.join(work, "page.bin"), "wb") as f:
        f.write(page)
    server = ns.popen(["/usr/bin/python3", "-m", "http.server", "--bind", HOST4, str(PORT_HTTP),
                       "--directory", work], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while ns.run(["curl", "-s", "-o", "/dev/null", f"http://{HOST4}:{PORT_HTTP}/page.bin"]).returncode:
            assert time.monotonic() < deadline, "the host's http.server did not start"
            time.sleep(0.2)
        with ns.inside():
            listener = socket.create_server((HOST4, PORT_NC))
        listener.settimeout(120)
        guest = ns.start_guest(kiln, image, [*STATIC4,
                                             "-r", f"busybox wget -q -O /tmp/page.bin http://{HOST4}:{PORT_HTTP}/page.bin",
                                             "-r", "busybox md5sum /tmp/page.bin",
                                             "-r", "busybox echo sent by a busybox pipeline |",
                                             "-r", f"busybox nc {HOST4} {PORT_NC}"])
        conn, _ = listener.accept()
        conn.settimeout(60)
        received = b""
        while not received.endswith(b"\n"):
            chunk = conn.recv(4096)
            assert chunk, f"nc closed early after {received!r}"
            received += chunk
        conn.close()
        listener.close()
        status, console = guest.finish(timeout=120)
    finally:
        server.kill()
        server.wait()
assert received == b"sent by a busybox pipeline\n", f"nc sent {received!r}"
want_md5 = hashlib.md5(page).hexdigest()
assert f"{want_md5}  /tmp/page.bin\n" in console, f"md5sum of the fetched page is not {want_md5}:\n{console}"
assert status == 0, f"guest status {status}:\n{console}"
print(program_output(console))
print("busybox_static: PASS")
