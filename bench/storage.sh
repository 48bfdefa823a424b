#!/bin/sh
# ext2 inside kiln (kiln run tcg, -b volume) against the same program on
# the host: sequential write and read MiB/s, small-file create/stat/unlink
# rates, and kiln/host ratios. Natively it runs on a loop-mounted ext2
# volume when it can (root), else in a host temporary directory (say which).
# Not a test: numbers depend on the machine and on TCG.
# Usage: bench/storage.sh [BUILD_DIR] [MIB] [FILES]
set -eu
build=${1:-build}
mib=${2:-64}
files=${3:-2000}
kiln="$build/bin/kiln"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mnt=""
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

gcc -O2 -static -o "$work/bench" "$here/storage_bench.c"
"$kiln" bake hw_virtio "$work/bench.img" "$work/bench" >/dev/null
size=$((mib * 2 + 64))M

# One run natively, on a fresh volume; sets $dir (and $mnt while mounted).
native() {
  dir="$work/host"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    truncate -s "$size" "$work/native.ext2"
    mke2fs -q -F -t ext2 "$work/native.ext2" >/dev/null
    mkdir -p "$work/mnt"
    if mount -o loop "$work/native.ext2" "$work/mnt" 2>/dev/null; then
      mnt="$work/mnt"
      dir="$mnt"
    fi
  fi
  "$work/bench" write "$dir" "$mib"
  "$work/bench" read "$dir"
  "$work/bench" small "$dir" "$files"
  if [ -n "$mnt" ]; then umount "$mnt"; mnt=""; fi
}

# In kiln: write and read in separate boots, so reads come from the disk.
guest() {
  truncate -s "$size" "$work/guest.ext2"
  mke2fs -q -F -t ext2 "$work/guest.ext2" >/dev/null
  for step in "write /vol $mib" "read /vol" "small /vol $files"; do
    # shellcheck disable=SC2086
    "$kiln" run tcg -i -M 256 -b "$work/guest.ext2,/vol" -- "$work/bench.img" $step |
      grep -v '^syncing disks\|^=== exit\|^kiln: '
  done
}

native > "$work/native.out"
where="a host directory ($(df -T "$work" | awk 'NR==2 {print $2}'))"
[ "$dir" = "$work/mnt" ] && where="Linux ext2, loop-mounted"
guest > "$work/kiln.out"
echo "storage: $mib MiB sequential, $files small files; host: $where; kiln: ext2 via -b, TCG"
awk 'NR == FNR { host[$1] = $2; unit[$1] = $3; next }
     { printf "%-10s host %10.1f  kiln %10.1f  %-8s kiln/host %.3f\n", $1, host[$1], $2, unit[$1],
              (host[$1] > 0 ? $2 / host[$1] : 0) }' "$work/native.out" "$work/kiln.out"
