#!/usr/bin/python3
"""The bake configurations (kiln bake list): each kernel file boots hello
and serves /dev/log on the console; what a configuration leaves out is refused with one clear line, at boot
(-I/-W or --syslog without a network stack, -b without file systems) or at the call
(socket(AF_INET): EAFNOSUPPORT, said once); and the code left out is not in
the kernel file at all (its symbols are checked with nm)."""

import os
import subprocess
import sys
import tempfile

kiln, hello, no_inet, devlog, devlog_out = sys.argv[1:6]
kernel_dir = os.path.join(os.path.dirname(os.path.dirname(kiln)), "share", "kiln", "kernel")
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}:\n  got  {got!r}\n  want {want!r}")


def run(config, prog, work, run_args=(), prog_args=()):
    image = os.path.join(work, f"{config}-{os.path.basename(prog)}.img")
    if not os.path.exists(image):
        subprocess.run([kiln, "bake", config, image, prog], check=True, stdout=subprocess.DEVNULL)
    p = subprocess.run([kiln, "run", "tcg", "-i", *run_args, "--", image, *prog_args],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace")


def symbols(config):
    out = subprocess.run(["nm", "-C", os.path.join(kernel_dir, f"{config}.elf")],
                         check=True, stdout=subprocess.PIPE).stdout.decode()
    return out


with tempfile.TemporaryDirectory() as work:
    listing = subprocess.run([kiln, "bake", "list"], check=True, stdout=subprocess.PIPE).stdout.decode()
    check("bake list", [l.split()[0] for l in listing.splitlines()],
          ["hw_virtio", "hw_virtio_net", "hw_minimal"])
    for config in ("hw_virtio", "hw_virtio_net", "hw_minimal"):
        described = subprocess.run([kiln, "bake", "describe", config], check=True,
                                   stdout=subprocess.PIPE).stdout.decode()
        if f"{config}.elf" not in described:
            failures.append(f"describe {config} does not name {config}.elf:\n{described}")
        check(f"{config}: hello", run(config, hello, work), (0, "Hello, World\n=== exit(0) ===\n"))
        check(f"{config}: /dev/log", run(config, devlog, work, ["-e", "KILN_DEVLOG_TEST=1"]),
              (0, open(devlog_out).read() + "=== exit(0) ===\n"))

    check("hw_minimal: -I/-W refused at boot",
          run("hw_minimal", hello, work, ["-I", "net0,user", "-W", "net0,inet,dhcp"]),
          (1, "kiln: this kernel (bake configuration hw_minimal) has no network stack: "
              "see `kiln bake list`\n=== exit(1) ===\n"))

    check("hw_minimal: --syslog refused at boot",
          run("hw_minimal", hello, work, ["--syslog", "10.0.2.2"]),
          (1, "kiln: this kernel (bake configuration hw_minimal) has no network stack to send "
              "--syslog's messages with: see `kiln bake list`\n=== exit(1) ===\n"))

    disk = os.path.join(work, "data.ext2")
    subprocess.run(["mke2fs", "-q", "-t", "ext2", disk, "1M"], check=True)
    check("hw_virtio_net: -b refused at boot",
          run("hw_virtio_net", hello, work, ["-b", f"{disk},/data"]),
          (1, "kiln: cannot mount /dev/vda on /data: this kernel (bake configuration "
              "hw_virtio_net) mounts no volumes\n=== exit(1) ===\n"))

    check("hw_minimal: socket() by family",
          run("hw_minimal", no_inet, work),
          (0, "kiln: socket(AF_INET): this kernel has no network stack\n"
              "AF_INET: Address family not supported by protocol\n"
              "AF_INET6: Address family not supported by protocol\n"
              "AF_INET: Address family not supported by protocol\n"
              "AF_UNIX: ok\n=== exit(0) ===\n"))

# Left out means not linked: no TCP in hw_minimal, no ext2 or ISO 9660 or
# virtio-blk in hw_virtio_net; hw_virtio has them all.
full, net, minimal = symbols("hw_virtio"), symbols("hw_virtio_net"), symbols("hw_minimal")
for name in ("kiln::net::tcp_connect", "kiln::virtio::VirtioNet", "kiln::fs::ext2_mount",
             "kiln::fs::iso9660_mount", "kiln::virtio::VirtioBlk"):
    if name not in full:
        failures.append(f"hw_virtio lacks {name}")
for name in ("kiln::net::tcp_connect", "kiln::virtio::VirtioNet"):
    if name in minimal:
        failures.append(f"hw_minimal has {name}")
    if name not in net:
        failures.append(f"hw_virtio_net lacks {name}")
for name in ("kiln::fs::ext2_mount", "kiln::fs::iso9660_mount", "kiln::virtio::VirtioBlk"):
    if name in net or name in minimal:
        failures.append(f"a configuration without block devices has {name}")

if failures:
    print("bake_configs: FAIL\n" + "\n".join(failures))
    sys.exit(1)
print("bake_configs: PASS")
