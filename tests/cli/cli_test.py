#!/usr/bin/python3
"""Tests of the kiln CLI and the cross toolchain that boot no kernel.

    cli_test.py --bindir BUILD/bin --kernel-dir BUILD/share/kiln/kernel CASE

Each CASE is one function test_CASE, below or in cli_bake_tree.py (bake
--file/--rootfs), cli_run_devices.py (run -b/-I/-W/-n/-p) and cli_stop.py
(stop over the control channel), with shared
helpers in clilib.py; tests/cli/CMakeLists.txt
registers one ctest per case (label cli). Exit 0 = pass, 1 = fail, 77 = skip.
QEMU is replaced by a small fake (fake_qemu) where a case needs a "guest":
it writes the status file the way the kernel would, so the launcher's exit
protocol, run directories, ps, logs and stop are exercised without booting.
"""
import argparse
import os
import struct
import subprocess
import sys
import time

import cli_bake_sysroot
import cli_bake_tree
import cli_logs
import cli_systemd
import cli_pkg
import cli_rc
import cli_stop
import cli_run_devices
from clilib import (SKIP, Env, Fail, build_static_hello, dry_run, elf64_header, expect, expect_error, expect_ok,
                    fake_image, option_value, read_cpio)


# ---------------------------------------------------------------- usage

def test_usage_errors(t):
    expect_error(t.kiln_run(), 2, "missing command")
    expect_error(t.kiln_run("frobnicate"), 2, "unknown command 'frobnicate'")
    expect_error(t.kiln_run("--bogus"), 2, "--bogus")
    expect_error(t.kiln_run("bake", "--nope"), 2, "unknown option --nope")
    expect_error(t.kiln_run("run", "-Z", "qemu", "x.img"), 2, "unknown option -Z")
    expect_error(t.kiln_run("run", "qemu", "-Z", "x.img"), 2, "unknown option -Z")
    expect_error(t.kiln_run("run", "qemu", "-M"), 2, "-M needs a value")
    expect_error(t.kiln_run("run", "qemu", "-M", "lots", "x.img"), 2, "-M", "lots")
    expect_error(t.kiln_run("run", "qemu", "-e", "NOEQUALS", "x.img"), 2, "VAR=VALUE")
    expect_error(t.kiln_run("run", "qemu", "-D", "99999", "x.img"), 2, "port")
    expect_error(t.kiln_run("run", "qemu", "-N", "bad/name", "x.img"), 2, "instance name")
    expect_error(t.kiln_run("run", "qemu", "-g", "'unterminated", "x.img"), 2, "quote")
    expect_error(t.kiln_run("run", "vmware", "x.img"), 2, "unknown platform 'vmware'")
    expect_error(t.kiln_run("run", "qemu"), 2, "missing IMAGE")
    expect_error(t.kiln_run("run"), 2, "missing PLATFORM")
    expect_error(t.kiln_run("run", "tcg", "-i", t.path("missing.img")), 1, "missing.img", "No such file")
    prog = t.write("prog", elf64_header(62) + bytes(64), 0o755)
    expect_error(t.kiln_run("run", "tcg", "-i", prog), 1, "not a kiln image", "kiln bake")
    expect_error(t.kiln_run("run", "tcg", "-i", t.write("text", "text")), 1, "not a kiln image")
    expect_error(t.kiln_run("bake"), 2, "missing CONFIG OUT IN")
    expect_error(t.kiln_run("bake", "hw_virtio", "out.img"), 2, "missing IN")
    expect_error(t.kiln_run("bake", "nosuchconfig", "o", "i"), 2, "nosuchconfig")
    expect_error(t.kiln_run("help", "nosuchcommand"), 2, "nosuchcommand")
    expect_error(t.kiln_run("stop"), 2, "missing NAME")
    expect_error(t.kiln_run("stop", "nobody"), 1, "no kiln guest named nobody")
    expect_error(t.kiln_run("logs", "nobody"), 1, "no kiln guest named nobody")
    expect_error(t.kiln_run("ps", "extra"), 2, "extra")


