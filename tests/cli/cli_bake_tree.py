"""kiln bake --file and --rootfs: the payload archive read back, and every
bad input refused with one line (cases collected by cli_test.py)."""
import json
import os
import shutil

from clilib import (SKIP, build_static_hello, expect, expect_error, expect_ok, image_payload,
                    read_cpio_entries)

S_IFDIR, S_IFREG, S_IFLNK = 0o040000, 0o100000, 0o120000
TYPE_MASK = 0o170000
PAGE = 4096


def make_rootfs(t, prog):
    """A small merged-/usr tree with every kind of entry bake keeps (and a FIFO it leaves out)."""
    root = t.path("root")
    for d in ["etc", "usr/bin", "usr/share/doc", "empty", "var/lib/app"]:
        os.makedirs(os.path.join(root, d))
    os.chmod(os.path.join(root, "var/lib/app"), 0o700)
    t.write("root/etc/hosts", "10.0.0.1 db\n")
    t.write("root/etc/secret", "s3cret\n", 0o600)
    shutil.copy(prog, os.path.join(root, "usr/bin/tool"))  # an ELF file: page-aligned
    os.link(os.path.join(root, "usr/bin/tool"), os.path.join(root, "usr/bin/tool2"))  # a hard link
    os.symlink("usr/bin", os.path.join(root, "bin"))  # merged /usr: the program lands in /usr/bin
    os.symlink("/usr/share/zoneinfo/UTC", os.path.join(root, "etc/localtime"))  # dangling is fine
    os.mkfifo(os.path.join(root, "fifo"))
    os.utime(os.path.join(root, "etc/hosts"), (1600000000, 1600000000))
    os.utime(os.path.join(root, "etc/localtime"), (1500000000, 1500000000), follow_symlinks=False)
    return root


def test_bake_tree(t):
    """--rootfs and --file entries: types, modes, owners, times, targets, order and alignment."""
    if not os.path.exists(os.path.join(t.kernel_dir, "hw_virtio.elf")):
        print("skip: kernel not built")
        return SKIP
    prog = build_static_hello(t)
    root = make_rootfs(t, prog)
    notes = t.write("notes.txt", "notes\n", 0o640)
    image = t.path("tree.img")
    rc, out, err = t.kiln_run("bake", "--print-files", "--rootfs", root, "--file", notes,
                              "--file", notes + ":/srv/www/", "--file", notes + ":/etc/notes.conf",
                              "--file", os.path.join(root, "etc/hosts") + ":/etc/hosts",  # same bytes: one copy
                              "hw_virtio", image, prog)
    expect(rc == 0, f"bake failed ({rc}): {err}")
    expect(err.count("\n") == 1 and "special file" in err and "fifo" in err, f"no warning about the FIFO: {err!r}")

    payload = image_payload(image)
    entries = read_cpio_entries(payload)
    real = [e for e in entries if e["name"] != ".kiln/pad"]
    by_name = {e["name"]: e for e in real}
    expect([e["name"] for e in real[:3]] == [".kiln", ".kiln/manifest.json", ".kiln/kernel.sym"],
           f"the archive does not start with .kiln: {[e['name'] for e in real[:3]]}")
    expect(len(by_name) == len(real), "an entry appears twice")

    def kind(name, mode):
        e = by_name.get(name)
        expect(e is not None, f"{name} is not in the archive: {sorted(by_name)}")
        expect(e["mode"] == mode, f"{name}: mode {e['mode']:o}, wanted {mode:o}")
        expect(e["uid"] == 0 and e["gid"] == 0, f"{name}: owner {e['uid']}:{e['gid']}, wanted root")
        return e

    kind("empty", S_IFDIR | 0o755)
    kind("var/lib/app", S_IFDIR | 0o700)
    expect(kind("etc/secret", S_IFREG | 0o600)["body"] == b"s3cret\n", "etc/secret content")
    expect(kind("etc/hosts", S_IFREG | 0o644)["mtime"] == 1600000000, "etc/hosts lost its mtime")
    expect(kind("bin", S_IFLNK | 0o777)["body"] == b"usr/bin", "bin symlink target")
    localtime = kind("etc/localtime", S_IFLNK | 0o777)
    expect(localtime["body"] == b"/usr/share/zoneinfo/UTC" and localtime["mtime"] == 1500000000, "etc/localtime")
    tool = kind("usr/bin/tool", S_IFREG | 0o755)
    expect(tool["body"] == open(prog, "rb").read() and tool["offset"] % PAGE == 0, "usr/bin/tool not page-aligned")
    expect(kind("usr/bin/tool2", S_IFREG | 0o755)["body"] == tool["body"], "the hard link is not a copy")
    for name in ["notes.txt", "srv/www/notes.txt", "etc/notes.conf"]:
        expect(kind(name, S_IFREG | 0o640)["body"] == b"notes\n", f"{name} content")
    expect("fifo" not in by_name, "the FIFO went in")

    # The program went where /bin leads, page-aligned, and the manifest says so.
    hello = kind("usr/bin/hello", S_IFREG | 0o755)
    expect(hello["offset"] % PAGE == 0, "the program's data is not page-aligned")
    manifest = json.loads(by_name[".kiln/manifest.json"]["body"])
    expect(manifest["programs"] == [{"path": "/usr/bin/hello", "argv0": "hello"}], f"manifest {manifest}")

    # Parents come first, as directories; nothing lies below a symlink.
    seen = {}
    for e in real:
        parent = os.path.dirname(e["name"])
        if parent:
            expect(seen.get(parent) == S_IFDIR, f"{e['name']} comes before its directory {parent}")
        seen[e["name"]] = e["mode"] & TYPE_MASK

    listing = out.splitlines()
    for line in ["120777          7 /bin -> usr/bin", "040700          0 /var/lib/app",
                 "100600          7 /etc/secret", "100640          6 /srv/www/notes.txt"]:
        expect(line in listing, f"--print-files lacks {line!r}:\n{out}")

    # SOURCE_DATE_EPOCH: every time is that one, and the image is reproducible.
    again = [t.path("again1.img"), t.path("again2.img")]
    for path in again:
        expect_ok(t.kiln_run("bake", "--rootfs", root, "--file", notes, "hw_virtio", path, prog,
                             env={"SOURCE_DATE_EPOCH": "1234567"}))
    expect(open(again[0], "rb").read() == open(again[1], "rb").read(), "two bakes differ")
    times = {e["mtime"] for e in read_cpio_entries(image_payload(again[0]))}
    expect(times == {1234567}, f"SOURCE_DATE_EPOCH not applied: {times}")


