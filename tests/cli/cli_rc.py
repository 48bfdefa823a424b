"""Several programs in one image: kiln bake with several INs (the manifest
lists them in order) and kiln run -r (Rumprun's "rc" in the boot JSON), with
every bad input refused with one line (cases collected by cli_test.py)."""
import json
import os
import shutil

from clilib import SKIP, build_static_hello, dry_run, expect, expect_error, fake_image, image_payload, read_cpio


def boot_json(argv):
    return json.loads(argv[argv.index("-append") + 1])


def test_bake_several(t):
    """Two programs and a shared library set: both in /bin, listed in bake order."""
    if not os.path.exists(os.path.join(t.kernel_dir, "hw_virtio.elf")):
        print("skip: no kernel")
        return SKIP
    hello = build_static_hello(t)
    other = t.path("other")
    shutil.copy(hello, other)
    image = t.path("two.img")
    rc, out, err = t.kiln_run("bake", "hw_virtio", image, other, hello)
    expect(rc == 0, f"bake failed: {err}")
    entries = {name: body for name, mode, body in read_cpio(image_payload(image))}
    manifest = json.loads(entries[".kiln/manifest.json"])
    expect(manifest["programs"] == [{"path": "/bin/other", "argv0": "other"},
                                    {"path": "/bin/hello", "argv0": "hello"}], f"manifest: {manifest}")
    expect("bin/other" in entries and "bin/hello" in entries, "a program is missing from the payload")
    same = t.path("sub")
    os.makedirs(same)
    shutil.copy(hello, os.path.join(same, "hello"))
    expect_error(t.kiln_run("bake", "hw_virtio", image, hello, os.path.join(same, "hello")), 2,
                 "two programs named 'hello'")
    expect_error(t.kiln_run("bake", "hw_virtio", image, *([hello] * 17)), 2, "at most 16 programs")
    expect_error(t.kiln_run("bake", "hw_virtio", image, hello, "-v"), 2, "options go before")


def test_run_rc(t):
    """-r: the "rc" list of the boot JSON, run modes, quoting; and the errors."""
    image = t.write("x.img", fake_image())
    argv = dry_run(t, "-D", "tcg", "-r", "gen 3 |", "-r", "sink -v 'two words'", "-r", "srv -p 80&",
                   "-r", "/bin/x &", image)
    expect(boot_json(argv)["rc"] == [
        {"bin": "gen", "argv": ["gen", "3"], "runmode": "|"},
        {"bin": "sink", "argv": ["sink", "-v", "two words"]},
        {"bin": "srv", "argv": ["srv", "-p", "80"], "runmode": "&"},
        {"bin": "/bin/x", "argv": ["/bin/x"], "runmode": "&"},
    ], f"rc: {boot_json(argv).get('rc')}")
    expect("rc" not in boot_json(dry_run(t, "-D", "tcg", image)), "rc without -r")
    expect_error(t.kiln_run("run", "-D", "tcg", "-r", "gen |", image), 2, "nothing to pipe into")
    expect_error(t.kiln_run("run", "-D", "tcg", "-r", "", image), 2, "-r wants")
    expect_error(t.kiln_run("run", "-D", "tcg", "-r", "&", image), 2, "-r wants")
    expect_error(t.kiln_run("run", "-D", "tcg", "-r", "a & |", image), 2, "one run mode")
    expect_error(t.kiln_run("run", "-D", "tcg", "-r", "a", image, "arg"), 2, "go in its -r")
    expect_error(t.kiln_run("run", "-D", "tcg", *(["-r", "a &"] * 17), image), 2, "at most 16")


def test_bake_program_in_tree(t):
    """A program inside a --rootfs tree is stored once, where the tree has it;
    /bin/NAME links to it and the manifest names the tree's path."""
    if not os.path.exists(os.path.join(t.kernel_dir, "hw_virtio.elf")):
        print("skip: no kernel")
        return SKIP
    hello = build_static_hello(t)
    root = t.path("root")
    os.makedirs(os.path.join(root, "usr/sbin"))
    inside = os.path.join(root, "usr/sbin/server")
    shutil.copy(hello, inside)
    image = t.path("tree.img")
    rc, out, err = t.kiln_run("bake", "--rootfs", root, "hw_virtio", image, inside)
    expect(rc == 0, f"bake failed: {err}")
    entries = {name: (mode, body) for name, mode, body in read_cpio(image_payload(image))}
    expect(entries["usr/sbin/server"][1] == open(hello, "rb").read(), "usr/sbin/server is not the program")
    expect(entries["bin/server"] == (0o120777, b"/usr/sbin/server"), f"bin/server: {entries.get('bin/server')}")
    copies = sum(1 for mode, body in entries.values() if body == open(hello, "rb").read())
    expect(copies == 1, f"the program is stored {copies} times")
    manifest = json.loads(entries[".kiln/manifest.json"][1])
    expect(manifest["programs"] == [{"path": "/usr/sbin/server", "argv0": "server"}], f"manifest: {manifest}")