def test_help(t):
    out = expect_ok(t.kiln_run("--help"), "bake", "run", "ps", "logs", "stop", "KILN_KERNEL_DIR")
    expect("ctl" not in out.split(), "help lists ctl, which does not exist")
    run_help = expect_ok(t.kiln_run("help", "run"))
    for flag in ["-h", "-D, --dry-run", "-M MB", "-e VAR=VAL", "-N NAME", "-i", "-d", "-p", "-D PORT",
                 "-g ARGS", "-v", "qemu", "kvm", "tcg", "KILN_ACCEL", "-b HOSTPATH[,MOUNTPOINT][,ro]",
                 "-I TAG,tap,ifname=NAME", "-I TAG,user", "-W TAG,inet,dhcp", "inet6,auto", "-n NETSPEC",
                 "-p [HOSTADDR:]HOSTPORT:GUESTPORT"]:
        expect(flag in run_help, f"'kiln help run' does not document {flag}")
    expect(expect_ok(t.kiln_run("run", "-h")) == run_help, "'kiln run -h' differs from 'kiln help run'")
    expect(expect_ok(t.kiln_run("run", "qemu", "-h")) == run_help, "'kiln run qemu -h' differs")
    bake_help = expect_ok(t.kiln_run("bake", "--help"), "--print-files", "--config", "list", "describe",
                          "--file HOST[:GUEST]", "--rootfs DIR", "SOURCE_DATE_EPOCH")
    expect(expect_ok(t.kiln_run("help", "bake")) == bake_help, "'kiln help bake' differs")
    for cmd in ["ps", "logs", "stop"]:
        expect_ok(t.kiln_run(cmd, "-h"), f"usage: kiln {cmd}")
    expect_ok(t.kiln_run("--version"), "kiln ")


# ---------------------------------------------------------------- bake

def test_bake_list_describe(t):
    out = expect_ok(t.kiln_run("bake", "list"), "hw_virtio")
    expect(all(len(line.split(None, 1)) == 2 for line in out.splitlines()), f"list lines lack descriptions:\n{out}")
    expect_ok(t.kiln_run("bake", "describe", "hw_virtio"), "platform:", "hw", "hw_virtio.elf", "components:")
    expect_error(t.kiln_run("bake", "describe", "nope"), 2, "nope")


def test_bake_bad_programs(t):
    out = t.path("out.img")
    text = t.write("notes.txt", "just some text\n")
    expect_error(t.kiln_run("bake", "hw_virtio", out, text), 1, "notes.txt", "not an ELF")
    arm = t.write("arm64-prog", elf64_header(183) + bytes(128), 0o755)
    expect_error(t.kiln_run("bake", "hw_virtio", out, arm), 1, "AArch64", "x86_64")
    arm32 = t.write("arm32-prog", b"\x7fELF\x01\x01\x01" + bytes(9) + struct.pack("<HH", 2, 40) + bytes(40))
    expect_error(t.kiln_run("bake", "hw_virtio", out, arm32), 1, "32-bit", "ARM")
    truncated = t.write("truncated", elf64_header(62, phnum=4))  # headers promise 4 phdrs that are not there
    expect_error(t.kiln_run("bake", "hw_virtio", out, truncated), 1, "truncated")
    tiny = t.write("tiny", b"\x7fELF\x02\x01")
    expect_error(t.kiln_run("bake", "hw_virtio", out, tiny), 1, "tiny")
    rel = t.write("object.o", elf64_header(62, etype=1) + bytes(64))
    expect_error(t.kiln_run("bake", "hw_virtio", out, rel), 1, "relocatable")
    expect_error(t.kiln_run("bake", "hw_virtio", out, t.path("absent")), 1, "absent", "No such file")
    expect_error(t.kiln_run("bake", "hw_virtio", out, t.tmp), 1, "directory")
    expect(not os.path.exists(out), "a failed bake left an output file")


