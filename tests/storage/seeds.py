#!/usr/bin/python3
"""The seeds' command, twice:

    kiln run tcg -i -b data.iso,/data -b state.ext2,/var/lib/app -- app.img /data/input

The program reads the ISO and keeps state on ext2. After each boot the host
checks the volume: e2fsck -fn finds nothing, the superblock is clean, and
debugfs reads back what the program wrote. The second boot sees the first's
state (the counter goes on).

    seeds.py KILN SEEDS_APP
"""

import os
import re
import sys
import time

import harness as h

NAME = "storage.seeds"


def fnv1a(data):
    v = 14695981039346656037
    for b in data:
        v = ((v ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return v


def report(data, run):
    lines = data.count(b"\n")
    return (f"input: /data/input\nbytes: {len(data)}\nlines: {lines}\n"
            f"fnv1a: {fnv1a(data):016x}\nrun: {run}\n")


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs", "xorriso")
    data_dir, state_dir = os.path.join(work, "data"), os.path.join(work, "state")
    os.makedirs(os.path.join(data_dir, "more"))
    os.makedirs(state_dir)
    data = b"".join(b"line %d of the seeds' input: %s\n" % (i, b"x" * (i % 70))
                    for i in range(3000))
    with open(os.path.join(data_dir, "input"), "wb") as f:
        f.write(data)
    with open(os.path.join(data_dir, "more", "notes"), "w") as f:
        f.write("not read\n")
    with open(os.path.join(state_dir, "seeded-by-mke2fs"), "w") as f:
        f.write("from the host\n")
    iso, ext2, img = (os.path.join(work, n) for n in ("data.iso", "state.ext2", "app.img"))
    h.xorriso(iso, data_dir)
    h.mke2fs(ext2, 16, src=state_dir)
    h.bake(kiln, img, program)

    for run in (1, 2):
        started = time.time()
        b = h.boot(kiln, img, [f"{iso},/data", f"{ext2},/var/lib/app"], ["/data/input"])
        h.expect_clean_exit(b, f"boot {run}")
        want = "volume: input more\n" + report(data, run)
        if b.program_out != want:
            raise h.Failure(f"boot {run}: output\n{b.program_out}\nwanted\n{want}")
        h.fsck_clean(ext2)
        if not h.state_clean(ext2):
            raise h.Failure(f"boot {run}: the superblock is not marked clean")
        checks = {
            "/counter": f"{run}\n".encode(),
            "/report.txt": report(data, run).encode(),
            "/runs.log": b"".join(b"run %d: %d bytes\n" % (r, len(data)) for r in range(1, run + 1)),
            f"/copies/input-{run}": data,
            "/seeded-by-mke2fs": b"from the host\n",
        }
        for path, content in checks.items():
            got = h.debugfs_cat(ext2, path)
            if got != content:
                raise h.Failure(f"boot {run}: {path} holds {got[:200]!r}, not {content[:200]!r}")
        # Timestamps come from the kernel's wall clock (the launcher's time).
        m = re.search(r"mtime: 0x([0-9a-f]+)", h.debugfs(ext2, "stat /report.txt"))
        if not m or not started - 5 <= int(m.group(1), 16) <= time.time() + 5:
            raise h.Failure(f"boot {run}: report.txt's mtime is not the time of the boot")
        listing = h.debugfs(ext2, "ls -l /")
        if ".counter.tmp" in listing or ".report.txt.tmp" in listing:
            raise h.Failure(f"boot {run}: a temporary file was left behind:\n{listing}")
        h.log(NAME, f"boot {run}: output, e2fsck and debugfs contents as expected")


if __name__ == "__main__":
    h.main(NAME, body)
