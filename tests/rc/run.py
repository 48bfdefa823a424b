#!/usr/bin/python3
"""kiln run -r: several programs from one image, checked by their exact
console output and the launcher's exit status. rcprog.c plays every role.

  run.py --kiln build/bin/kiln --prog build/tests/rc/progs/rcprog CASE
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

SKIP = 77


class Fail(Exception):
    pass


def bake(kiln, work, *programs):
    image = os.path.join(work, "rc.img")
    subprocess.run([kiln, "bake", "hw_virtio", image, *programs], check=True, capture_output=True)
    return image


def run(kiln, image, *flags, args=()):
    r = subprocess.run([kiln, "run", "tcg", "-i", *flags, "--", image, *args],
                       capture_output=True, text=True, timeout=90)
    return r.returncode, r.stdout


def expect_exact(got, status, want_out, want_status):
    if got != want_out or status != want_status:
        raise Fail(f"wanted status {want_status} and:\n{want_out}--- got status {status} and:\n{got}---")


def case_pipeline(kiln, prog, work):
    """A writer piped into a reader that reads to EOF, then a third program."""
    image = bake(kiln, work, prog)
    status, out = run(kiln, image, "-r", "rcprog emit 3 |", "-r", "rcprog upper", "-r", "rcprog who")
    expect_exact(out, status, "LINE 1 OF 3\nLINE 2 OF 3\nLINE 3 OF 3\nupper: 3 lines, then EOF\n"
                              "who: pid>1 1, parent 1, argv0 rcprog\n=== exit(0) ===\n", 0)


def case_background(kiln, prog, work):
    """`&` leaves a program running: it sees what a later one does, and the
    machine waits for it. The status is the last program's."""
    image = bake(kiln, work, prog)
    status, out = run(kiln, image, "-r", "rcprog await /tmp/flag &", "-r", "rcprog touch /tmp/flag",
                      "-r", "/bin/rcprog status 0")
    want = "touch: creating /tmp/flag\nstatus: exiting with 0\nawait: /tmp/flag appeared\n=== exit(0) ===\n"
    alt = "touch: creating /tmp/flag\nawait: /tmp/flag appeared\nstatus: exiting with 0\n=== exit(0) ===\n"
    if out != alt:  # the background one may wake before or after the third starts
        expect_exact(out, status, want, 0)
    elif status != 0:
        raise Fail(f"status {status}")


def case_statuses(kiln, prog, work):
    """A failing program is named on the console; the launcher exits with the last one's status."""
    image = bake(kiln, work, prog)
    status, out = run(kiln, image, "-r", "rcprog status 3", "-r", "rcprog status 5")
    expect_exact(out, status, "status: exiting with 3\n=== rc: rcprog (pid 2) exit(3) ===\n"
                              "status: exiting with 5\n=== rc: rcprog (pid 3) exit(5) ===\n=== exit(5) ===\n", 5)
    status, out = run(kiln, image, "-r", "rcprog status 3", "-r", "rcprog status 0")
    expect_exact(out, status, "status: exiting with 3\n=== rc: rcprog (pid 2) exit(3) ===\n"
                              "status: exiting with 0\n=== exit(0) ===\n", 0)


def case_crash(kiln, prog, work):
    """A writer whose reader is gone dies of SIGPIPE; a crash is reported
    with its registers and ends the machine with 128 + SIGSEGV."""
    image = bake(kiln, work, prog)
    status, out = run(kiln, image, "-r", "rcprog emit 100000 |", "-r", "rcprog status 0", "-r", "rcprog crash")
    if status != 139:
        raise Fail(f"status {status}, wanted 139:\n{out}")
    for pattern in [r"\Astatus: exiting with 0\n=== rc: rcprog \(pid 2\) killed by SIGPIPE ===\n",
                    r"kiln: program received SIGSEGV: invalid write at address 0x10\n",
                    r"#0 [0-9a-f]+ main\+0x[0-9a-f]+\n",
                    r"=== rc: rcprog \(pid 4\) killed by SIGSEGV ===\n=== exit\(139\) ===\n\Z"]:
        if not re.search(pattern, out):
            raise Fail(f"{pattern!r} not in:\n{out}")


