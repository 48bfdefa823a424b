#!/usr/bin/python3
"""Differential random file operations: random_ops runs the same seeded
sequence (3000 operations over a small namespace, so they collide) natively
in a host directory and in kiln on a fresh ext2 volume, for several seeds.
The digests and the final tree must be identical, and e2fsck -fn must find
the volume clean. The first seeds also run in kiln's /tmp (tmpfs), which
must agree too. On a mismatch with ext2 the script reruns both with -v and
shows where the operations first differ.

    random_ops.py KILN RANDOM_OPS
"""

import difflib
import os
import sys

import harness as h

NAME = "storage.random_ops"
SEEDS = (1, 2, 3, 4, 5, 6)
OPS = "3000"


def fresh_volume(work, name):
    """A 64 MiB ext2 volume holding an empty /t (the volume's root has lost+found)."""
    src = os.path.join(work, f"{name}-src")
    os.makedirs(os.path.join(src, "t"))
    ext2 = os.path.join(work, f"{name}.ext2")
    h.mke2fs(ext2, 64, src=src, options=["-I", "256"])
    return ext2


def first_difference(kiln, img, program, work, seed):
    native_dir = os.path.join(work, f"verbose-{seed}")
    os.makedirs(native_dir)
    want = h.run([program, native_dir, str(seed), OPS, "-v"], check=False).stdout
    ext2 = fresh_volume(work, f"verbose-{seed}")
    got = h.boot(kiln, img, [f"{ext2},/vol"], ["/vol/t", str(seed), OPS, "-v"]).program_out
    got = got.replace("/vol/t", "")
    want = want.replace(native_dir, "")
    diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True), "native", "kiln", n=2)
    return "".join(list(diff)[:40])


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck")
    img = os.path.join(work, "random_ops.img")
    h.bake(kiln, img, program)
    for seed in SEEDS:
        native_dir = os.path.join(work, f"native-{seed}")
        os.makedirs(native_dir)
        native = h.run([program, native_dir, str(seed), OPS], check=False)
        want = native.stdout.replace(native_dir, "")
        ext2 = fresh_volume(work, f"seed-{seed}")
        b = h.boot(kiln, img, [f"{ext2},/vol"], ["/vol/t", str(seed), OPS])
        h.expect_clean_exit(b, f"seed {seed}")
        if b.program_out.replace("/vol/t", "") != want:
            raise h.Failure(f"seed {seed}: kiln and Linux differ; first operations apart:\n"
                            + first_difference(kiln, img, program, work, seed))
        h.fsck_clean(ext2)
        h.log(NAME, f"seed {seed}: {OPS} operations as on Linux, e2fsck clean")
        if seed in SEEDS[:2]:
            b = h.boot(kiln, img, [], ["/tmp", str(seed), OPS])
            if b.status != 0 or b.program_out.replace("/tmp", "") != want:
                raise h.Failure(f"seed {seed}: kiln's tmpfs differs from Linux:\n{b.out}")
            h.log(NAME, f"seed {seed}: the same on kiln's tmpfs")


if __name__ == "__main__":
    h.main(NAME, body)
