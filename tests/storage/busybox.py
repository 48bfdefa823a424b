#!/usr/bin/python3
"""Unmodified busybox applets doing everyday file work on ext2: each
command below runs natively on a host directory and in kiln on an ext2
volume, one boot per command (so each is also a mount and a clean
unmount). The outputs and statuses must be identical, and e2fsck -fn must
find the volume clean at the end. D stands for the directory.

    busybox.py KILN BUSYBOX
"""

import os
import sys

import harness as h

NAME = "storage.busybox"
NUMBERS = 'i=0; while [ $i -lt 2000 ]; do echo $i; i=$((i+1)); done > D/src/a/b/c/numbers'
# (argv, whether the output lines come in directory order and are sorted)
COMMANDS = [
    (["mkdir", "-p", "D/src/a/b/c"], False),
    (["sh", "-c", "echo one > D/src/a/f1; printf 'two\\n2\\n' > D/src/a/b/f2"], False),
    (["sh", "-c", NUMBERS], False),
    (["ln", "-s", "a/f1", "D/src/link"], False),
    (["ln", "D/src/a/f1", "D/src/hard"], False),
    (["mkfifo", "D/src/fifo"], False),
    (["chmod", "0600", "D/src/a/b/f2"], False),
    (["chown", "12:34", "D/src/a/f1"], False),
    (["cp", "-a", "D/src", "D/copy"], False),
    (["mv", "D/copy/a/b", "D/copy/moved"], False),
    (["mv", "D/copy/a/f1", "D/copy/a/b"], False),
    (["find", "D/src", "D/copy"], True),
    (["cat", "D/copy/link"], False),
    (["wc", "-l", "D/copy/moved/c/numbers"], False),
    (["md5sum", "D/src/a/b/c/numbers", "D/copy/moved/c/numbers"], False),
    (["stat", "-c", "%n %s %h %F %a %u:%g", "D/src/a/f1", "D/src/hard", "D/src/link",
      "D/src/fifo", "D/copy/a/b", "D/copy/moved/f2"], False),
    (["tar", "cf", "D/t.tar", "-C", "D", "src"], False),
    (["mkdir", "D/un"], False),
    (["tar", "xf", "D/t.tar", "-C", "D/un"], False),
    (["diff", "-r", "D/src", "D/un/src"], False),
    (["sed", "-i", "s/^199[0-9]$/x/", "D/copy/moved/c/numbers"], False),
    (["grep", "-c", "^x$", "D/copy/moved/c/numbers"], False),
    (["truncate", "-s", "1228800", "D/zeros"], False),
    (["wc", "-c", "D/zeros"], False),
    (["truncate", "-s", "5000", "D/zeros"], False),
    (["cmp", "D/zeros", "D/src/a/f1"], False),
    (["rm", "-r", "D/copy", "D/un", "D/t.tar"], False),
    (["rmdir", "D/src"], False),
    (["ls", "-1a", "D", "D/src"], False),
]


def transcript(run_one, d):
    """Every command's output (D for the directory) and status."""
    out = []
    for argv, unordered in COMMANDS:
        text, status = run_one([a.replace("D", d) if a.startswith("D") or "D/" in a else a
                                for a in argv])
        text = text.replace(d, "D")
        if unordered:
            text = "".join(sorted(text.splitlines(True)))
        out.append(f"$ {' '.join(argv)}\n{text}[{status}]\n")
    return "".join(out)


def body(work):
    kiln, busybox = sys.argv[1], sys.argv[2]
    h.need_tools(NAME, "mke2fs", "e2fsck")
    native_dir = os.path.join(work, "native")
    os.makedirs(native_dir)

    def native(argv):
        r = h.run([busybox, *argv], check=False)
        return r.stdout, r.returncode

    ext2, img = os.path.join(work, "bb.ext2"), os.path.join(work, "busybox.img")
    src = os.path.join(work, "src")
    os.makedirs(os.path.join(src, "t"))
    h.mke2fs(ext2, 32, src=src)
    h.bake(kiln, img, busybox)

    def guest(argv):
        b = h.boot(kiln, img, [f"{ext2},/vol"], argv, timeout=120)
        if "syncing disks... done\n" not in b.out:
            raise h.Failure(f"busybox {' '.join(argv)}: no clean exit:\n{b.out}")
        # The kernel's own notes on calls it lacks are not the program's output.
        text = "".join(l for l in b.program_out.splitlines(True)
                       if not l.startswith("kiln: unimplemented syscall"))
        return text, b.status

    want = transcript(native, native_dir)
    got = transcript(guest, "/vol/t")
    if got != want:
        raise h.Failure(f"kiln:\n{got}\nnatively:\n{want}")
    h.fsck_clean(ext2)
    h.log(NAME, f"{len(COMMANDS)} commands as native, e2fsck clean")


if __name__ == "__main__":
    h.main(NAME, body)