def case_unknown_program(kiln, prog, work):
    """A name the image does not hold is reported; the rest still runs; a
    last program that cannot start gives 127, as a shell's command not found."""
    image = bake(kiln, work, prog)
    status, out = run(kiln, image, "-r", "nosuch x |", "-r", "rcprog upper", "-r", "/bin/missing")
    expect_exact(out, status,
                 'kiln: rc: no program "nosuch" in the image; it holds: rcprog (or give a path in the image)\n'
                 "upper: 0 lines, then EOF\n"
                 "kiln: rc: cannot start /bin/missing: no such file in the image\n=== exit(127) ===\n", 127)


def case_implicit_order(kiln, prog, work):
    """Without -r, every baked program runs in bake order with the same arguments (Rumprun's cmdline)."""
    other = os.path.join(work, "rcother")
    shutil.copy(prog, other)
    image = bake(kiln, work, other, prog)
    status, out = run(kiln, image, args=["who"])
    expect_exact(out, status, "who: pid>1 1, parent 1, argv0 rcother\nwho: pid>1 1, parent 1, argv0 rcprog\n"
                              "=== exit(0) ===\n", 0)


def case_busybox_pipeline(kiln, prog, work):
    """Debian's busybox twice from one image: sh's output piped into wc."""
    busybox = "/bin/busybox"
    if not os.path.exists(busybox):
        print("SKIP: no /bin/busybox (busybox-static)")
        sys.exit(SKIP)
    image = bake(kiln, work, busybox)
    status, out = run(kiln, image, "-r", "busybox sh -c 'for i in 1 2 3 4; do echo word$i; done' |",
                      "-r", "busybox wc -l")
    expect_exact(out, status, "4\n=== exit(0) ===\n", 0)


def case_stop(kiln, prog, work):
    """SIGTERM to kiln run -i stops every program, the last started first,
    each once the one after it has gone; the status is the last one's."""
    image = bake(kiln, work, prog)
    p = subprocess.Popen([kiln, "run", "tcg", "-i", "-N", f"rc-stop-{os.getpid()}", "-r", "rcprog term a &",
                          "-r", "rcprog term b &", "-r", "rcprog term c", "--", image],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Raw reads: communicate() goes on from the descriptor, past no buffer.
    seen = b""
    try:
        while seen.count(b"\n") < 3:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                raise Fail(f"the programs ended before they were ready: {seen!r}")
            seen += chunk
        p.send_signal(signal.SIGTERM)
        out, err = (b.decode() for b in p.communicate(timeout=60))
    finally:
        if p.poll() is None:
            p.kill()
    ready = seen.decode().splitlines(True)
    if sorted(ready) != ["a: ready\n", "b: ready\n", "c: ready\n"]:
        raise Fail(f"ready lines: {ready}")
    want = ("kiln: stop: SIGTERM to each program, the last started first; the host kills after 10000 ms\n"
            + "".join(f"{n}: got SIGTERM\n{n}: exiting\n" for n in "cba") + "=== exit(0) ===\n")
    expect_exact(out, p.returncode, want, 0)
    if not err.startswith("kiln: stopping guest rc-stop-"):
        raise Fail(f"stderr: {err!r}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kiln", required=True)
    p.add_argument("--prog", required=True)
    p.add_argument("case")
    a = p.parse_args()
    fn = globals().get("case_" + a.case)
    if not fn:
        print(f"run.py: unknown case {a.case}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kiln-rc-") as work:
        try:
            fn(os.path.abspath(a.kiln), os.path.abspath(a.prog), work)
        except Fail as e:
            print(f"FAIL {a.case}: {e}")
            return 1
    print(f"ok {a.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