def test_bake_dynamic(t):
    """A dynamic program bakes with its interpreter and the libraries DT_NEEDED reaches."""
    prog = "/bin/true"
    with open(prog, "rb") as f:
        if b"ld-linux-x86-64.so.2" not in f.read():
            return SKIP
    if not os.path.exists(os.path.join(t.kernel_dir, "hw_virtio.elf")):
        print("skip: kernel not built")
        return SKIP
    out = expect_ok(t.kiln_run("bake", "--print-files", "hw_virtio", t.path("true.img"), prog),
                    "/lib64/ld-linux-x86-64.so.2", "/libc.so.6", "bin/true")
    expect(out.count("ld-linux-x86-64.so.2") == 1, "the interpreter went in twice:\n" + out)
    # A library nobody has: one clear line naming it.
    src = t.write("needs.c", "int main(void) { return 0; }\n")
    lib_src = t.write("libkilnmissing.c", "int kiln_missing(void) { return 1; }\n")
    lib = t.path("libkilnmissing.so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", lib, lib_src], check=True)
    exe = t.path("needs")
    subprocess.run(["gcc", "-o", exe, src, "-L" + t.path(""), "-Wl,--no-as-needed", "-lkilnmissing"], check=True)
    os.unlink(lib)
    expect_error(t.kiln_run("bake", "hw_virtio", t.path("needs.img"), exe), 1,
                 "needs libkilnmissing.so, which was not found")


def test_bake_format(t):
    """Bakes a static hello into the real kernel and checks the image against docs/internals.md."""
    kernel = os.path.join(t.kernel_dir, "hw_virtio.elf")
    if not os.path.exists(kernel):
        print(f"skip: no kernel at {kernel}")
        return SKIP
    prog = build_static_hello(t)
    image = t.path("hello.img")
    out = expect_ok(t.kiln_run("bake", "--print-files", "hw_virtio", image, prog), "bin/hello")
    expect(os.stat(image).st_mode & 0o777 == 0o755, "image is not mode 0755")
    data = open(image, "rb").read()
    kdata = open(kernel, "rb").read()
    expect(data[:0x40][:16] == kdata[:16], "image lost the kernel's ELF header")

    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    (phnum,) = struct.unpack_from("<H", data, 0x38)
    phdrs = [struct.unpack_from("<IIQQQQQQ", data, phoff + 56 * i) for i in range(phnum)]
    kphdrs = [struct.unpack_from("<IIQQQQQQ", kdata, phoff + 56 * i) for i in range(phnum)]
    spare = [i for i, ph in enumerate(kphdrs) if ph[0] == 0]
    expect(spare, "the kernel has no spare PT_NULL")
    ptype, flags, off, vaddr, paddr, filesz, memsz, align = phdrs[spare[0]]
    expect(ptype == 1 and flags == 4 and align == 4096, f"payload header is not PT_LOAD R 4096: {phdrs[spare[0]]}")
    phys_end = max(ph[4] + ph[6] for ph in kphdrs if ph[0] == 1)
    expect(paddr == vaddr == (phys_end + 4095) & ~4095, f"payload paddr {paddr:#x}, kernel ends at {phys_end:#x}")
    expect(off % 4096 == 0 and off >= len(kdata) and off + filesz == len(data), "payload not appended page-aligned")
    expect(filesz == memsz, "p_filesz != p_memsz")
    payload = data[off:]

    entries = {name: (mode, body) for name, mode, body in read_cpio(payload)}
    expect(entries["bin/hello"][0] == 0o100755, "bin/hello is not mode 0100755")
    expect(entries["bin/hello"][1] == open(prog, "rb").read(), "bin/hello differs from the program")
    expect(payload.find(entries["bin/hello"][1]) % 4096 == 0,
           "the program's data does not start on a page boundary of the payload")
    import json
    manifest = json.loads(entries[".kiln/manifest.json"][1])
    expect(manifest == {"version": 1, "config": "hw_virtio", "programs": [{"path": "/bin/hello", "argv0": "hello"}]},
           f"manifest: {manifest}")
    syms = entries[".kiln/kernel.sym"][1].decode().splitlines()
    expect(syms, "kernel.sym is empty")
    addrs = [int(line.split()[0], 16) for line in syms]
    expect(addrs == sorted(addrs), "kernel.sym is not sorted")
    expect(all(len(line.split(" ", 2)) == 3 for line in syms), "kernel.sym lines are not ADDR SIZE NAME")

    # PayloadInfo in .kiln_payload: {magic, paddr, size, 0}.
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3c)
    shdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i) for i in range(shnum)]
    strtab = shdrs[shstrndx]
    names = {data[strtab[4] + sh[0]:].split(b"\0", 1)[0]: sh for sh in shdrs}
    sec = names[b".kiln_payload"]
    info = struct.unpack_from("<QQQQ", data, sec[4])
    expect(info == (0x44414F4C59415050, paddr, filesz, 0), f"PayloadInfo {info}")

    expect_error(t.kiln_run("bake", "hw_virtio", t.path("again.img"), image), 1, "kiln kernel or image")


