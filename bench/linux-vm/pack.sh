#!/bin/sh
# Makes the initramfs for one benchmark: build.sh's base archive followed by
# a second gzip'd cpio holding the given programs in /bin (the kernel unpacks
# concatenated archives in order). The programs are the very files kiln
# bakes, so both guests run identical binaries.
#
# Usage: bench/linux-vm/pack.sh LINUX_VM_DIR OUT.cpio.gz PROGRAM...
set -eu
dir=$1
out=$2
shift 2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
for prog in "$@"; do
  cp "$prog" "$stage/bin/$(basename "$prog")"
  chmod 755 "$stage/bin/$(basename "$prog")"
done
cp "$dir/base.cpio.gz" "$out.tmp"
(cd "$stage" && find bin -type f | LC_ALL=C sort | "$dir/busybox" cpio -o -H newc 2>/dev/null) | gzip -9 >> "$out.tmp"
mv "$out.tmp" "$out"
