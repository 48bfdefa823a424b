#!/usr/bin/python3
"""Debian's sqlite3 shell, baked by packages/sqlite3, runs a SQL script read
from an ISO against a database on an ext2 volume; its output must equal the
host's sqlite3 running the same script. A second boot queries what the
first left on the volume, and e2fsck finds the volume clean.

    sqlite3_ext2.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pkglib import build_package, make_iso, need_programs, program_output

HERE = os.path.dirname(os.path.abspath(__file__))
kiln, packages_dir, out_dir = sys.argv[1:4]
need_programs("sqlite3", "mke2fs", "e2fsck", "xorriso")
out = build_package(kiln, packages_dir, "sqlite3", out_dir, "image")
image = os.path.join(out, "sqlite3.img")


def guest(iso, volume, script):
    run = subprocess.run([kiln, "run", "tcg", "-i", "-M", "64", "-b", iso + ",/sql", "-b", volume + ",/db", "--",
                          image, "/db/app.db", f".read /sql/{script}"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"guest status {run.returncode}:\n{run.stdout}{run.stderr}"
    return program_output(run.stdout)


def native(db, script):
    run = subprocess.run(["sqlite3", db, f".read {os.path.join(HERE, 'data', script)}"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


with tempfile.TemporaryDirectory() as work:
    sql = os.path.join(work, "sql")
    os.makedirs(sql)
    for script in ["sqlite_script.sql", "sqlite_query.sql"]:
        shutil.copy(os.path.join(HERE, "data", script), sql)
    iso = make_iso(sql, os.path.join(work, "sql.iso"), "SQL")
    volume = os.path.join(work, "db.ext2")
    subprocess.run(["mke2fs", "-q", "-t", "ext2", volume, "32M"], check=True)
    host_db = os.path.join(work, "host.db")

    for script in ["sqlite_script.sql", "sqlite_query.sql"]:
        want, got = native(host_db, script), guest(iso, volume, script)
        print(got)
        assert got == want, f"{script}: the guest printed\n{got}\nthe host\n{want}"
        assert "ok\n" in got, "no integrity_check result"
        fsck = subprocess.run(["e2fsck", "-fn", volume], capture_output=True, text=True)
        assert fsck.returncode == 0, f"the volume is not clean after {script}:\n{fsck.stdout}{fsck.stderr}"
print("sqlite3_ext2: PASS")
