#!/bin/sh
# An ISO 9660 image (Rock Ridge + Joliet, made by xorriso) mounted with
# `kiln run -b data.iso,/data`: the tree read inside kiln (names, modes,
# sizes, contents, symlinks) matches the host directory it was made from,
# and the volume is read-only.
set -u
kiln=$1
walker=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "storage_iso: FAIL: $1"; exit 1; }
command -v xorriso >/dev/null || fail "xorriso is not installed"

tree=$work/tree
mkdir -p "$tree/sub/deep/deeper" "$tree/empty"
echo "hello from the iso" > "$tree/greeting.txt"
head -c 300000 /dev/urandom > "$tree/sub/deep/blob.bin"
head -c 5000 /dev/urandom > "$tree/sub/deep/deeper/small.bin"
: > "$tree/zero-length"
printf 'x%.0s' $(seq 200) > "$tree/a-rather-long-file-name-that-plain-iso9660-could-never-hold.txt"
chmod 0750 "$tree/sub"
chmod 0600 "$tree/greeting.txt"
ln -s greeting.txt "$tree/link"
ln -s ../../greeting.txt "$tree/sub/deep/up-link"
xorriso -as mkisofs -quiet -R -J -o "$work/data.iso" "$tree" || fail "xorriso failed"

"$walker" "$tree" > "$work/host.out" || fail "walker failed on the host"
"$kiln" bake hw_virtio "$work/walk.img" "$walker" >/dev/null || fail "bake failed"
timeout 120 "$kiln" run tcg -i -b "$work/data.iso,/data" -- "$work/walk.img" /data > "$work/kiln.out" 2>&1
status=$?
cat "$work/kiln.out"
[ "$status" -eq 0 ] || fail "guest exit status $status"
grep -v '^syncing disks\|^=== exit' "$work/kiln.out" > "$work/kiln.tree"
diff -u "$work/host.out" "$work/kiln.tree" || fail "the tree read in kiln differs from the host's"
echo "storage_iso: PASS ($(wc -l < "$work/host.out") entries)"
