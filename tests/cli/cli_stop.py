"""kiln stop's side of a graceful stop, against a fake QEMU whose "kernel"
answers on the control socket as told (cases collected by cli_test.py):
the socket 0600 (made so before use when QEMU left it looser), a stop obeyed, a program that must be killed once
the grace period is over, a guest that does not halt even then (QEMU
killed), and replies that are garbage or over the bound (refused, and the
guest stopped the old way)."""
import os
import stat
import time

from clilib import expect, expect_error, expect_ok, fake_image

FAKE_QEMU = r"""#!/usr/bin/python3
# Stands in for qemu-system-x86_64 with a control channel: listens on the
# socket kiln names, answers stop and kill as FAKE_CONTROL says, and ends
# by writing the status file as the kernel's exit protocol would.
import os, socket, struct, sys, time
status = sock = None
for arg in sys.argv:
    if arg.startswith("file,id=kilnstatus,path="):
        status = arg.split("path=", 1)[1]
    if arg.startswith("socket,id=kilnctlsock,path="):
        sock = arg.split("path=", 1)[1].split(",server=")[0]
mode = os.environ["FAKE_CONTROL"]
if mode == "not-a-socket":
    open(sock, "w").close()
    time.sleep(60)
server = socket.socket(socket.AF_UNIX)
server.bind(sock)
if mode == "loose":
    os.chmod(sock, 0o666)
server.listen(1)

def reply(conn, head, payload):
    conn.sendall(b"KCTL\x01\x02" + head[6:7] + b"\x00" + head[8:12] + struct.pack("<I", len(payload)) + payload)

def halt(code):
    open(status, "w").write(f"exit {code}\n")
    sys.exit(code)

while True:
    conn, _ = server.accept()
    head = conn.recv(16)
    while len(head) < 16:
        head += conn.recv(16 - len(head))
    conn.recv(4096)
    kind = head[6]
    if mode == "garbage":
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    elif mode == "oversized":
        conn.sendall(b"KCTL\x01\x02" + head[6:7] + b"\x00" + head[8:12] + struct.pack("<I", 65537))
    else:
        reply(conn, head, b"{}")
    conn.close()
    if mode in ("obey", "loose") and kind == 2:
        halt(0)
    if mode == "stubborn" and kind == 3:
        halt(137)
"""


def rundir(t, name):
    return os.path.join(t.env["XDG_RUNTIME_DIR"], f"kiln-{os.getuid()}", name)


def start(t, name, mode):
    """kiln run in the background; returns once the fake made its socket
    (a loaded machine may start Python slower than kiln waits)."""
    qemu = t.write("fake-qemu-control", FAKE_QEMU, 0o755)
    image = t.write("x.img", fake_image())
    result = t.kiln_run("run", "tcg", "-N", name, image, env={"KILN_QEMU": qemu, "FAKE_CONTROL": mode})
    sock = os.path.join(rundir(t, name), "control.sock")
    for _ in range(1000):
        if result[0] != 0 or os.path.lexists(sock):
            break
        time.sleep(0.01)
    return result


def stop(t, *args):
    t0 = time.monotonic()
    result = t.kiln_run("stop", *args)
    return result, time.monotonic() - t0


def ps_state(t, name):
    rows = [line for line in expect_ok(t.kiln_run("ps")).splitlines() if line.startswith(name + " ")]
    return rows[0].split()[2:4] if rows else None


def test_stop_control(t):
    """Obeyed, killed at the deadline, QEMU killed, the socket 0600."""
    expect_ok(start(t, "obey", "obey"), "qemu:")
    sock = os.path.join(rundir(t, "obey"), "control.sock")
    st = os.lstat(sock)
    expect(stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, f"socket mode {oct(st.st_mode)}")
    (rc, out, err), took = stop(t, "obey")
    expect(rc == 0 and err == "", f"stop: {rc} {err!r}")
    expect(ps_state(t, "obey") == ["exited", "0"], f"ps: {ps_state(t, 'obey')}")
    expect_ok(t.kiln_run("stop", "obey"))
    expect(ps_state(t, "obey") is None and not os.path.exists(rundir(t, "obey")), "a second stop left it")

    # QEMU made its socket too open: kiln makes it 0600 before it uses it.
    expect_ok(start(t, "loose", "loose"), "qemu:")
    (rc, out, err), took = stop(t, "loose")
    expect(rc == 0 and err == "", f"stop: {rc} {err!r}")
    mode = stat.S_IMODE(os.lstat(os.path.join(rundir(t, "loose"), "control.sock")).st_mode)
    expect(mode == 0o600, f"a loose socket stayed {oct(mode)}")
    expect_ok(t.kiln_run("stop", "loose"))

    expect_ok(start(t, "stubborn", "stubborn"), "qemu:")
    (rc, out, err), took = stop(t, "-t", "1", "stubborn")
    expect(rc == 0 and err == "kiln: stubborn did not stop within 1 s: killed\n", f"stop: {rc} {err!r}")
    expect(1.0 <= took < 3.0, f"stop -t 1 took {took:.1f} s")
    expect(ps_state(t, "stubborn") == ["exited", "137"], f"ps: {ps_state(t, 'stubborn')}")

    expect_ok(start(t, "hung", "hung"), "qemu:")
    pid = int(open(os.path.join(rundir(t, "hung"), "pid")).read())
    (rc, out, err), took = stop(t, "-t", "0", "hung")
    expect(rc == 0 and err == "kiln: hung did not stop within 0 s: killed\n"
           "kiln: hung did not halt after the kill: QEMU killed, its disks not synced\n", f"stop: {rc} {err!r}")
    expect(5.0 <= took < 8.0, f"a guest that never halts was killed after {took:.1f} s")
    expect(not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] in "ZX",
           "QEMU still runs")
    expect(ps_state(t, "hung") is None, "a guest without a status is not listed")


def test_stop_refuses_bad_replies(t):
    """A reply that is garbage or over the bound is refused: the guest is stopped the old way."""
    for mode, why in [("garbage", "no frame magic"), ("oversized", "payload over the bound")]:
        expect_ok(start(t, mode, mode), "qemu:")
        (rc, out, err), took = stop(t, "-t", "1", mode)
        expect(rc == 0 and err == f"kiln: stop: {mode} cannot be asked to stop (a malformed reply: {why}): "
               "stopping QEMU, its disks not synced\n", f"{mode}: {rc} {err!r}")
        expect(ps_state(t, mode) is None, f"{mode} still listed")
    # A control socket that is not a socket: refused before the guest is handed out.
    expect_error(start(t, "odd", "not-a-socket"), 1, "is not a socket of yours: refusing to use it")
    expect(ps_state(t, "odd") is None, "a refused guest is listed")
