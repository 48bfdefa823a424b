#!/usr/bin/python3
"""1000 small files and a 200 MiB file on ext2: written in one boot, checked
on the host (e2fsck -fn clean; debugfs reads the files, big.bin's CRC-32
equals the one the guest printed), then read back and compared in a second
boot, after which the volume must still be clean.

    bulk.py KILN BULK
"""

import re
import sys
import zlib

import harness as h

NAME = "storage.bulk"
SMALL = 1000
BIG = 200 << 20


def small_content(i):
    return "".join(f"file {i:04d} line {k}\n" for k in range(i % 97 + 1)).encode()


def body(work):
    kiln, program = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck", "debugfs")
    ext2, img = f"{work}/bulk.ext2", f"{work}/bulk.img"
    h.mke2fs(ext2, 320)
    h.bake(kiln, img, program)

    b = h.boot(kiln, img, [f"{ext2},/vol"], ["write", "/vol"], mem=256, timeout=900)
    h.expect_clean_exit(b, "write boot")
    m = re.search(r"^wrote big.bin: (\d+) bytes, crc32 ([0-9a-f]{8})$", b.program_out, re.M)
    if f"wrote {SMALL} small files\n" not in b.program_out or not m or int(m.group(1)) != BIG:
        raise h.Failure(f"write boot printed:\n{b.out}")
    crc = m.group(2)
    h.fsck_clean(ext2)
    listing = h.debugfs(ext2, "ls /small")
    names = set(re.findall(r"\bf\d{4}\b", listing))
    if len(names) != SMALL:
        raise h.Failure(f"debugfs lists {len(names)} files in /small, not {SMALL}")
    for i in (0, 1, 96, 500, 998, 999):
        if h.debugfs_cat(ext2, f"/small/f{i:04d}") != small_content(i):
            raise h.Failure(f"/small/f{i:04d} read by debugfs differs")
    big = h.debugfs_cat(ext2, "/big.bin")
    host_crc = f"{zlib.crc32(big):08x}"
    if len(big) != BIG or host_crc != crc:
        raise h.Failure(f"big.bin read by debugfs: {len(big)} bytes, crc32 {host_crc}; "
                        f"the guest wrote {BIG} bytes, crc32 {crc}")
    h.log(NAME, f"write boot: e2fsck clean, debugfs agrees (crc32 {crc})")

    b = h.boot(kiln, img, [f"{ext2},/vol"], ["verify", "/vol"], mem=256, timeout=900)
    h.expect_clean_exit(b, "verify boot")
    want = f"verified {SMALL} small files\nverified big.bin: {BIG} bytes, crc32 {crc}\n"
    if b.program_out != want:
        raise h.Failure(f"verify boot printed:\n{b.out}\nwanted:\n{want}")
    h.fsck_clean(ext2)
    h.log(NAME, "verify boot: every byte as written, e2fsck clean")


if __name__ == "__main__":
    h.main(NAME, body)
