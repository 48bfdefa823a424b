#!/usr/bin/python3
"""Two unikernels on one bridge: Debian's php-cgi (packages/php-cgi) answers
FastCGI at 10.0.120.121:9000, and Debian's nginx-light, baked with
packages/php-cgi/nginx-fastcgi.conf, serves 10.0.120.120:80 in front of it.
curl from the namespace gets the pages PHP renders (a query string, a POSTed
form, a loop), byte-exact against what Python computes; nginx sends a static
file itself; a missing script is php-cgi's 404 and a failing one a 500 whose
message reaches nginx's log. Both guests are then stopped gracefully with
SIGTERM to their launchers: each kernel passes it to its program; nginx
exits 0, php-cgi 255 (as it does on Linux once a script of its has died
of a fatal error: error.php's).

    php_fastcgi.py KILN PACKAGES_DIR OUT_DIR
"""

import datetime
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zoneinfo

from pkglib import build_package, need_programs, program_output
from netns import GUEST4, Netns, skip_unless_root

PHP4 = "10.0.120.121"

kiln, packages_dir, out_dir = sys.argv[1:4]
skip_unless_root()
need_programs("curl", "xorriso")
t_build = time.monotonic()
php_out = build_package(kiln, packages_dir, "php-cgi", out_dir)
nginx_out = build_package(kiln, packages_dir, "nginx-light", out_dir, "image")
site = os.path.join(packages_dir, "php-cgi", "site")
print(f"php_fastcgi: recipes built in {time.monotonic() - t_build:.1f} s")


