#!/bin/sh
# Makes the initramfs for one benchmark: build.sh's base archive followed by
# a second gzip'd cpio holding the given programs in /bin (the kernel unpacks
# concatenated archives in order). The programs are the very files kiln
# bakes, so both guests run identical binaries.
#
# --tree DIR adds a whole tree at / instead (or as well): a package's
# staging tree (packages/NAME/out/stage), the very files, libraries and
# configuration `kiln bake --rootfs` puts in kiln's image. It comes after
# the base, so its files replace the base's of the same name.
#
# Usage: bench/linux-vm/pack.sh LINUX_VM_DIR OUT.cpio.gz [--tree DIR] [PROGRAM...]
set -eu
dir=$1
out=$2
shift 2
tree=
if [ "${1:-}" = --tree ]; then
  tree=$(cd "$2" && pwd)
  shift 2
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
for prog in "$@"; do
  cp "$prog" "$stage/bin/$(basename "$prog")"
  chmod 755 "$stage/bin/$(basename "$prog")"
done
cp "$dir/base.cpio.gz" "$out.tmp"
if [ -n "$tree" ]; then
  # Directories, files and symbolic links as they are (cpio -o follows none).
  (cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | "$dir/busybox" cpio -o -H newc 2>/dev/null) |
    gzip -9 >> "$out.tmp"
fi
if [ $# -gt 0 ]; then
  (cd "$stage" && find bin -type f | LC_ALL=C sort | "$dir/busybox" cpio -o -H newc 2>/dev/null) | gzip -9 >> "$out.tmp"
fi
mv "$out.tmp" "$out"
