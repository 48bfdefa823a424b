#!/usr/bin/python3
"""exit() while three threads write and fsync on ext2, several times: the
guest ends promptly with 'syncing disks... done' and status 0, and e2fsck
-fn finds the volume clean every time.

    exit_busy.py KILN EXIT_BUSY
"""

import os
import sys

import harness as h

NAME = "storage.exit_busy"
ROUNDS = 5


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck")
    ext2, img = os.path.join(work, "busy.ext2"), os.path.join(work, "busy.img")
    h.mke2fs(ext2, 16)
    h.bake(kiln, img, program)
    for i in range(ROUNDS):
        b = h.boot(kiln, img, [f"{ext2},/vol"], ["/vol"], timeout=60)
        h.expect_clean_exit(b, f"round {i + 1}")
        if b.program_out != "main: exiting with writers busy\n":
            raise h.Failure(f"round {i + 1} printed:\n{b.out}")
        h.fsck_clean(ext2)
        if not h.state_clean(ext2):
            raise h.Failure(f"round {i + 1}: the volume is not marked clean")
    h.log(NAME, f"{ROUNDS} exits with writers busy: all clean")


if __name__ == "__main__":
    h.main(NAME, body)
