#!/usr/bin/python3
"""SQLite on ext2 across two boots: the first creates /db/app.sqlite, the
second queries it; both outputs must equal the expected files exactly, and
so must the same program's outputs run natively (which checks the files).
e2fsck -fn finds nothing after either boot, and the host's sqlite3 reads
the database kiln wrote.

    sqlite.py KILN SQLITE_APP EXPECTED_DIR
"""

import os
import shutil
import subprocess
import sys

import harness as h

NAME = "storage.sqlite"


def expect_output(what, got, path):
    with open(path) as f:
        want = f.read()
    if got != want:
        raise h.Failure(f"{what} printed:\n{got}\nwanted ({path}):\n{want}")


def body(work):
    kiln, program, expected = sys.argv[1], sys.argv[2], sys.argv[3]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs")
    create_out, query_out = (os.path.join(expected, f"sqlite_{s}.out") for s in ("create", "query"))

    native_db = os.path.join(work, "native.sqlite")
    for step, out in (("create", create_out), ("query", query_out)):
        r = h.run([program, step, native_db], check=False)
        expect_output(f"native {step}", r.stdout, out)

    ext2, img = os.path.join(work, "db.ext2"), os.path.join(work, "sqlite.img")
    h.mke2fs(ext2, 32)
    h.bake(kiln, img, program)
    for step, out in (("create", create_out), ("query", query_out)):
        b = h.boot(kiln, img, [f"{ext2},/db"], [step, "/db/app.sqlite"])
        h.expect_clean_exit(b, f"{step} boot")
        expect_output(f"kiln {step}", b.program_out, out)
        h.fsck_clean(ext2)
        listing = h.debugfs(ext2, "ls /")
        if "app.sqlite-journal" in listing:
            raise h.Failure(f"{step} boot left the rollback journal behind:\n{listing}")
        h.log(NAME, f"{step} boot: exact output, e2fsck clean")

    if shutil.which("sqlite3"):
        db = os.path.join(work, "copy.sqlite")
        with open(db, "wb") as f:
            f.write(h.debugfs_cat(ext2, "/app.sqlite"))
        r = subprocess.run(["sqlite3", db, "PRAGMA integrity_check; SELECT count(*) FROM note;"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.stdout != "ok\n2\n":
            raise h.Failure(f"the host's sqlite3 on kiln's database:\n{r.stdout}")
        h.log(NAME, "the host's sqlite3 finds the database intact")


if __name__ == "__main__":
    h.main(NAME, body)
