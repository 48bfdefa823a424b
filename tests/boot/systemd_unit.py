#!/usr/bin/python3
"""kiln systemd-unit: systemd-analyze verify accepts the unit it writes, and
the unit's ExecStart and ExecStop, run as systemd runs them (specifiers
expanded, in its WorkingDirectory, stdin /dev/null, output to a stream as
the journal's), start the guest under the unit's name and stop it: ExecStop
exits 0 well within TimeoutStopSec and ExecStart ends with the status
`kiln run -i` reports for a stopped guest."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

kiln, idle = sys.argv[1:3]
failures = []

# What `kiln run -i` reports after `kiln stop`: the stop is the program's
# own (idle exits 0 on SIGTERM), and kiln run has nothing to add on stderr.
STOPPED_STATUS = 0


def check(what, got, want):
    if got != want:
        failures.append(f"{what}:\n  got  {got!r}\n  want {want!r}")


def systemd_words(line, name):
    """A command line split as systemd does it (systemd.service(5), "Command
    lines"): blanks separate words, "..." quotes with C escapes; then the
    specifiers: %% is %, %p the unit's name; $$ is $."""
    words, cur, quoted, i = [], None, False, 0
    escapes = {"n": "\n", "t": "\t", "\\": "\\", '"': '"'}
    while i < len(line):
        c = line[i]
        if quoted:
            if c == "\\":
                nxt = line[i + 1]
                if nxt == "x":
                    cur += chr(int(line[i + 2:i + 4], 16))
                    i += 2
                else:
                    cur += escapes[nxt]
                i += 2
                continue
            if c == '"':
                quoted = False
            else:
                cur += c
        elif c == " ":
            if cur is not None:
                words.append(cur)
            cur = None
        elif c == '"':
            quoted, cur = True, cur or ""
        else:
            cur = (cur or "") + c
        i += 1
    if cur is not None:
        words.append(cur)
    out = []
    for w in words:
        w = w.replace("%%", "\0").replace("%p", name).replace("\0", "%").replace("$$", "$")
        out.append(w)
    return out


with tempfile.TemporaryDirectory() as work:
    env = dict(os.environ, XDG_RUNTIME_DIR=os.path.join(work, "run"))
    for var in ("KILN_QEMU", "KILN_ACCEL", "KILN_KERNEL_DIR"):
        env.pop(var, None)
    os.mkdir(env["XDG_RUNTIME_DIR"], 0o700)
    subprocess.run([kiln, "bake", "hw_virtio", os.path.join(work, "idle.img"), idle], check=True,
                   stdout=subprocess.DEVNULL)
    # The image named relative to where the unit is written: WorkingDirectory keeps it meaning that.
    made = subprocess.run([kiln, "systemd-unit", "tcg", "-M", "64", "-e", "GREETING=50% off", "--", "idle.img"],
                          cwd=work, env=env, capture_output=True, text=True)
    check("systemd-unit status", (made.returncode, made.stderr), (0, ""))
    unit = os.path.join(work, "web.service")
    with open(unit, "w") as f:
        f.write(made.stdout)
    analyze = shutil.which("systemd-analyze")
    if analyze:
        verify = subprocess.run([analyze, "verify", unit], capture_output=True, text=True)
        check("systemd-analyze verify", (verify.returncode, verify.stdout + verify.stderr), (0, ""))
    else:
        failures.append("systemd-analyze is missing (Debian's systemd package: scripts/setup-deps.sh)")

    settings = {}
    for line in made.stdout.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings[key] = value
    check("unit settings", {k: settings.get(k) for k in ("Type", "KillMode", "Restart", "TimeoutStopSec",
                                                         "SuccessExitStatus", "WorkingDirectory")},
          {"Type": "exec", "KillMode": "mixed", "Restart": "always", "TimeoutStopSec": "15",
           "SuccessExitStatus": "143", "WorkingDirectory": work})
    start = systemd_words(settings["ExecStart"], "web")
    stop = systemd_words(settings["ExecStop"], "web")
    check("ExecStart", start, [os.path.realpath(kiln), "run", "tcg", "-N", "web", "-i", "-M", "64", "-e",
                               "GREETING=50% off", "--", "idle.img"])
    check("ExecStop", stop, [os.path.realpath(kiln), "stop", "-t", "10", "web"])

    service = subprocess.Popen(start, cwd=settings["WorkingDirectory"], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        check("the guest's first line", service.stdout.readline(), "idle: ready\n")
        ps = subprocess.run([kiln, "ps"], env=env, capture_output=True, text=True).stdout.splitlines()
        check("kiln ps knows the unit's name", [l.split()[0] + " " + l.split()[2] for l in ps[1:]], ["web running"])
        began = time.time()
        stopped = subprocess.run(stop, env=env, capture_output=True, text=True, timeout=15)
        took = time.time() - began
        check("ExecStop status", (stopped.returncode, stopped.stderr), (0, ""))
        check("ExecStop within TimeoutStopSec", took < 15, True)
        out, err = service.communicate(timeout=15)
        check("ExecStart status", service.returncode, STOPPED_STATUS)
        check("ExecStart's stderr", err.splitlines()[-1:], [])
        print(f"systemd_unit: started as web, stopped in {took:.2f} s, status {service.returncode}")
    finally:
        if service.poll() is None:
            service.kill()

if failures:
    print("systemd_unit: FAIL\n" + "\n".join(failures))
    sys.exit(1)
print("systemd_unit: PASS")