# ---------------------------------------------------------------- run

def test_dry_run(t):
    import json
    image = t.write("x.img", fake_image())
    argv = dry_run(t, "-D", "tcg", "-M", "128", "-e", "TZ=UTC", "-e", "A=b c", "-N", "web-1", "-v", "-p",
                   "-g", "-device 'virtio-rng-device' -name \"a b\"", "--", image, "one", "two words", "-x")
    expect(os.path.basename(argv[0]).startswith("qemu-system-x86_64"), f"not QEMU: {argv[0]}")
    expect(option_value(argv, "-M").startswith("microvm"), "not a microvm machine")
    expect(option_value(argv, "-accel") == "tcg" and option_value(argv, "-cpu") == "max", "tcg wants -cpu max")
    expect(option_value(argv, "-m") == "128", "-M 128 did not become -m 128")
    for word in ["-nodefaults", "-no-user-config", "-no-reboot", "-S"]:
        expect(word in argv, f"{word} missing")
    expect(option_value(argv, "-display") == "none", "-display none missing")
    expect(option_value(argv, "-device", "isa-debug-exit") == "isa-debug-exit,iobase=0xf4,iosize=4", "debug-exit")
    expect(option_value(argv, "-device", "isa-debugcon") == "isa-debugcon,iobase=0x402,chardev=kilnstatus", "debugcon")
    status = option_value(argv, "-chardev", "kilnstatus")
    expect(status.endswith("/web-1/status") and t.env["XDG_RUNTIME_DIR"] in status, f"status file: {status}")
    expect(option_value(argv, "-kernel") == image, "-kernel is not the image")
    boot = json.loads(option_value(argv, "-append"))
    expect(boot["args"] == ["one", "two words", "-x"], f"args {boot.get('args')}")
    # -e's variables, then Docker's defaults for what -e left out
    expect(boot["env"] == ["TZ=UTC", "A=b c", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "HOME=/"], f"env {boot.get('env')}")
    expect(boot["hostname"] == "web-1" and boot["verbose"] is True, f"boot config {boot}")
    expect(abs(boot["time"] / 1e9 - time.time()) < 60, f"time {boot['time']}")
    expect(argv[-4:] == ["-device", "virtio-rng-device", "-name", "a b"], f"-g args: {argv[-4:]}")
    expect(not os.listdir(t.env["XDG_RUNTIME_DIR"] + f"/kiln-{os.getuid()}"), "a dry run left a run directory")

    # -i puts the console on stdio; -D PORT adds a gdb server, paused.
    argv = dry_run(t, "--dry-run", "tcg", "-i", "-D", "1234", image, "--", "--literal")
    expect(option_value(argv, "-chardev", "id=con") == "stdio,id=con,signal=on", "-i console")
    expect(option_value(argv, "-serial") == "chardev:con", "serial")
    expect(option_value(argv, "-gdb") == "tcp::1234" and "-S" in argv, "-D PORT")
    expect(json.loads(option_value(argv, "-append"))["args"] == ["--literal"], "IMAGE -- ARGS")
    argv = dry_run(t, "-D", "tcg", "-dip", "-M64", image)  # bundled flags, attached value
    expect(option_value(argv, "-m") == "64" and "-S" in argv, "bundled flags")

    # Without -i the console goes to the run directory.
    argv = dry_run(t, "-D", "tcg", "-N", "bg", image)
    expect(option_value(argv, "-chardev", "id=con").endswith("/bg/console.log"), "background console")
    # KILN_ACCEL overrides the probe of the qemu platform.
    argv = dry_run(t, "-D", "qemu", image, env={"KILN_ACCEL": "tcg"})
    expect(option_value(argv, "-accel") == "tcg", "KILN_ACCEL=tcg")
    argv = dry_run(t, "-D", "qemu", image, env={"KILN_ACCEL": "kvm"})
    expect(option_value(argv, "-accel") == "kvm" and option_value(argv, "-cpu") == "host", "KILN_ACCEL=kvm")


