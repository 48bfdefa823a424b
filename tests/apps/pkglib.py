"""Helpers for the package smoke tests: build a packages/NAME image with its
recipe, make ISO volumes, skip when Debian's archive is out of reach."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "network"))

SKIP = 77


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def build_package(kiln, packages_dir, name, out_dir, target="all"):
    """Runs `make -C packages/NAME`; returns OUT. Skips when the download fails."""
    out = os.path.abspath(os.path.join(out_dir, name))
    run = subprocess.run(["make", "-s", "-C", os.path.join(packages_dir, name), f"KILN={os.path.abspath(kiln)}",
                          f"OUT={out}", target],
                         capture_output=True, text=True)
    if run.returncode != 0:
        why = [l for l in run.stderr.splitlines() if l.startswith("cannot download")]
        if why:
            skip(f"{name}: {why[0]}")
        raise AssertionError(f"make -C packages/{name} failed:\n{run.stdout}{run.stderr}")
    return out


def write_tree(directory, files):
    """Makes DIRECTORY holding FILES ({name: bytes}); returns DIRECTORY."""
    os.makedirs(directory)
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
    return directory


def make_iso(directory, iso, volume="DATA"):
    """An ISO 9660 volume (Rock Ridge and Joliet) holding DIRECTORY's tree."""
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", volume, "-o", iso, directory],
                   check=True, capture_output=True)
    return iso


def need_programs(*names):
    """Skips unless every host client in NAMES is on PATH (scripts/setup-deps.sh installs them)."""
    import shutil
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        skip(f"host lacks {', '.join(missing)} (scripts/setup-deps.sh installs it)")


KERNEL_LINES = ("syncing disks", "=== exit(", "kiln: eth")


def program_output(console):
    """The program's own lines of a guest's console: without the kernel's
    exit and interface lines, and without its -ENOSYS notes, which are
    printed here (the programs coped with them; a list for the report)."""
    lines = console.splitlines(True)
    for line in lines:
        if line.startswith("kiln: unimplemented syscall"):
            print(f"note: {line.strip()}")
    return "".join(l for l in lines if not l.startswith(KERNEL_LINES + ("kiln: unimplemented syscall",)))
