#!/usr/bin/python3
"""Exits that must still leave ext2 clean:
  - exit() while three threads write and fsync, several times: the guest
    ends promptly with 'syncing disks... done' and status 0;
  - exit with an unlinked file still mapped and the working directory
    removed (exit_held).
e2fsck -fn finds the volume clean every time.

    exit_busy.py KILN EXIT_BUSY EXIT_HELD
"""

import os
import sys

import harness as h

NAME = "storage.exit_busy"
ROUNDS = 5


def body(work):
    kiln, program, held = sys.argv[1], sys.argv[2], sys.argv[3]
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

    h.bake(kiln, img, held)
    b = h.boot(kiln, img, [f"{ext2},/vol"], ["/vol"], timeout=60)
    h.expect_clean_exit(b, "exit_held")
    if b.program_out != "still mapped: mapped and unlinked\n":
        raise h.Failure(f"exit_held printed:\n{b.out}")
    h.fsck_clean(ext2)
    if not h.state_clean(ext2):
        raise h.Failure("exit_held: the volume is not marked clean")
    h.log(NAME, "exit holding an unlinked mapped file and a removed cwd: clean")


if __name__ == "__main__":
    h.main(NAME, body)