def test_run_memory_fit(t):
    """An image that cannot fit in -M is refused before QEMU starts, with the -M that fits."""
    if not os.path.exists(os.path.join(t.kernel_dir, "hw_virtio.elf")):
        print("skip: kernel not built")
        return SKIP
    prog = build_static_hello(t)
    big = t.write("big.bin", os.urandom(6 << 20))
    image = t.path("big.img")
    expect_ok(t.kiln_run("bake", "--file", big + ":/big.bin", "hw_virtio", image, prog))
    result = t.kiln_run("run", "-D", "tcg", "-M", "4", image)
    expect_error(result, 1, "does not fit in -M 4", "give -M ")
    enough = int(result[2].split("give -M ")[1].split()[0])
    expect(8 <= enough <= 12, f"-M {enough} for 6 MiB of files")
    expect_error(t.kiln_run("run", "-D", "tcg", "-M", str(enough - 1), image), 1, "does not fit")
    expect(dry_run(t, "-D", "tcg", "-M", str(enough), image), f"-M {enough} refused")


def test_kvm_probe_failure(t):
    """A KVM probe that fails: 'kvm' refuses with one line, 'qemu' falls back to TCG."""
    kdir = os.path.join(t.tmp, "kernels")
    os.makedirs(kdir)
    t.write("kernels/hw_virtio.elf", b"probe kernel stand-in")
    image = t.write("x.img", fake_image())
    env = {"KILN_KERNEL_DIR": kdir, "KILN_QEMU": "/bin/false"}
    expect_error(t.kiln_run("run", "-D", "kvm", image, env=env), 1,
                 "KVM cannot run a guest on this machine (", "use 'kiln run qemu'")
    argv = dry_run(t, "-D", "qemu", image, env=env)
    expect(option_value(argv, "-accel") == "tcg", "a failed probe did not fall back to tcg")
    expect(os.listdir(os.path.join(t.env["XDG_CACHE_HOME"], "kiln")), "the probe result was not cached")


FAKE_QEMU = r"""#!/bin/sh
# Stands in for qemu-system-x86_64: prints the boot JSON as the console would,
# then writes the status file like the kernel's exit protocol, or sleeps.
status=
for arg do
  case $arg in
    file,id=kilnstatus,path=*) status=${arg#file,id=kilnstatus,path=} ;;
  esac
done
echo "fake guest console"
case "$FAKE_QEMU_MODE" in
  exit) printf 'exit %s\n' "$FAKE_QEMU_STATUS" > "$status"; exit $(( (FAKE_QEMU_STATUS & 127) * 2 + 1 )) ;;
  nostatus) exit 0 ;;
  sleep) trap 'kill $! 2>/dev/null; exit 0' TERM; sleep 60 & wait ;;
esac
"""


