"""kiln bake of a dynamic program unpacked into a --rootfs tree (a Debian
staging dir, say): the interpreter and libraries come from the tree, found
as the guest's loader will find them, and the host fills in only what the
tree lacks (cases collected by cli_test.py)."""
import os
import shutil
import subprocess

from clilib import SKIP, expect, expect_error, expect_ok, image_payload, read_cpio_entries

PAGE = 4096
INTERP = "/lib64/ld-linux-x86-64.so.2"


def gcc(*args):
    subprocess.run(["gcc", *args], check=True)


def make_sysroot(t):
    """A tree laid out as dpkg-deb -x leaves libc6: /lib64's interpreter a
    symlink to /lib/x86_64-linux-gnu, a library only the tree has (behind its
    soname symlink), and an application with a RUNPATH relative to $ORIGIN,
    which is /bin in the guest, where bake puts the program."""
    root = t.path("sysroot")
    libdir = os.path.join(root, "lib/x86_64-linux-gnu")
    usrlib = os.path.join(root, "usr/lib/x86_64-linux-gnu")
    for d in [libdir, usrlib, os.path.join(root, "bin"), os.path.join(root, "lib64"), os.path.join(root, "opt/app/bin"),
              os.path.join(root, "opt/app/lib")]:
        os.makedirs(d)
    shutil.copy(os.path.realpath(INTERP), os.path.join(libdir, "ld-linux-x86-64.so.2"))
    os.symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", os.path.join(root, "lib64/ld-linux-x86-64.so.2"))
    src = t.write("kilnroot.c", "int kiln_root(void) { return 7; }\n")
    gcc("-shared", "-fPIC", "-Wl,-soname,libkilnroot.so.1", "-o", os.path.join(usrlib, "libkilnroot.so.1.0"), src)
    os.symlink("libkilnroot.so.1.0", os.path.join(usrlib, "libkilnroot.so.1"))
    src = t.write("kilnorigin.c", "int kiln_origin(void) { return 8; }\n")
    gcc("-shared", "-fPIC", "-o", os.path.join(root, "opt/app/lib/libkilnorigin.so"), src)
    main = t.write("app.c", "int kiln_root(void); int kiln_origin(void);\n"
                            "int main(void) { return kiln_root() + kiln_origin(); }\n")
    app = os.path.join(root, "opt/app/bin/app")
    gcc("-o", app, main, "-Wl,--no-as-needed", "-L" + usrlib, "-l:libkilnroot.so.1.0",
        "-L" + os.path.join(root, "opt/app/lib"), "-lkilnorigin", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib")
    return root, app


def test_bake_dynamic_rootfs(t):
    """Interpreter and libraries from the tree, page-aligned, once each; libc from the host."""
    if not os.path.exists(INTERP) or not shutil.which("gcc"):
        return SKIP
    if not os.path.exists(os.path.join(t.kernel_dir, "hw_virtio.elf")):
        print("skip: kernel not built")
        return SKIP
    root, app = make_sysroot(t)
    image = t.path("app.img")
    # Without the tree the host has no such library: the one-line error.
    expect_error(t.kiln_run("bake", "hw_virtio", image, app), 1, "needs libkilnroot.so.1, which was not found")

    out = expect_ok(t.kiln_run("bake", "--print-files", "--rootfs", root, "hw_virtio", image, app))
    entries = {e["name"]: e for e in read_cpio_entries(image_payload(image)) if e["name"] != ".kiln/pad"}

    def from_tree(name, host):
        e = entries.get(name)
        expect(e is not None, f"/{name} is not in the image:\n{out}")
        expect(e["mode"] & 0o170000 == 0o100000, f"/{name} is not a regular file")
        expect(e["body"] == open(host, "rb").read(), f"/{name} does not hold {host}")
        expect(e["offset"] % PAGE == 0, f"/{name} is not page-aligned")

    from_tree("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", os.path.join(root, "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"))
    expect(entries["lib64/ld-linux-x86-64.so.2"]["body"] == b"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
           "the tree's /lib64 symlink was replaced")
    from_tree("usr/lib/x86_64-linux-gnu/libkilnroot.so.1.0",
              os.path.join(root, "usr/lib/x86_64-linux-gnu/libkilnroot.so.1.0"))
    from_tree("opt/app/lib/libkilnorigin.so", os.path.join(root, "opt/app/lib/libkilnorigin.so"))
    # The program stays where the tree has it, so $ORIGIN means the same as on the host.
    from_tree("opt/app/bin/app", app)
    expect(entries["bin/app"]["body"] == b"/opt/app/bin/app", "/bin/app does not link to the program")
    # The tree has no libc: the host's, where the guest's loader looks.
    libc = [n for n in entries if n.endswith("/libc.so.6")]
    expect(len(libc) == 1 and entries[libc[0]]["offset"] % PAGE == 0, f"libc.so.6 in the image: {libc}")
    files = [l for l in out.splitlines() if l.startswith("100") and "ld-linux-x86-64.so.2" in l]
    expect(len(files) == 1, f"the interpreter went in other than once:\n{out}")
