#!/usr/bin/python3
"""Two ext2 volumes, one mounted inside the other (-b a.ext2,/data
-b b.ext2,/data/inner): kiln makes the mount point on the outer volume,
the program writes through both, and at exit the inner one goes first so
both end clean (e2fsck -fn, superblock clean); /proc/mounts lists both.

    nested.py KILN BUSYBOX
"""

import os
import sys

import harness as h

NAME = "storage.nested"


def body(work):
    kiln, busybox = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs")
    outer, inner, img = (os.path.join(work, n) for n in ("a.ext2", "b.ext2", "bb.img"))
    h.mke2fs(outer, 8)
    h.mke2fs(inner, 8)
    h.bake(kiln, img, busybox)
    disks = [f"{outer},/data", f"{inner},/data/inner"]
    for argv in (["cp", "/proc/mounts", "/data/inner/mounts"],
                 ["cp", "/data/inner/mounts", "/data/outer-copy"]):
        b = h.boot(kiln, img, disks, argv)
        h.expect_clean_exit(b, " ".join(argv))
    for image in (outer, inner):
        h.fsck_clean(image)
        if not h.state_clean(image):
            raise h.Failure(f"{image} is not marked clean")
    mounts = h.debugfs_cat(outer, "/outer-copy").decode()
    if "/dev/vda /data ext2 rw" not in mounts or "/dev/vdb /data/inner ext2 rw" not in mounts:
        raise h.Failure(f"/proc/mounts as copied:\n{mounts}")
    if h.debugfs_cat(inner, "/mounts").decode() != mounts:
        raise h.Failure("the copy on the outer volume differs from the inner volume's file")
    if "inner" not in h.debugfs(outer, "ls /"):
        raise h.Failure("the mount point was not made on the outer volume")
    h.log(NAME, "both volumes written and clean")


if __name__ == "__main__":
    h.main(NAME, body)
