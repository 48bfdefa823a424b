#!/usr/bin/python3
"""Run one boot-test program and check what it printed and how it ended.

Modes:
  --mode kiln    bake PROG with `kiln bake`, boot it with `kiln run PLATFORM -i`
                 under a timeout, split off the kernel's final `=== exit(N) ===`
                 line (it must be there, and N must equal the launcher's exit
                 status), then check output and status;
  --mode native  run PROG directly on the host (stdout and stderr merged, as on
                 the guest console; -M becomes RLIMIT_AS, -e the whole
                 environment) and apply the same checks, minus the --kiln-* ones;
  --mode diff    run both; the output and the status must be identical.

Checks (all that are given must hold):
  --expect-out FILE       output equals FILE exactly
  --expect-status N       exit status is N          (default: 0)
  --expect-nonzero        exit status is not 0
  --expect-substr S       output contains S           (repeatable)
  --forbid-substr S       output does not contain S   (repeatable)
  --expect-regex RE       re.search(RE, output, re.M) (repeatable)
  --kiln-substr S / --kiln-regex RE   the same, in kiln mode only (the
                          kernel's fault reports have no native counterpart)
  --kiln-once S           in kiln mode, the output contains S exactly once
  --ignore-line RE        drop lines matching RE before --expect-out and the
                          diff comparison (the other checks see every line)

Exit status: 0 pass, 1 fail, 2 usage or set-up error.
"""

import argparse
import difflib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EXIT_LINE = re.compile(r"=== exit\((-?\d+)\) ===[ \t\r]*\n?\Z")


class Failure(Exception):
    pass


def log(msg):
    print(f"run-guest: {msg}", flush=True)


def show(title, text):
    print(f"----- {title} -----")
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    print(f"----- end of {title} -----", flush=True)


