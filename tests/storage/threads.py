#!/usr/bin/python3
"""Four threads writing, reading and renaming on one ext2 volume at once
(the volume's sleeping lock): exact output, then e2fsck -fn clean and
debugfs lists every file in the shared directory.

    threads.py KILN THREADS
"""

import os
import re
import sys

import harness as h

NAME = "storage.threads"
WANT = "".join(f"thread {t}: 0 errors\n" for t in range(4)) + "shared: 160 entries, 0 bad\n"


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs")
    native_dir = os.path.join(work, "native")
    os.makedirs(native_dir)
    r = h.run([program, native_dir], check=False)
    if r.stdout != WANT:
        raise h.Failure(f"natively it printed:\n{r.stdout}")
    ext2, img = os.path.join(work, "threads.ext2"), os.path.join(work, "threads.img")
    h.mke2fs(ext2, 32)
    h.bake(kiln, img, program)
    b = h.boot(kiln, img, [f"{ext2},/vol"], ["/vol"])
    h.expect_clean_exit(b, "kiln")
    if b.program_out != WANT:
        raise h.Failure(f"kiln printed:\n{b.out}\nwanted:\n{WANT}")
    h.fsck_clean(ext2)
    names = re.findall(r"\bt\d-f\d\d\b", h.debugfs(ext2, "ls /shared"))
    if len(set(names)) != 160:
        raise h.Failure(f"debugfs lists {len(set(names))} files in /shared, not 160")


if __name__ == "__main__":
    h.main(NAME, body)
