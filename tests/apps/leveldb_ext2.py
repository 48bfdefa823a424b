#!/usr/bin/python3
"""A small C++ program on Debian's libleveldb1d (packages/leveldb,
leveldb-keys.cpp) writes 100,000 keys to a database on an ext2 volume,
deletes and overwrites some, reopens it, compacts it and reads everything
back; its output must equal the same program's on the host (the host's
libleveldb, scripts/setup-deps.sh), and e2fsck must find the volume clean.

    leveldb_ext2.py KILN PACKAGES_DIR OUT_DIR
"""

import os
import subprocess
import sys
import tempfile

from pkglib import build_package, need_programs, program_output, skip

kiln, packages_dir, out_dir = sys.argv[1:4]
need_programs("mke2fs", "e2fsck", "g++")
if not os.path.exists("/usr/include/leveldb/db.h"):
    skip("host lacks libleveldb-dev (scripts/setup-deps.sh installs it)")
out = build_package(kiln, packages_dir, "leveldb", out_dir, "image")
image = os.path.join(out, "leveldb.img")
program = os.path.join(out, "stage", "usr", "libexec", "kiln", "leveldb-keys")

# What the program must print whatever the machine: 100,000 keys, a seventh
# deleted, a tenth overwritten (those among the deleted come back).
EXPECTED = [
    "put 100000 keys in batches of 1000",
    "deleted 14286, overwrote 10000",
    "compacted: get found 87142, not found 12858, wrong 0, fnv d5de4cf394218041",
    "compacted: scan 87142 entries, 9150221 value bytes, first key00000001, last key00099999, fnv c01dfdba4d5bee0f",
]

with tempfile.TemporaryDirectory() as work:
    host = subprocess.run([program, os.path.join(work, "host-db")], capture_output=True, text=True, timeout=120)
    assert host.returncode == 0, f"host run failed ({host.returncode}):\n{host.stdout}{host.stderr}"
    want = host.stdout
    for line in EXPECTED:
        assert line + "\n" in want, f"the host printed no '{line}':\n{want}"

    volume = os.path.join(work, "db.ext2")
    subprocess.run(["mke2fs", "-q", "-t", "ext2", volume, "64M"], check=True)
    run = subprocess.run([kiln, "run", "tcg", "-i", "-M", "64", "-b", volume + ",/db", "--", image, "/db/keys"],
                         capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, f"guest status {run.returncode}:\n{run.stdout}{run.stderr}"
    got = program_output(run.stdout)
    print(got)
    assert got == want, f"the guest printed\n{got}\nthe host\n{want}"

    listing = subprocess.run(["debugfs", "-R", "ls -l /keys", volume], capture_output=True, text=True, check=True)
    for name in ["CURRENT", "LOCK", "LOG"]:
        assert f" {name}\n" in listing.stdout + "\n", f"/keys lacks {name}:\n{listing.stdout}"
    fsck = subprocess.run(["e2fsck", "-fn", volume], capture_output=True, text=True)
    assert fsck.returncode == 0, f"the volume is not clean:\n{fsck.stdout}{fsck.stderr}"
print("leveldb_ext2: PASS")
