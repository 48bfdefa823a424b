#!/usr/bin/python3
"""Volumes kiln must not write: each boot ends quickly with a clear console
line and the right status, never a hang, and no volume is left damaged.

  - ext4 (extents): refused with the driver's reason, exit 1;
  - a corrupt superblock (inode count not matching the groups): refused, exit 1;
  - a good ext2 volume mounted before a refused one: still clean afterwards;
  - ext3 (a journal): mounted read-only with a note, writes get EROFS;
  - `,ro`: mounted read-only, writes get EROFS, the image is not changed.

    refused.py KILN SEEDS_APP
"""

import hashlib
import os
import struct
import sys

import harness as h

NAME = "storage.refused"


def mkfs(path, kind, src):
    h.run([h.tool("mke2fs"), "-q", "-F", "-t", kind, "-d", src, path, "16M"])


def corrupt_inode_count(path):
    with open(path, "r+b") as f:
        f.seek(1024)
        (count,) = struct.unpack("<I", f.read(4))
        f.seek(1024)
        f.write(struct.pack("<I", count + 8))


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def expect_refused(kiln, img, disks, line):
    b = h.boot(kiln, img, disks, ["/data/input", "/state"], timeout=120)
    if b.status != 1 or line not in b.out or "volume:" in b.out:
        raise h.Failure(f"wanted exit 1 and '{line}', got exit {b.status}:\n{b.out}")


def expect_read_only(kiln, img, disks, note):
    b = h.boot(kiln, img, disks, ["/data/input", "/state"], timeout=120)
    want = "seeds_app: create /state/.counter.tmp: Read-only file system\n"
    if b.status != 1 or not b.program_out.endswith(want) or (note and note not in b.out):
        raise h.Failure(f"wanted EROFS from the program{' and ' + note if note else ''}, "
                        f"got exit {b.status}:\n{b.out}")


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs", "xorriso")
    src, data = os.path.join(work, "src"), os.path.join(work, "data")
    os.makedirs(src)
    os.makedirs(data)
    with open(os.path.join(data, "input"), "w") as f:
        f.write("some input\n")
    iso, img = os.path.join(work, "data.iso"), os.path.join(work, "app.img")
    h.xorriso(iso, data)
    h.bake(kiln, img, program)
    vol = {k: os.path.join(work, f"{k}.img") for k in ("ext4", "corrupt", "good", "ext3", "ro")}
    mkfs(vol["ext4"], "ext4", src)
    mkfs(vol["corrupt"], "ext2", src)
    corrupt_inode_count(vol["corrupt"])
    mkfs(vol["good"], "ext2", src)
    mkfs(vol["ext3"], "ext3", src)
    mkfs(vol["ro"], "ext2", src)
    data_disk = f"{iso},/data"

    expect_refused(kiln, img, [data_disk, f"{vol['ext4']},/state"],
                   "kiln: cannot mount /dev/vdb on /state: unsupported feature: extents (ext4)")
    h.log(NAME, "ext4: refused, exit 1")
    expect_refused(kiln, img, [data_disk, f"{vol['corrupt']},/state"],
                   "kiln: cannot mount /dev/vdb on /state: corrupt superblock: "
                   "inode count does not match the groups")
    h.log(NAME, "corrupt superblock: refused, exit 1")
    expect_refused(kiln, img, [data_disk, f"{vol['good']},/state", f"{vol['ext4']},/more"],
                   "kiln: cannot mount /dev/vdc on /more: unsupported feature: extents (ext4)")
    h.fsck_clean(vol["good"])
    if not h.state_clean(vol["good"]):
        raise h.Failure("the good volume mounted before the refused one is not marked clean")
    h.log(NAME, "a good volume mounted before a refused one: clean")

    expect_read_only(kiln, img, [data_disk, f"{vol['ext3']},/state"],
                     "kiln: /dev/vdb on /state: ext3 journal present: mounted read-only")
    h.fsck_clean(vol["ext3"])
    h.log(NAME, "ext3: read-only with a note, EROFS")
    before = sha(vol["ro"])
    expect_read_only(kiln, img, [data_disk, f"{vol['ro']},/state,ro"], None)
    if sha(vol["ro"]) != before:
        raise h.Failure("a volume attached with ,ro was changed")
    h.log(NAME, ",ro: EROFS, image unchanged")


if __name__ == "__main__":
    h.main(NAME, body)
