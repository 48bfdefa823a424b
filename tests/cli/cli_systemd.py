"""kiln systemd-unit without a guest: what it refuses, with one line each,
and that systemd-analyze verify accepts what it writes, -t and the KILN_*
environment included (cases collected by cli_test.py; tests/boot/
systemd_unit.py runs a unit's commands against a real guest)."""
import os
import shutil
import subprocess

from clilib import SKIP, expect, expect_error, expect_ok, fake_image


def test_systemd_unit(t):
    expect_error(t.kiln_run("systemd-unit"), 2, "missing PLATFORM and IMAGE")
    expect_error(t.kiln_run("systemd-unit", "tcg", "-N", "web", "x.img"), 2, "leave -N out")
    expect_error(t.kiln_run("systemd-unit", "-t", "soon", "tcg", "x.img"), 2, "-t wants kiln stop's grace period")
    expect_error(t.kiln_run("systemd-unit", "tcg", "-M", "lots", "x.img"), 2, "-M wants the memory")
    expect_error(t.kiln_run("systemd-unit", "vmware", "x.img"), 2, "unknown platform 'vmware'")
    expect_error(t.kiln_run("systemd-unit", "tcg", "--log-size", "1M", "x.img"), 2,
                 "--log-size is for guests in the background")
    expect_ok(t.kiln_run("systemd-unit", "-h"), "usage: kiln systemd-unit")
    image = t.write("x.img", fake_image())
    unit = expect_ok(t.kiln_run("systemd-unit", "-t", "0", "qemu", "-i", "--", image,
                                env={"KILN_QEMU": "/opt/my qemu"}), "KillMode=mixed")
    lines = unit.splitlines()
    expect(f"ExecStart={os.path.realpath(t.kiln)} run qemu -N %p -i -- {image}" in lines, f"ExecStart:\n{unit}")
    expect(f"ExecStop={os.path.realpath(t.kiln)} stop -t 0 %p" in lines and "TimeoutStopSec=5" in lines, unit)
    expect('Environment="KILN_QEMU=/opt/my qemu"' in lines, unit)
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("skip: no systemd-analyze (Debian's systemd package)")
        return SKIP
    path = t.write("guest.service", unit)
    verify = subprocess.run([analyze, "verify", path], capture_output=True, text=True)
    expect(verify.returncode == 0 and not verify.stdout + verify.stderr,
           f"systemd-analyze verify: {verify.returncode}: {verify.stdout}{verify.stderr}")
