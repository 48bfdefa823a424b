#!/bin/sh
# Launch-to-exit time of a static hello under `kiln run tcg -i`, against
# QEMU's own floor (the same machine booting a kernel that exits at once),
# median of N runs; and the size of the kernel and of a baked image.
# Usage: bench/boot.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-10}
kiln="$build/bin/kiln"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(cd "$(dirname "$0")" && pwd)

gcc -O2 -static -o "$work/hello" "$here/../examples/hello/hello.c"
"$kiln" bake hw_virtio "$work/hello.img" "$work/hello" >/dev/null
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
time_ms "$kiln" run tcg -i -- "$work/hello.img" >/dev/null
: > "$work/floor.t"; : > "$work/kiln.t"
i=0
while [ $i -lt "$runs" ]; do
  time_ms floor_cmd >> "$work/floor.t"
  time_ms "$kiln" run tcg -i -- "$work/hello.img" >> "$work/kiln.t"
  i=$((i + 1))
done
floor=$(median < "$work/floor.t")
hello=$(median < "$work/kiln.t")
echo "accelerator: tcg (QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), microvm)"
echo "launch-to-exit, median of $runs runs:"
echo "  QEMU floor (PVH kernel that exits at once): ${floor} ms"
echo "  kiln hello (kiln run tcg -i):               ${hello} ms"
awk -v a="$hello" -v b="$floor" 'BEGIN { printf "  ratio kiln/floor: %.2fx\n", a / b }'
echo "sizes (bytes):"
size -A "$build/share/kiln/kernel/hw_virtio.elf" | awk '$1 ~ /^\./ && $2 > 0 {printf "  kernel %-14s %8d\n", $1, $2}'
printf "  kernel file (with symbols)   %8d\n" "$(stat -c %s "$build/share/kiln/kernel/hw_virtio.elf")"
printf "  kernel loaded (text+data+bss)%8d\n" "$(size "$build/share/kiln/kernel/hw_virtio.elf" | awk 'NR==2 {print $4}')"
printf "  program (static hello)       %8d\n" "$(stat -c %s "$work/hello")"
printf "  baked image                  %8d\n" "$(stat -c %s "$work/hello.img")"
