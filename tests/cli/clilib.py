"""Helpers shared by the kiln CLI test cases (cli_test.py and the
cli_*.py modules it collects cases from)."""
import os
import shlex
import struct
import subprocess
import tempfile

SKIP = 77


class Fail(Exception):
    pass


class Env:
    """Paths plus a private runtime/cache dir, so tests never share state."""

    def __init__(self, bindir, kernel_dir):
        self.bindir = os.path.abspath(bindir)
        self.kiln = os.path.join(self.bindir, "kiln")
        self.kernel_dir = os.path.abspath(kernel_dir)
        self.tmp = tempfile.mkdtemp(prefix="kiln-cli-test-")
        self.env = dict(os.environ)
        self.env.update({
            "XDG_RUNTIME_DIR": os.path.join(self.tmp, "run"),
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            "KILN_KERNEL_DIR": self.kernel_dir,
        })
        self.env.pop("KILN_ACCEL", None)
        self.env.pop("KILN_QEMU", None)
        os.makedirs(self.env["XDG_RUNTIME_DIR"], mode=0o700)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data, mode=0o644):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.chmod(p, mode)
        return p

    def kiln_run(self, *args, env=None, timeout=30, cwd=None):
        e = dict(self.env)
        e.update(env or {})
        p = subprocess.run([self.kiln, *args], capture_output=True, text=True, env=e, timeout=timeout, cwd=cwd)
        return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        raise Fail(what)


def expect_error(result, status, *substrings):
    """A failure is exactly one line 'kiln: ...' on stderr and STATUS."""
    rc, out, err = result
    expect(rc == status, f"exit status {rc}, wanted {status}; stderr: {err!r}")
    lines = err.splitlines()
    expect(len(lines) == 1, f"wanted one line on stderr, got {len(lines)}: {err!r}")
    expect(lines[0].startswith("kiln: "), f"stderr line does not start with 'kiln: ': {err!r}")
    for s in substrings:
        expect(s in lines[0], f"{s!r} not in {lines[0]!r}")


def expect_ok(result, *substrings):
    rc, out, err = result
    expect(rc == 0, f"exit status {rc}; stderr: {err!r}")
    for s in substrings:
        expect(s in out, f"{s!r} not in the output:\n{out}")
    return out


def fake_image():
    """The smallest file kiln run takes for an image: an x86_64 ELF with a
    .kiln_payload section (QEMU is faked or not run, so nothing boots it)."""
    names = b"\0.shstrtab\0.kiln_payload\0"
    shoff = 64 + len(names) + 32
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) + struct.pack(
        "<HHIQQQIHHHHHH", 2, 62, 1, 0x100000, 0, shoff, 0, 64, 56, 0, 64, 3, 1)
    null = bytes(64)
    shstrtab = struct.pack("<IIQQQQIIQQ", 1, 3, 0, 0, 64, len(names), 0, 0, 1, 0)
    payload = struct.pack("<IIQQQQIIQQ", 11, 1, 3, 0, 64 + len(names), 32, 0, 0, 8, 0)
    return ehdr + names + bytes(32) + null + shstrtab + payload


def elf64_header(machine, etype=2, phnum=0):
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, 0x401000, 64 if phnum else 0, 0, 0,
                               64, 56, phnum, 64, 0, 0)


def build_static_hello(t):
    src = t.write("hello.c", '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
    prog = t.path("hello")
    subprocess.run([os.path.join(t.bindir, "x86_64-kiln-linux-gcc"), "-o", prog, src], check=True)
    return prog


def read_cpio_entries(data):
    """Parses a newc archive into dicts (name, mode, uid, gid, mtime, body,
    offset of the body), checking the format as it goes."""
    entries, off = [], 0
    while True:
        expect(data[off:off + 6] == b"070701", f"bad cpio magic at {off}: {data[off:off + 6]!r}")
        fields = [int(data[off + 6 + 8 * i: off + 14 + 8 * i], 16) for i in range(13)]
        mode, uid, gid, mtime, size, namesize = fields[1], fields[2], fields[3], fields[5], fields[6], fields[11]
        name = data[off + 110: off + 110 + namesize - 1].decode()
        off = (off + 110 + namesize + 3) & ~3
        entry = {"name": name, "mode": mode, "uid": uid, "gid": gid, "mtime": mtime, "offset": off,
                 "body": data[off: off + size]}
        off = (off + size + 3) & ~3
        if name == "TRAILER!!!":
            return entries
        entries.append(entry)


def read_cpio(data):
    """[(name, mode, bytes)] of a newc archive."""
    return [(e["name"], e["mode"], e["body"]) for e in read_cpio_entries(data)]


def image_payload(path):
    """The payload archive of a baked image: the PT_LOAD bake added (the last
    one, p_flags R) found through the program headers."""
    data = open(path, "rb").read()
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    (phnum,) = struct.unpack_from("<H", data, 0x38)
    phdrs = [struct.unpack_from("<IIQQQQQQ", data, phoff + 56 * i) for i in range(phnum)]
    loads = [ph for ph in phdrs if ph[0] == 1 and ph[1] == 4]
    expect(loads, "no payload PT_LOAD")
    off, filesz = loads[-1][2], loads[-1][5]
    return data[off: off + filesz]


def dry_run(t, *args, env=None, cwd=None):
    rc, out, err = t.kiln_run("run", *args, env=env, cwd=cwd)
    expect(rc == 0, f"dry run failed ({rc}): {err}")
    lines = out.splitlines()
    expect(len(lines) == 1, f"dry run printed {len(lines)} lines")
    return shlex.split(lines[0])


def option_value(argv, flag, contains=""):
    for i, word in enumerate(argv[:-1]):
        if word == flag and contains in argv[i + 1]:
            return argv[i + 1]
    raise Fail(f"{flag} {contains} not in {argv}")