def php_json(value):
    """json_encode's bytes: compact, \\uXXXX escapes, and '/' escaped too."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


def expected_index():
    primes = [n for n in range(2, 100) if all(n % d for d in range(2, int(n ** 0.5) + 1))][:25]
    fib = [0, 1]
    paris = datetime.datetime.fromtimestamp(1700000000, zoneinfo.ZoneInfo("Europe/Paris"))
    while len(fib) < 20:
        fib.append(fib[-1] + fib[-2])
    return ("kiln runs PHP behind nginx\n"
            f"primes: {' '.join(map(str, primes))}\n"
            f"sum of squares 1..1000: {sum(i * i for i in range(1, 1001))}\n"
            f"fibonacci: {php_json(fib)}\n"
            f"sha1(kiln): {hashlib.sha1(b'kiln').hexdigest()}\n"
            f"1700000000 in Paris: {paris.isoformat()}\n"
            + php_json({"sapi": "cgi-fcgi", "primes": 25, "last": primes[-1], "ok": True}) + "\n")


def curl(ns, path, *extra):
    """(status, headers, body) of one request to nginx."""
    run = ns.run(["curl", "-sS", "--max-time", "30", "-D", "-", *extra, f"http://{GUEST4}{path}"], timeout=60)
    assert run.returncode == 0, f"curl {path} failed: {run.stderr.decode()}"
    head, _, body = run.stdout.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode().lower(), body.decode()


with tempfile.TemporaryDirectory() as work, Netns() as ns:
    # nginx-light's tree with the FastCGI configuration beside its own.
    nginx_stage = os.path.join(nginx_out, "stage")
    nginx_img = os.path.join(work, "nginx-fastcgi.img")
    subprocess.run([kiln, "bake", "--rootfs", nginx_stage,
                    "--file", os.path.join(packages_dir, "php-cgi", "nginx-fastcgi.conf") + ":/etc/nginx/",
                    "hw_virtio", nginx_img, os.path.join(nginx_stage, "usr/sbin/nginx")],
                   check=True, stdout=subprocess.DEVNULL)
    iso = os.path.join(php_out, "www.iso")

    ns.bridge(("tap1",))
    started = time.monotonic()
    php = ns.start_guest_on("tap1", kiln, os.path.join(php_out, "php-cgi.img"),
                            ["-M", "96", "-e", "PHP_FCGI_MAX_REQUESTS=0", "-W", f"net0,inet,static,{PHP4}/24",
                             "-b", iso + ",/srv/www"], ["-b", "0.0.0.0:9000"], ",mac=52:54:00:00:01:21")
    web = ns.start_guest_on("tap0", kiln, nginx_img,
                            ["-M", "64", "-W", f"net0,inet,static,{GUEST4}/24", "-b", iso + ",/srv/www"],
                            ["-c", "/etc/nginx/nginx-fastcgi.conf"], ",mac=52:54:00:00:01:20")
    php.wait_for(f"inet {PHP4}/24", timeout=120)
    web.wait_for(f"inet {GUEST4}/24", timeout=120)
    # 502 until php-cgi listens; 200 once the two talk.
    deadline = time.monotonic() + 120
    while ns.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                  f"http://{GUEST4}/"]).stdout != b"200":
        for name, g in (("php-cgi", php), ("nginx", web)):
            assert g.proc.poll() is None, f"the {name} guest exited:\n{g.output()}"
        assert time.monotonic() < deadline, f"no page in 120 s:\nphp-cgi:\n{php.output()}\nnginx:\n{web.output()}"
        time.sleep(0.5)
    print(f"php_fastcgi: both guests serving {time.monotonic() - started:.1f} s after start")

    # The front page, through / (nginx's index) and by name.
    for path in ("/", "/index.php"):
        status, head, body = curl(ns, path)
        assert status == 200 and body == expected_index(), f"{path}: {status}\n{body}"
        assert "content-type: text/plain; charset=utf-8" in head and "x-powered-by" not in head, head

    # A query string, with characters to escape for HTML and for JSON.
    name = "<b>Zoë & Ada/Bo</b>"
    query = urllib.parse.urlencode({"times": "3", "name": name})
    status, _, body = curl(ns, "/hello.php?" + query)
    html = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    want = "".join(f"{i}: Hello, {html}!\n" for i in (1, 2, 3))
    want += "query: " + php_json({"name": name, "times": "3"}) + "\nmethod: GET\n"
    assert status == 200 and body == want, f"hello.php: {status}\n{body!r}\nwanted\n{want!r}"

    # The form, then its POST (application/x-www-form-urlencoded).
    status, head, body = curl(ns, "/form.php")
    assert status == 200 and '<input name="numbers" value="1,2,3">' in body, body
    status, head, body = curl(ns, "/form.php", "--data-urlencode", "who=Ada L.", "--data-urlencode",
                              "numbers=5, 3,x,10,-2")
    want = php_json({"who": "Ada L.", "count": 4, "sum": 16, "sorted": [-2, 3, 5, 10]}) + "\n"
    assert status == 200 and body == want and "content-type: application/json" in head, f"POST: {status}\n{body}"

    # nginx's own file: sent as it is, the PHP tag in it never run.
    with open(os.path.join(site, "notes.txt")) as f:
        notes = f.read()
    status, head, body = curl(ns, "/notes.txt")
    assert status == 200 and body == notes and "content-type: text/plain" in head, f"notes.txt: {status}\n{body}"
    status, _, body = curl(ns, "/absent.txt")
    assert status == 404 and "<center>nginx" in body, f"absent.txt: {status}\n{body}"

    # A missing script reaches php-cgi, which answers 404; a failing one is a
    # 500 without a page, its error on nginx's console (FastCGI's stderr).
    status, _, body = curl(ns, "/absent.php")
    assert (status, body) == (404, "No input file specified.\n"), f"absent.php: {status}\n{body!r}"
    status, _, body = curl(ns, "/error.php")
    assert (status, body) == (500, ""), f"error.php: {status}\n{body!r}"
    web.wait_for("PHP Fatal error:  Uncaught Error: Call to undefined function kiln_no_such_function()", 30)

    # A run of requests, one after the other, each with its own answer.
    count, t0 = 40, time.monotonic()
    for i in range(count):
        status, _, body = curl(ns, f"/hello.php?name=n{i}")
        assert status == 200 and body.startswith(f"1: Hello, n{i}!\n"), f"request {i}: {status}\n{body}"
    rate = count / (time.monotonic() - t0)
    print(f"php_fastcgi: {count} sequential requests through nginx and php-cgi: {rate:.1f} requests/s")
    assert curl(ns, "/")[2] == expected_index(), "the front page changed after the run"

    # php.ini is read without a complaint (a bad date.timezone, say).
    assert "PHP Warning" not in php.output(), php.output()

    # Stop both: kiln asks each kernel to stop, which sends the program
    # SIGTERM.
    for name, g, want in (("nginx", web, 0), ("php-cgi", php, 255)):
        alive = g.proc.poll() is None
        assert alive, f"the {name} guest exited on its own:\n{g.output()}"
        os.kill(g.proc.pid, signal.SIGTERM)
        status, console = g.finish(30)
        assert status == want and "kiln: stop: SIGTERM to the program" in console, f"{name}: {status}\n{console}"
        print(f"--- {name} console ---\n{program_output(console)}")
print("php_fastcgi: PASS")
