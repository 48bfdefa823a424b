#!/usr/bin/python3
"""MAP_SHARED on ext2, differential: the boot test's mmap_shared runs
natively in a host directory and inside kiln on an ext2 volume; outputs
must be identical. With "keep" the program leaves its last file (a page a
forked child wrote through the shared mapping it inherited and through one
of its own, and one more child through its own before exiting); debugfs
must find the children's bytes in it, so they reached the disk, and
e2fsck -fn must pass.

    mmap_shared.py KILN MMAP_SHARED
"""

import os
import sys

import harness as h

NAME = "storage.mmap_shared"


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs")
    host_dir = os.path.join(work, "host")
    os.makedirs(host_dir)
    native = h.run([program, host_dir, "keep"], check=False)
    if native.returncode != 0:
        raise h.Failure(f"natively it exited {native.returncode}:\n{native.stdout}")

    src = os.path.join(work, "src")
    os.makedirs(os.path.join(src, "t"))
    image = os.path.join(work, "vol.ext2")
    h.mke2fs(image, 16, src=src)
    img = os.path.join(work, "mmap.img")
    h.bake(kiln, img, program)
    b = h.boot(kiln, img, [f"{image},/vol"], ["/vol/t", "keep"])
    h.expect_clean_exit(b, "kiln")
    if b.program_out != native.stdout:
        import difflib
        diff = "".join(difflib.unified_diff(native.stdout.splitlines(True),
                                            b.program_out.splitlines(True), "host", "kiln"))
        raise h.Failure(f"kiln's output on ext2 differs:\n{diff}")
    h.fsck_clean(image)
    data = h.debugfs_cat(image, "/t/kiln-mmap-shared")
    want = bytearray(4096)
    want[0:5] = b"child"
    want[100:119] = b"child's own mapping"
    want[200:217] = b"stored, then exit"
    want = bytes(want)
    if data != want:
        raise h.Failure(f"the file on disk holds {data[:16]!r}... ({len(data)} bytes), not the child's page")
    h.log(NAME, f"{len(native.stdout.splitlines())} lines identical; the child's page is on disk")


if __name__ == "__main__":
    h.main(NAME, body)
