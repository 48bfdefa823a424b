#!/usr/bin/python3
"""POSIX file semantics, differential: posix_files runs natively in a host
directory, natively on a Linux-mounted ext2 volume (when this host lets us
loop-mount: root and a loop device), and inside kiln on an ext2 volume made
the same way. Every output must be identical, errno names included; the
volume kiln wrote must pass e2fsck -fn.

    posix.py KILN POSIX_FILES
"""

import os
import subprocess
import sys

import harness as h

NAME = "storage.posix"


def linux_ext2(program, image, mnt):
    """posix_files on the image mounted by Linux; None if we cannot mount."""
    if os.geteuid() != 0:
        return None
    os.makedirs(mnt)
    if subprocess.run(["mount", "-o", "loop", image, mnt], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        return None
    try:
        return h.run([program, os.path.join(mnt, "t")], check=False)
    finally:
        subprocess.run(["umount", mnt])


def compare(what, got, want):
    if got != want:
        import difflib
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            "host directory", what))
        raise h.Failure(f"{what} differs from the host directory:\n{diff}")


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck")
    host_dir = os.path.join(work, "host")
    os.makedirs(host_dir)
    native = h.run([program, host_dir], check=False)
    if native.returncode != 0:
        raise h.Failure(f"natively it exited {native.returncode}:\n{native.stdout}")

    # 256-byte inodes hold nanosecond times, as the host's file systems do.
    src = os.path.join(work, "src")
    os.makedirs(os.path.join(src, "t"))
    linux_img, kiln_img = os.path.join(work, "linux.ext2"), os.path.join(work, "kiln.ext2")
    for img in (linux_img, kiln_img):
        h.mke2fs(img, 32, src=src, options=["-I", "256"])

    on_linux = linux_ext2(program, linux_img, os.path.join(work, "mnt"))
    if on_linux is None:
        h.log(NAME, "cannot loop-mount here: comparing with the host directory only")
    else:
        compare("Linux's ext2", on_linux.stdout, native.stdout)
        h.fsck_clean(linux_img)

    img = os.path.join(work, "posix.img")
    h.bake(kiln, img, program)
    b = h.boot(kiln, img, [f"{kiln_img},/vol"], ["/vol/t"])
    h.expect_clean_exit(b, "kiln")
    compare("kiln's ext2", b.program_out, native.stdout)
    h.fsck_clean(kiln_img)
    h.log(NAME, f"{len(native.stdout.splitlines())} lines identical"
                f"{'' if on_linux is None else ' on Linux ext2,'} on the host and in kiln")


if __name__ == "__main__":
    h.main(NAME, body)