def test_exit_protocol(t):
    """-i exits with the status the guest wrote, 125 without one; no run directory remains."""
    qemu = t.write("fake-qemu", FAKE_QEMU, 0o755)
    image = t.write("x.img", fake_image())
    for status in ["0", "42", "200"]:
        rc, out, err = t.kiln_run("run", "tcg", "-i", image, env={"KILN_QEMU": qemu, "FAKE_QEMU_MODE": "exit",
                                                               "FAKE_QEMU_STATUS": status})
        expect(rc == int(status), f"guest status {status}, kiln exited {rc}: {err}")
        expect("fake guest console" in out, "the console did not reach stdout")
    expect_error(t.kiln_run("run", "tcg", "-i", "-N", "lost", image,
                            env={"KILN_QEMU": qemu, "FAKE_QEMU_MODE": "nostatus"}),
                 125, "lost", "without reporting an exit status")
    expect_error(t.kiln_run("run", "tcg", "-i", image, env={"KILN_QEMU": t.path("no-such-qemu")}), 1,
                 "no-such-qemu")
    expect(not os.listdir(t.env["XDG_RUNTIME_DIR"] + f"/kiln-{os.getuid()}"), "-i left a run directory")


def test_background(t):
    """Without -i: a handle, a run directory, ps, logs, stop."""
    qemu = t.write("fake-qemu", FAKE_QEMU, 0o755)
    image = t.write("x.img", fake_image())
    env = {"KILN_QEMU": qemu, "FAKE_QEMU_MODE": "sleep"}
    out = expect_ok(t.kiln_run("run", "tcg", "-N", "sleeper", image, env=env), "qemu:")
    handle = out.strip()
    pid = int(handle.split(":")[1])
    try:
        rundir = os.path.join(t.env["XDG_RUNTIME_DIR"], f"kiln-{os.getuid()}", "sleeper")
        for f in ["pid", "image", "cmd"]:
            expect(os.path.exists(os.path.join(rundir, f)), f"run directory lacks {f}")
        expect_error(t.kiln_run("run", "tcg", "-N", "sleeper", image, env=env), 1, "already running")
        # A default name (kiln-<launcher pid>) held by a background guest of an
        # earlier launcher with the same pid: the new guest takes another name.
        e = dict(t.env, KILN_QEMU=qemu, FAKE_QEMU_MODE="exit", FAKE_QEMU_STATUS="0")
        sh = subprocess.Popen(["sh", "-c", 'read go; exec "$0" run tcg -i "$1"', t.kiln, image],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=e)
        expect_ok(t.kiln_run("run", "tcg", "-N", f"kiln-{sh.pid}", image, env=env), "qemu:")
        out, err = sh.communicate("go\n", timeout=30)
        expect(sh.returncode == 0, f"a default name held by another guest: status {sh.returncode}: {err}")
        expect_ok(t.kiln_run("stop", f"kiln-{sh.pid}"))
        ps = expect_ok(t.kiln_run("ps"), "NAME", "HANDLE", "STATE", "UPTIME", "IMAGE")
        row = [line for line in ps.splitlines() if line.startswith("sleeper ")]
        expect(row and handle in row[0] and "running" in row[0] and image in row[0], f"ps:\n{ps}")

        done = expect_ok(t.kiln_run("run", "tcg", "-N", "done", image,
                                    env={"KILN_QEMU": qemu, "FAKE_QEMU_MODE": "exit", "FAKE_QEMU_STATUS": "7"}))
        time.sleep(0.2)
        ps = expect_ok(t.kiln_run("ps"))
        expect(any(line.startswith("done ") and "exited 7" in line for line in ps.splitlines()), f"ps:\n{ps}")
        expect_ok(t.kiln_run("stop", "done"))

        # The background console is a file (the fake QEMU's stdout goes to qemu.log).
        expect_ok(t.kiln_run("logs", "sleeper"))
        expect_ok(t.kiln_run("stop", "-t", "2", handle))
        expect(not os.path.exists(rundir), "stop left the run directory")
        ps = expect_ok(t.kiln_run("ps"))
        expect("sleeper" not in ps and "done" not in ps, f"ps after stop:\n{ps}")
        try:
            os.kill(pid, 0)
            alive = open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] not in "ZX"
        except (ProcessLookupError, FileNotFoundError):
            alive = False
        expect(not alive, "stop left QEMU running")
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def test_background_qemu_error(t):
    """A QEMU that rejects its command line is reported, not handed out as a handle."""
    image = t.write("x.img", fake_image())
    expect_error(t.kiln_run("run", "tcg", "-g", "-no-such-qemu-option", image,
                            env={"KILN_QEMU": "/bin/false"}), 1, "QEMU exited with status 1")


