#!/usr/bin/python3
"""Debian's ruby3.1, baked by packages/ruby3.1 with its library on an ISO
mounted back at /usr/lib/ruby, runs tests/apps/data/ruby_main.rb from
another ISO: threads (a queue, a mutex, a condition variable), sockets (a
TCP echo server on the loopback with three clients at once, a UNIX socket
pair), File (write, append, rename, glob, seek, delete in /tmp) and JSON;
the output must equal the host's ruby3.1 running the same script.

Ruby's timer thread asks for a POSIX timer (timer_create); kiln has none
yet, and ruby says so on stderr, which shares the guest's console with
stdout. That one warning line is taken out before comparing, and printed
as a note; no other line may differ.

    ruby3_1.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pkglib import build_package, make_iso, need_programs, program_output

HERE = os.path.dirname(os.path.abspath(__file__))
TIMER_WARNING = "<main>: warning: timer_create failed: Function not implemented, signals racy\n"
kiln, packages_dir, out_dir = sys.argv[1:4]
need_programs("ruby3.1", "xorriso")
out = build_package(kiln, packages_dir, "ruby3.1", out_dir, "all")
image = os.path.join(out, "ruby3.1.img")
library = os.path.join(out, "ruby3.1-data.iso")


def without_timer_warning(text):
    if TIMER_WARNING in text:
        print(f"note: {TIMER_WARNING.strip()}")
    return text.replace(TIMER_WARNING, "", 1)


with tempfile.TemporaryDirectory() as work:
    scripts = os.path.join(work, "scripts")
    os.makedirs(scripts)
    shutil.copy(os.path.join(HERE, "data", "ruby_main.rb"), os.path.join(scripts, "main.rb"))
    iso = make_iso(scripts, os.path.join(work, "scripts.iso"), "SCRIPTS")
    files = os.path.join(work, "files")
    os.makedirs(files)
    native = subprocess.run(["ruby3.1", os.path.join(scripts, "main.rb"), files], capture_output=True, text=True,
                            timeout=60)
    assert native.returncode == 0, native.stderr
    assert "threads: total 2686700, items 200\n" in native.stdout, native.stdout
    run = subprocess.run([kiln, "run", "tcg", "-i", "-M", "64", "-b", library + ",/usr/lib/ruby",
                          "-b", iso + ",/scripts", "--", image, "/scripts/main.rb", "/tmp"],
                         capture_output=True, text=True, timeout=300)
    print(run.stdout)
    assert run.returncode == 0, f"guest status {run.returncode}:\n{run.stdout}{run.stderr}"
    got = without_timer_warning(program_output(run.stdout))
    assert got == native.stdout, f"the guest printed\n{got}\nthe host\n{native.stdout}"
print("ruby3_1: PASS")
