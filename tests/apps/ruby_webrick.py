#!/usr/bin/python3
"""Debian's ruby3.1 (packages/ruby3.1, library on an ISO) runs WEBrick
(Debian's ruby-webrick) from tests/apps/data/ruby_webrick.rb on port 8080
of a guest on a tap in a throw-away namespace; curl from the host gets a
file from an ISO byte-exact, a JSON servlet's exact reply, a POST echoed
with 201, a 404, and `/stop`, which shuts WEBrick down: the script prints
its last line and the guest ends with status 0.

    ruby_webrick.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import shutil
import sys
import tempfile
import time

from pkglib import build_package, make_iso, need_programs, write_tree
from netns import GUEST4, Netns, skip_unless_root

HERE = os.path.dirname(os.path.abspath(__file__))
kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
need_programs("curl", "xorriso")
out = build_package(kiln, packages_dir, "ruby3.1", out_dir, "all")
image = os.path.join(out, "ruby3.1.img")
library = os.path.join(out, "ruby3.1-data.iso")

with tempfile.TemporaryDirectory() as work, Netns() as ns:
    files = {"hello.txt": b"Hello from ruby on kiln\n", "blob.bin": os.urandom(200 * 1024 + 3)}
    www = write_tree(os.path.join(work, "www"), files)
    shutil.copy(os.path.join(HERE, "data", "ruby_webrick.rb"), os.path.join(www, "server.rb"))
    iso = make_iso(www, os.path.join(work, "www.iso"), "WWW")
    guest = ns.start_guest(kiln, image, ["-M", "64", "-W", "net0,inet,static,10.0.120.120/24",
                                         "-b", library + ",/usr/lib/ruby", "-b", iso + ",/www"],
                           ["/www/server.rb", "/www"])
    guest.wait_for("webrick 1.8.1 listening on 8080", timeout=180)
    url = f"http://{GUEST4}:8080/"
    deadline = time.monotonic() + 120
    while ns.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5", url + "hello.txt"]).returncode != 0:
        assert time.monotonic() < deadline, f"WEBrick never answered:\n{guest.output()}"
        assert guest.proc.poll() is None, f"the guest exited:\n{guest.output()}"
        time.sleep(1)

    def curl(path, *extra):
        run = ns.run(["curl", "-sS", "--max-time", "60", *extra, url + path], timeout=120)
        assert run.returncode == 0, f"curl {path}: {run.stderr.decode()}\n{guest.output()}"
        return run.stdout

    for name, data in files.items():
        assert curl(name) == data, f"{name} differs"
    got = curl("json?n=4&b=2&a=x")
    assert got == b'{"path":"/json","query":{"a":"x","b":"2","n":"4"},"squares":[1,4,9,16]}', got
    got = curl("echo", "-d", "abcdef", "-w", " %{http_code}")
    assert got == b"POST 6 bytes: fedcba 201", got
    assert curl("absent", "-o", "/dev/null", "-w", "%{http_code}") == b"404"
    assert curl("stop") == b"stopping\n"
    status, console = guest.finish(timeout=60)
    print(console)
    assert status == 0, f"guest status {status}"
    assert "webrick stopped\n" in console.replace("\r\n", "\n"), console
print("ruby_webrick: PASS")
