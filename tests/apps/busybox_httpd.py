#!/usr/bin/python3
"""Debian's busybox-static, unmodified, as a web server: `busybox httpd -f
-p 80 -h /www` forks a child per connection. curl from the host fetches
every file byte-exact, one after the other (fresh connections, so fresh
children), twenty with ten at once, forty in a row, gets a 404, and runs a
CGI script, alone and ten at once: httpd forks and execs
/www/cgi-bin/x.sh, whose #! starts busybox sh, whose pipelines fork again;
a 64 KiB POST body goes through a pipe to the script's stdin. The
launcher's SIGTERM stops the guest at the end.

    busybox_httpd.py KILN BUSYBOX
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

from pkglib import need_programs, program_output  # puts tests/network on the path
from netns import GUEST4, STATIC4, Netns, skip_unless_root

kiln, busybox = sys.argv[1:3]
skip_unless_root()
need_programs("curl")

CGI = b"""#!/bin/sh
# Started by httpd through fork and execve; the pipelines fork again.
echo "Content-Type: text/plain"
echo
echo "method=$REQUEST_METHOD query=$QUERY_STRING"
echo "$QUERY_STRING" | tr a-z A-Z
if [ "$REQUEST_METHOD" = POST ]; then
  echo "length=$CONTENT_LENGTH"
  cat | tr -d 0-9 | wc -c
fi
echo done
"""
# The guest's free memory and kernel heap, printed before and after.
MEM_CGI = b"""#!/bin/sh
echo "Content-Type: text/plain"
echo
grep -E '^(MemFree|Slab):' /proc/meminfo
"""

SITE = {
    "index.html": b"<html><body><h1>busybox httpd on kiln</h1></body></html>\n",
    "notes/a.txt": b"".join(b"note %d\n" % i for i in range(3000)),
    "big.bin": os.urandom(700 * 1024 + 5),
}
SITE.update({f"small/{i}.txt": b"file %d\n" % i * (i + 1) * 37 for i in range(10)})


def make_tree(root):
    for name, data in SITE.items():
        path = os.path.join(root, "www", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    os.makedirs(os.path.join(root, "www", "cgi-bin"))
    with open(os.path.join(root, "www", "cgi-bin", "x.sh"), "wb") as f:
        f.write(CGI)
    with open(os.path.join(root, "www", "cgi-bin", "mem.sh"), "wb") as f:
        f.write(MEM_CGI)
    for script in ("x.sh", "mem.sh"):
        os.chmod(os.path.join(root, "www", "cgi-bin", script), 0o755)
    os.makedirs(os.path.join(root, "bin"))
    os.symlink("busybox", os.path.join(root, "bin", "sh"))  # the script's #!/bin/sh


def curl(ns, *args):
    run = ns.run(["curl", "-sS", "--max-time", "60", *args], timeout=120)
    assert run.returncode == 0, f"curl {args} failed: {run.stderr.decode()}"
    return run.stdout


def parallel(ns, work, jobs):
    """Fetches (URL, expected bytes) pairs with curl, ten transfers at a time."""
    args = ["-Z", "--parallel-immediate", "--parallel-max", "10"]
    outs = [os.path.join(work, f"parallel{i}") for i in range(len(jobs))]
    for (u, _), out in zip(jobs, outs):
        args += ["-o", out, u]
    curl(ns, *args)
    for (u, want), out in zip(jobs, outs):
        with open(out, "rb") as f:
            got = f.read()
        assert got == want, f"{u} fetched in parallel: {len(got)} bytes, wanted {len(want)} (or different bytes)"


def url(path):
    return f"http://{GUEST4}/{path}"


with tempfile.TemporaryDirectory() as work, Netns() as ns:
    tree = os.path.join(work, "tree")
    make_tree(tree)
    image = os.path.join(work, "httpd.img")
    subprocess.run([kiln, "bake", "--rootfs", tree, "hw_virtio", image, busybox], check=True,
                   stdout=subprocess.DEVNULL)
    # 32 MiB: every process runs busybox's text from the payload in place,
    # so ten CGI scripts at once (four processes each) fit; at -M 20 some
    # of them fail to fork (ENOMEM, reported by sh and httpd).
    guest = ns.start_guest(kiln, image, ["-M", "32", *STATIC4], ["httpd", "-f", "-p", "80", "-h", "/www"])
    guest.wait_for(f"inet {GUEST4}/24", timeout=120)
    deadline = time.monotonic() + 120
    while ns.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5", url("")]).returncode != 0:
        assert time.monotonic() < deadline, f"httpd never answered:\n{guest.output()}"
        assert guest.proc.poll() is None, f"the guest exited:\n{guest.output()}"
        time.sleep(0.5)

    started = time.monotonic()
    memory = [curl(ns, url("cgi-bin/mem.sh")).decode().split()]
    assert curl(ns, url("")) == SITE["index.html"], "/ is not index.html"
    for name, data in SITE.items():
        got = curl(ns, url(name))
        assert got == data, f"/{name}: {len(got)} bytes, wanted {len(data)} (or different bytes)"
    code = curl(ns, "-o", "/dev/null", "-w", "%{http_code}", url("absent.html"))
    assert code == b"404", f"/absent.html gave {code}"
    head = curl(ns, "-I", url("notes/a.txt")).decode()
    assert f"Content-Length: {len(SITE['notes/a.txt'])}" in head, head

    # Ten at once: ten children of httpd alive together, ten big files
    # (each child sends 700 KB) and ten small ones.
    jobs = [(n, SITE[n]) for n in SITE if n.startswith("small/")] + [("big.bin", SITE["big.bin"])] * 10
    parallel(ns, work, [(url(n), data) for n, data in jobs])

    # Forty connections one after the other: every child must be reaped.
    got = curl(ns, *[url("small/3.txt")] * 40)
    assert got == SITE["small/3.txt"] * 40, "40 sequential fetches differ"

    got = curl(ns, url("cgi-bin/x.sh?hello&kiln"))
    assert got == b"method=GET query=hello&kiln\nHELLO&KILN\ndone\n", got
    # Ten scripts at once: forks, execs and pipes in ten processes together.
    parallel(ns, work, [(url(f"cgi-bin/x.sh?q{i}x"), b"method=GET query=q%dx\nQ%dX\ndone\n" % (i, i))
                        for i in range(10)])
    body = b"0123456789abcdef" * 4096  # 64 KiB: more than a pipe's buffer
    run = ns.run(["curl", "-sS", "--max-time", "60", "--data-binary", "@-", url("cgi-bin/x.sh?post")],
                 input=body, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    want = b"method=POST query=post\nPOST\nlength=%d\n%d\ndone\n" % (len(body), len(body) * 6 // 16)
    assert run.stdout == want, run.stdout
    print(f"busybox_httpd: the requests took {time.monotonic() - started:.1f} s")
    memory.append(curl(ns, url("cgi-bin/mem.sh")).decode().split())
    assert [m[0::3] for m in memory] == [["MemFree:", "Slab:"]] * 2, memory
    print("busybox_httpd: free memory and kernel heap before and after: " +
          " -> ".join(f"{m[1]} kB, {m[4]} kB" for m in memory))

    assert curl(ns, url("index.html")) == SITE["index.html"], "httpd stopped serving"
    guest.proc.send_signal(signal.SIGTERM)  # the kernel passes it on: httpd dies of it
    status, output = guest.finish(60)
    print(program_output(output))
    assert status == 128 + signal.SIGTERM, f"guest status {status}:\n{output}"
print("busybox_httpd: PASS")