def test_bake_tree_errors(t):
    """Bad --file/--rootfs input: one line, 2 for a usage mistake, 1 for a missing file."""
    prog = build_static_hello(t)
    root = t.path("root")
    os.makedirs(os.path.join(root, "etc"))
    t.write("root/etc/hosts", "rootfs hosts\n")
    other = t.write("hosts", "another hosts\n")
    out = t.path("out.img")

    def bake(*args):
        return t.kiln_run("bake", *args, "hw_virtio", out, prog)

    expect_error(bake("--file", root), 2, "is a directory", "--rootfs " + root)
    expect_error(bake("--rootfs", other), 2, "not a directory", "--file " + other)
    expect_error(bake("--file", t.path("absent")), 1, "absent", "No such file")
    expect_error(bake("--file", t.path("absent") + ":/x"), 1, "absent", "No such file")
    expect_error(bake("--rootfs", t.path("nodir")), 1, "nodir", "No such file")
    expect_error(bake("--file", other + ":relative"), 2, "absolute")
    expect_error(bake("--file", other + ":/a/../b"), 2, "'..'")
    expect_error(bake("--file", other + ":/.kiln/x"), 2, "reserved")
    expect_error(bake("--file", other + ":/."), 2, "must name a file")
    expect_error(bake("--file", other + ":/" + "n" * 256), 2, "255")
    expect_error(bake("--rootfs", root, "--file", other + ":/etc/hosts"), 2,
                 "/etc/hosts comes from two sources", "--rootfs " + root, "--file " + other)
    expect_error(bake("--file", other + ":/x", "--file", prog + ":/x"), 2, "/x comes from two sources")
    expect_error(bake("--rootfs", root, "--file", other + ":/etc/hosts/x"), 2, "/etc/hosts", "which is a file")
    expect_error(bake("--rootfs", root, "--file", other + ":/etc"), 2,
                 "/etc is a directory (from --rootfs " + root + ") and a file (from --file " + other + ")")
    os.makedirs(os.path.join(root, "bin"))
    t.write("root/bin/hello", "not the program\n", 0o755)
    expect_error(bake("--rootfs", root), 2, "/bin/hello comes from two sources", "the program")
    os.symlink("../../..", os.path.join(root, "up"))
    expect_error(bake("--rootfs", root, "--file", other + ":/up/.kiln/x"), 2, "/up")
    expect_error(t.kiln_run("bake", "hw_virtio", out, prog, "--file"), 2, "options go before CONFIG OUT IN")
    expect_error(t.kiln_run("bake", "--file"), 2, "--file needs a value")
    if os.getuid() != 0:  # root reads anything
        secret = t.write("root/etc/shadow", "x\n", 0o000)
        expect_error(bake("--file", secret + ":/s"), 1, "shadow", "Permission denied")
    expect(not os.path.exists(out), "a failed bake left an output file")
