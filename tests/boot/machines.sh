#!/bin/sh
# The same baked image boots through the PVH note on QEMU's pc and q35
# machines (firmware, then -kernel), not only on microvm.
set -u
kiln=$1
prog=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kiln" bake hw_virtio "$work/p.img" "$prog" || exit 1
for machine in pc q35; do
  timeout 60 qemu-system-x86_64 -M "$machine" -accel tcg -cpu max -m 128 -nodefaults \
    -no-user-config -display none -no-reboot -serial stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$work/p.img" \
    -append '{"args":["from", "'"$machine"'"]}' >"$work/out" 2>&1
  status=$?
  cat "$work/out"
  # isa-debug-exit: QEMU exits with (N << 1) | 1, so exit(0) is 1.
  [ "$status" -eq 1 ] || { echo "machines: FAIL: $machine: QEMU status $status"; exit 1; }
  grep -q '^Hello, World$' "$work/out" || { echo "machines: FAIL: $machine: no greeting"; exit 1; }
  grep -q '^=== exit(0) ===$' "$work/out" || { echo "machines: FAIL: $machine: no exit line"; exit 1; }
done
echo "machines: PASS"
