#!/bin/sh
# Launch-to-exit time of a static hello under `kiln run tcg -i`, against
# QEMU's own floor (the same machine booting a kernel that exits at once),
# median of N runs, for every bake configuration; and the size of each
# configuration's kernel and of a baked image.
# Usage: bench/boot.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-10}
kiln="$build/bin/kiln"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(cd "$(dirname "$0")" && pwd)

configs=$("$kiln" bake list | awk '{print $1}')
gcc -O2 -static -o "$work/hello" "$here/../examples/hello/hello.c"
for c in $configs; do "$kiln" bake "$c" "$work/$c.img" "$work/hello" >/dev/null; done
gcc -c -o "$work/floor.o" "$here/floor/floor.S"
ld -o "$work/floor.elf" -Ttext=0x100000 -e start "$work/floor.o"

# Milliseconds taken by a command, via date +%s%N.
time_ms() {
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'; }

floor_cmd() {
  qemu-system-x86_64 -M microvm,x-option-roms=off,rtc=on -accel tcg -cpu max -m 64 -smp 1 \
    -nodefaults -no-user-config -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$work/floor.elf"
}

time_ms floor_cmd >/dev/null   # warm-up: page cache, not measured
: > "$work/floor.t"
for c in $configs; do
  time_ms "$kiln" run tcg -i -- "$work/$c.img" >/dev/null
  : > "$work/$c.t"
done
# Alternating, so that the host's load falls on every row alike.
i=0
while [ $i -lt "$runs" ]; do
  time_ms floor_cmd >> "$work/floor.t"
  for c in $configs; do time_ms "$kiln" run tcg -i -- "$work/$c.img" >> "$work/$c.t"; done
  i=$((i + 1))
done
floor=$(median < "$work/floor.t")
echo "accelerator: tcg (QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), microvm)"
echo "launch-to-exit, median of $runs runs:"
echo "  QEMU floor (PVH kernel that exits at once): ${floor} ms"
echo "  configuration   kiln hello  /floor  kernel text+data+bss"
for c in $configs; do
  hello=$(median < "$work/$c.t")
  loaded=$(size "$build/share/kiln/kernel/$c.elf" | awk 'NR==2 {print $4}')
  awk -v c="$c" -v a="$hello" -v b="$floor" -v s="$loaded" \
    'BEGIN { printf "  %-14s %8.1f ms %6.2fx %10d bytes\n", c, a, a / b, s }'
done
echo "sizes of hw_virtio (bytes):"
size -A "$build/share/kiln/kernel/hw_virtio.elf" | awk '$1 ~ /^\./ && $2 > 0 {printf "  kernel %-14s %8d\n", $1, $2}'
printf "  kernel file (with symbols)   %8d\n" "$(stat -c %s "$build/share/kiln/kernel/hw_virtio.elf")"
printf "  kernel loaded (text+data+bss)%8d\n" "$(size "$build/share/kiln/kernel/hw_virtio.elf" | awk 'NR==2 {print $4}')"
printf "  program (static hello)       %8d\n" "$(stat -c %s "$work/hello")"
printf "  baked image                  %8d\n" "$(stat -c %s "$work/hw_virtio.img")"