# ---------------------------------------------------------------- toolchain

def test_toolchain(t):
    gcc = os.path.join(t.bindir, "x86_64-kiln-linux-gcc")
    for tool in ["gcc", "g++", "cc", "c++", "ar", "ld", "nm", "objcopy", "strip", "ranlib", "readelf"]:
        path = os.path.join(t.bindir, "x86_64-kiln-linux-" + tool)
        expect(os.access(path, os.X_OK), f"{path} is missing or not executable")
    dm = subprocess.run([gcc, "-dumpmachine"], capture_output=True, text=True)
    expect(dm.stdout.strip() == "x86_64-kiln-linux", f"-dumpmachine: {dm.stdout!r}")

    prog = build_static_hello(t)
    info = subprocess.run(["file", prog], capture_output=True, text=True).stdout
    expect("statically linked" in info and "x86-64" in info, f"file says: {info}")
    expect(subprocess.run([prog], capture_output=True, text=True).stdout == "hello\n", "hello does not run")

    # __KILN__ is defined; -c compiles without linking; C++ links statically too.
    src = t.write("kiln.cc", "#ifndef __KILN__\n#error no __KILN__\n#endif\n#include <string>\n"
                             "int main() { std::string s = \"x\"; return s.size() == 1 ? 0 : 1; }\n")
    obj = t.path("kiln.o")
    subprocess.run([os.path.join(t.bindir, "x86_64-kiln-linux-g++"), "-c", "-o", obj, src], check=True)
    expect("relocatable" in subprocess.run(["file", obj], capture_output=True, text=True).stdout, "-c linked")
    cxx = t.path("kilncc")
    subprocess.run([os.path.join(t.bindir, "x86_64-kiln-linux-g++"), "-o", cxx, obj], check=True)
    expect("statically linked" in subprocess.run(["file", cxx], capture_output=True, text=True).stdout,
           "g++ did not link statically")
    ar = subprocess.run([os.path.join(t.bindir, "x86_64-kiln-linux-ar"), "--version"], capture_output=True, text=True)
    expect(ar.returncode == 0 and "GNU ar" in ar.stdout, "ar wrapper")

    toolchain = os.path.join(os.path.dirname(t.bindir), "share", "kiln", "toolchain.cmake")
    text = open(toolchain).read()
    for word in ["CMAKE_SYSTEM_NAME Linux", "KILN_TUPLE x86_64-kiln-linux", "${KILN_TUPLE}-gcc",
                 "CMAKE_CROSSCOMPILING_EMULATOR"]:
        expect(word in text, f"toolchain.cmake lacks {word}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bindir", required=True)
    p.add_argument("--kernel-dir", required=True)
    p.add_argument("case", nargs="?")
    p.add_argument("--list", action="store_true")
    args = p.parse_args()
    cases = {}
    for namespace in [globals(), vars(cli_bake_tree), vars(cli_bake_sysroot), vars(cli_pkg), vars(cli_rc), vars(cli_run_devices), vars(cli_logs), vars(cli_systemd), vars(cli_stop)]:
        cases.update({name[5:]: fn for name, fn in namespace.items() if name.startswith("test_")})
    if args.list or not args.case:
        print("\n".join(cases))
        return 0
    if args.case not in cases:
        print(f"cli_test: unknown case {args.case}", file=sys.stderr)
        return 2
    t = Env(args.bindir, args.kernel_dir)
    if not os.access(t.kiln, os.X_OK):
        print(f"cli_test: {t.kiln} is missing: build the kiln target first", file=sys.stderr)
        return 1
    try:
        result = cases[args.case](t)
    except Fail as e:
        print(f"FAIL {args.case}: {e}")
        return 1
    finally:
        subprocess.run(["rm", "-rf", t.tmp])
    if result == SKIP:
        return SKIP
    print(f"ok {args.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
