#!/usr/bin/python3
"""Debian's lua5.4, baked by packages/lua5.4, runs a script read from an ISO
(tables, closures, coroutines, string patterns, file I/O); the output must
equal the host's lua5.4 running the same script.

    lua5_4.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pkglib import build_package, make_iso, need_programs, program_output

HERE = os.path.dirname(os.path.abspath(__file__))
kiln, packages_dir, out_dir = sys.argv[1:4]
need_programs("lua5.4", "xorriso")
out = build_package(kiln, packages_dir, "lua5.4", out_dir, "image")
image = os.path.join(out, "lua5.4.img")

with tempfile.TemporaryDirectory() as work:
    scripts = os.path.join(work, "scripts")
    os.makedirs(scripts)
    shutil.copy(os.path.join(HERE, "data", "main.lua"), scripts)
    iso = make_iso(scripts, os.path.join(work, "scripts.iso"), "SCRIPTS")
    native = subprocess.run(["lua5.4", os.path.join(scripts, "main.lua"), os.path.join(work, "out.txt")],
                            capture_output=True, text=True, timeout=60)
    assert native.returncode == 0, native.stderr
    run = subprocess.run([kiln, "run", "tcg", "-i", "-M", "64", "-b", iso + ",/scripts", "--", image,
                          "/scripts/main.lua", "/out.txt"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"guest status {run.returncode}:\n{run.stdout}{run.stderr}"
    got = program_output(run.stdout)
    print(got)
    assert got == native.stdout, f"the guest printed\n{got}\nthe host\n{native.stdout}"
print("lua5_4: PASS")
