#!/usr/bin/python3
"""Fetches Debian binary packages and unpacks them into a staging tree.

    debian-fetch.py --debs DIR --stage DIR PACKAGE...

Takes the named packages and, following Depends and Pre-Depends, the
packages built from the same source (nginx-light brings nginx and
nginx-common) and every shared-library package (Section: libs) they need:
what the programs load at run time, but not the maintainer-script machinery
(debconf, perl, adduser) a root install would pull in. Each is fetched with `apt-get download` into
--debs (kept between runs) and unpacked with `dpkg-deb -x` into --stage;
nothing is installed on the host.

Exits 3 with a line starting "cannot download" when the archive is not
reachable, so that tests can skip rather than fail.
"""

import argparse
import glob
import os
import subprocess
import sys

CANNOT_DOWNLOAD = 3


def apt_cache(*args):
    return subprocess.run(["apt-cache", *args], capture_output=True, text=True).stdout


def record(name):
    """Section, source package and the first alternative of each
    Depends/Pre-Depends entry of NAME's candidate; None if NAME has none."""
    text = apt_cache("show", "--no-all-versions", name)
    if not text.strip():
        return None
    section, source, deps = "", name, []
    for line in text.splitlines():
        key, _, value = line.partition(": ")
        if key == "Section":
            section = value.strip().split("/")[-1]
        elif key == "Source":
            source = value.split()[0]
        elif key in ("Depends", "Pre-Depends"):
            for entry in value.split(","):
                deps.append(entry.split("|")[0].split("(")[0].split(":")[0].strip())
    return section, source, deps


def provider(name):
    """A real package providing the virtual package NAME, or None."""
    lines = apt_cache("showpkg", name).split("Reverse Provides:")[-1].splitlines()[1:]
    providers = [l.split()[0] for l in lines if l.strip()]
    return providers[0] if providers else None


def closure(roots):
    """ROOTS plus the same-source and library packages they reach, in a stable order."""
    wanted, sources, todo, seen = [], set(), list(roots), set()
    while todo:
        name = todo.pop(0)
        if name in seen:  # each name asked about once: apt-cache is slow
            continue
        seen.add(name)
        found = record(name)
        if found is None:  # a virtual package
            name = provider(name)
            found = record(name) if name else None
        if found is None or name in wanted:
            continue
        section, source, deps = found
        if name in roots:
            sources.add(source)
        elif section != "libs" and source not in sources:
            continue
        wanted.append(name)
        todo.extend(deps)
    return wanted


def download(names, debs):
    os.makedirs(debs, exist_ok=True)
    missing = [n for n in names if not glob.glob(os.path.join(debs, f"{n}_*.deb"))]
    if not missing:
        return
    run = subprocess.run(["apt-get", "download", *missing], cwd=debs, capture_output=True, text=True)
    if run.returncode != 0:
        why = (run.stderr.strip().splitlines() or ["apt-get download failed"])[-1]
        print(f"cannot download {' '.join(missing)} from Debian's archive: {why}", file=sys.stderr)
        sys.exit(CANNOT_DOWNLOAD)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--debs", required=True)
    ap.add_argument("--stage", required=True)
    ap.add_argument("packages", nargs="+")
    args = ap.parse_args()
    names = closure(args.packages)
    missing = [p for p in args.packages if p not in names]
    if missing:
        print(f"cannot download {' '.join(missing)}: apt knows no such package (apt-get update?)", file=sys.stderr)
        sys.exit(CANNOT_DOWNLOAD)
    download(names, args.debs)
    os.makedirs(args.stage, exist_ok=True)
    for name in names:
        (deb,) = sorted(glob.glob(os.path.join(args.debs, f"{name}_*.deb")))[-1:]
        subprocess.run(["dpkg-deb", "-x", deb, args.stage], check=True)
        print(f"unpacked {os.path.basename(deb)}")


if __name__ == "__main__":
    main()