def run_with_timeout(cmd, timeout, env=None, preexec=None, merge_stderr=False):
    """Runs cmd in its own process group; on timeout kills that group only.

    Returns (status, stdout, stderr, seconds).  stdout/stderr are text
    (undecodable bytes escaped); status follows the shell convention,
    128 + signal for a program killed by a signal."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                            env=env, start_new_session=True, preexec_fn=preexec)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # SIGTERM first: the launcher forwards it to QEMU and cleans up.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        raise Failure(f"TIMEOUT: no exit after {timeout} s: {' '.join(cmd)}\n"
                      + "----- output so far -----\n" + decode(out)
                      + ("\n----- stderr so far -----\n" + decode(err) if err else ""))
    status = proc.returncode
    if status < 0:
        status = 128 - status
    return status, decode(out), decode(err or b""), time.monotonic() - start


def decode(data):
    return data.decode("utf-8", errors="backslashreplace") if data else ""


def run_native(args):
    env = dict(e.split("=", 1) for e in args.env)

    def limits():
        if args.mem:
            limit = args.mem << 20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    status, out, _, secs = run_with_timeout([args.prog] + args.args, args.timeout,
                                            env=env, preexec=limits, merge_stderr=True)
    log(f"native: status {status} after {secs:.2f} s")
    return status, out


def run_kiln(args):
    kiln = args.kiln
    if not kiln or not (os.path.isfile(kiln) and os.access(kiln, os.X_OK)):
        raise SetupError(f"the kiln CLI is missing or not executable: {kiln!r} "
                         "(build it first: cmake --build <build dir>)")
    tmp = tempfile.mkdtemp(prefix="kiln-boot-")
    try:
        image = os.path.join(tmp, os.path.basename(args.prog) + ".img")
        bake = [kiln, "bake", args.config, image, args.prog]
        status, out, err, secs = run_with_timeout(bake, 60)
        if status != 0 or not os.path.isfile(image):
            raise Failure(f"bake failed with status {status}: {' '.join(bake)}\n{out}{err}")
        log(f"baked {image} ({os.path.getsize(image)} bytes) in {secs:.2f} s")

        cmd = [kiln, "run", args.platform, "-i"]
        if args.mem:
            cmd += ["-M", str(args.mem)]
        for e in args.env:
            cmd += ["-e", e]
        cmd += ["--", image] + args.args
        log("running: " + " ".join(cmd))
        status, out, err, secs = run_with_timeout(cmd, args.timeout)
        log(f"kiln: launcher status {status} after {secs:.2f} s")
        if err:
            show("launcher stderr", err)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    m = EXIT_LINE.search(out)
    if not m:
        show("console", out)
        raise Failure("the console does not end with '=== exit(N) ==='")
    kernel_status = int(m.group(1))
    out = out[:m.start()]
    if kernel_status != status:
        show("console", out)
        raise Failure(f"the kernel reported exit({kernel_status}) "
                      f"but the launcher exited with {status}")
    return status, out


class SetupError(Exception):
    pass


def filter_lines(text, patterns):
    if not patterns:
        return text
    regexes = [re.compile(p) for p in patterns]
    lines = text.splitlines(keepends=True)
    return "".join(l for l in lines if not any(r.search(l) for r in regexes))


def check(args, mode, status, raw):
    """Applies the checks to the console text `raw` (exit line removed)."""
    out = filter_lines(raw, args.ignore_line)
    problems = []
    if args.expect_nonzero:
        if status == 0:
            problems.append("expected a non-zero exit status, got 0")
    elif status != args.expect_status:
        problems.append(f"expected exit status {args.expect_status}, got {status}")
    if args.expect_out:
        with open(args.expect_out, encoding="utf-8") as f:
            want = f.read()
        if out != want:
            diff = difflib.unified_diff(want.splitlines(keepends=True),
                                        out.splitlines(keepends=True),
                                        "expected", f"{mode} output")
            problems.append("output differs from " + args.expect_out + ":\n"
                            + "".join(l if l.endswith("\n") else l + "\n\\ no newline\n"
                                      for l in diff))
    substrs = list(args.expect_substr)
    regexes = list(args.expect_regex)
    if mode == "kiln":
        substrs += args.kiln_substr
        regexes += args.kiln_regex
    for s in substrs:
        if s not in raw:
            problems.append(f"output lacks {s!r}")
    for s in args.forbid_substr:
        if s in raw:
            problems.append(f"output contains forbidden {s!r}")
    for r in regexes:
        if not re.search(r, raw, re.M):
            problems.append(f"output does not match /{r}/")
    if mode == "kiln":
        for s in args.kiln_once:
            if raw.count(s) != 1:
                problems.append(f"output contains {s!r} {raw.count(s)} times, not once")
    show(f"{mode} output", raw)
    if problems:
        raise Failure("\n".join(problems))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["kiln", "native", "diff"], default="kiln")
    p.add_argument("--kiln", help="path of the kiln CLI")
    p.add_argument("--config", default="hw_virtio", help="bake configuration (default hw_virtio)")
    p.add_argument("--platform", default=os.environ.get("KILN_BOOT_PLATFORM", "tcg"),
                   help="run platform (default $KILN_BOOT_PLATFORM or tcg)")
    p.add_argument("--prog", required=True, help="the static program to run")
    p.add_argument("-M", "--mem", type=int, help="guest memory in MiB")
    p.add_argument("-e", "--env", action="append", default=[], metavar="VAR=VALUE")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--keep", action="store_true", help="keep the baked image")
    p.add_argument("--expect-out")
    p.add_argument("--expect-status", type=int, default=0)
    p.add_argument("--expect-nonzero", action="store_true")
    p.add_argument("--expect-substr", action="append", default=[])
    p.add_argument("--forbid-substr", action="append", default=[])
    p.add_argument("--expect-regex", action="append", default=[])
    p.add_argument("--kiln-substr", action="append", default=[])
    p.add_argument("--kiln-regex", action="append", default=[])
    p.add_argument("--kiln-once", action="append", default=[])
    p.add_argument("--ignore-line", action="append", default=[], metavar="RE",
                   help="drop output lines matching RE before checking (diff mode: both sides)")
    p.add_argument("args", nargs="*", help="program arguments (after --)")
    args = p.parse_args()

    for e in args.env:
        if "=" not in e:
            p.error(f"-e wants VAR=VALUE, got {e!r}")
    if not os.path.isfile(args.prog):
        print(f"run-guest: program not found: {args.prog}", file=sys.stderr)
        return 2

    try:
        if args.mode == "native":
            status, out = run_native(args)
            check(args, "native", status, out)
        elif args.mode == "kiln":
            status, out = run_kiln(args)
            check(args, "kiln", status, out)
        else:
            nstatus, nout = run_native(args)
            kstatus, kout = run_kiln(args)
            nfilt = filter_lines(nout, args.ignore_line)
            kfilt = filter_lines(kout, args.ignore_line)
            if nfilt != kfilt or nstatus != kstatus:
                diff = difflib.unified_diff(nfilt.splitlines(keepends=True),
                                            kfilt.splitlines(keepends=True), "native", "kiln")
                print("".join(l if l.endswith("\n") else l + "\n\\ no newline\n" for l in diff))
                raise Failure(f"native and kiln differ (status native {nstatus}, kiln {kstatus})")
            check(args, "kiln", kstatus, kout)
    except SetupError as e:
        print(f"run-guest: error: {e}", file=sys.stderr)
        return 2
    except Failure as e:
        print(f"run-guest: FAIL: {e}", flush=True)
        return 1
    log("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
