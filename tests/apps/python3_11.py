#!/usr/bin/python3
"""Debian's python3.11, baked by packages/python3.11 with its standard
library on an ISO mounted back at /usr/lib/python3.11, runs a script from
another ISO (json, hashlib, threading, sqlite3); the output must equal the
host's python3 running the same script.

    python3_11.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pkglib import build_package, make_iso, need_programs, program_output

HERE = os.path.dirname(os.path.abspath(__file__))
kiln, packages_dir, out_dir = sys.argv[1:4]
need_programs("xorriso")
out = build_package(kiln, packages_dir, "python3.11", out_dir, "all")
image = os.path.join(out, "python3.11.img")
stdlib = os.path.join(out, "python3.11-data.iso")

with tempfile.TemporaryDirectory() as work:
    scripts = os.path.join(work, "scripts")
    os.makedirs(scripts)
    shutil.copy(os.path.join(HERE, "data", "main.py"), scripts)
    iso = make_iso(scripts, os.path.join(work, "scripts.iso"), "SCRIPTS")
    native = subprocess.run([sys.executable, os.path.join(scripts, "main.py")], capture_output=True, text=True,
                            timeout=60)
    assert native.returncode == 0, native.stderr
    run = subprocess.run([kiln, "run", "tcg", "-i", "-M", "256", "-b", stdlib + ",/usr/lib/python3.11",
                          "-b", iso + ",/scripts", "--", image, "/scripts/main.py"],
                         capture_output=True, text=True, timeout=300)
    got = program_output(run.stdout)
    print(run.stdout)
    assert run.returncode == 0, f"guest status {run.returncode}:\n{run.stdout}{run.stderr}"
    assert got == native.stdout, f"the guest printed\n{got}\nthe host\n{native.stdout}"
print("python3_11: PASS")
