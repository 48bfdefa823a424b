#!/usr/bin/python3
"""SQLite on ext2 across two boots: the first creates /db/app.sqlite, the
second queries it; both outputs must equal the expected files exactly, and
so must the same program's outputs run natively (which checks the files).
e2fsck -fn finds nothing after either boot, and the host's sqlite3 reads
the database kiln wrote. Then Debian's own /usr/bin/sqlite3 (dynamic,
unmodified) does the same with a rollback journal and with WAL (exclusive
locking: kiln offers no shared writable file mappings for the WAL index),
its output equal to its native output.

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
        debian_sqlite3(kiln, work)


# (database, first boot's SQL, second boot's SQL)
DEBIAN_RUNS = [
    ("rollback.db",
     "create table t(a integer primary key, b text); "
     "insert into t(b) select printf('row %d', value) from generate_series(1, 2000); "
     "create index tb on t(b); delete from t where a % 3 = 0; select count(*) from t;",
     "select count(*), min(b), max(b) from t; pragma integrity_check;"),
    ("wal.db",
     "pragma locking_mode=exclusive; pragma journal_mode=wal; create table t(a, b); "
     "insert into t select value, hex(randomblob(8)) from generate_series(1, 3000); "
     "select count(*), sum(a) from t;",
     "pragma locking_mode=exclusive; select count(*), sum(a) from t; pragma integrity_check;"),
]


def debian_sqlite3(kiln, work):
    binary = "/usr/bin/sqlite3"
    native_dir = os.path.join(work, "debian-native")
    os.makedirs(native_dir)
    ext2, img = os.path.join(work, "debian.ext2"), os.path.join(work, "debian-sqlite3.img")
    h.mke2fs(ext2, 32)
    h.bake(kiln, img, binary)
    for db, *steps in DEBIAN_RUNS:
        for sql in steps:
            want = h.run([binary, os.path.join(native_dir, db), sql]).stdout
            b = h.boot(kiln, img, [f"{ext2},/db"], [f"/db/{db}", sql])
            h.expect_clean_exit(b, f"sqlite3 {db}")
            if b.program_out != want:
                raise h.Failure(f"Debian's sqlite3 on {db} printed in kiln:\n{b.out}\n"
                                f"natively:\n{want}")
            h.fsck_clean(ext2)
        h.log(NAME, f"Debian's sqlite3, {db}: two boots, output as native, e2fsck clean")


if __name__ == "__main__":
    h.main(NAME, body)
