#!/bin/sh
# virtio devices on every machine kiln boots on (drivers/virtio):
#
#   virtio.sh KILN PROG mmio     microvm through `kiln run -v -g`: the devices
#                                are listed; then the drivers' self-test
#                                ("selftest": true) with net, blk and rng
#   virtio.sh KILN PROG pci      the self-test on q35 and pc (virtio-pci)
#   virtio.sh KILN PROG gsi      microvm without its second I/O APIC, and
#                                without ACPI: the other interrupt lines
#   virtio.sh KILN PROG disks    read-only disks, disk order by serial, and
#                                a legacy (version 1) device refused
#
# PROG is a static hello program. Every QEMU run has a timeout.
set -u
kiln=$1
prog=$2
mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "virtio: FAIL: $*"; exit 1; }

"$kiln" bake hw_virtio "$work/p.img" "$prog" || exit 1

# A 4 MiB disk whose sectors say which they are; and its FNV-1a 64 digest,
# which the self-test prints.
python3 - "$work/disk.img" "$work/disk.fnv" <<'EOF' || exit 1
import sys
data = bytearray()
for i in range(8192):
    head = ("kiln sector %08d\n" % i).encode()
    data += head + bytes((i * 7 + j) & 0xff for j in range(512 - len(head)))
open(sys.argv[1], "wb").write(data)
h = 0xcbf29ce484222325
for b in data:
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
open(sys.argv[2], "w").write("%016x\n" % h)
EOF
fnv=$(cat "$work/disk.fnv")
cp "$work/disk.img" "$work/pristine.img"

# qemu MACHINE OUT JSON ARGS...: the image under QEMU directly (the launcher
# cannot pass "selftest"), the exit protocol as kiln run has it.
qemu() {
  machine=$1 out=$2 json=$3
  shift 3
  timeout 60 qemu-system-x86_64 -M "$machine" -accel tcg -cpu max -m 128 -nodefaults \
    -no-user-config -display none -no-reboot -serial stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$work/p.img" -append "$json" \
    "$@" >"$out" 2>&1
  status=$?
  cat "$out"
  # isa-debug-exit: QEMU exits with (N << 1) | 1, so exit(0) is 1.
  [ "$status" -eq 1 ] || fail "$machine: QEMU status $status (124: timeout)"
}

expect() {  # expect FILE TEXT: a whole line
  grep -qxF -- "$2" "$1" || fail "missing line: $2"
}
expect_re() {  # expect_re FILE REGEX
  grep -qE -- "$2" "$1" || fail "no line matches: $2"
}

# The self-test's lines for one disk (the original image) and one network.
selftest_passed() {  # selftest_passed OUT BLK NET
  out=$1 blk=$2 net=$3
  expect "$out" "kiln: selftest $blk: sector 0 read at boot (polled): \"kiln sector 00000000\""
  expect "$out" "kiln: selftest $blk: fnv1a $fnv over 8192 sectors, 4 threads agree, first \"kiln sector 00000000\", last \"kiln sector 00008191\""
  expect "$out" "kiln: selftest $blk: reads past the end: EINVAL"
  expect_re "$out" "^kiln: selftest $blk: [0-9]+ requests, up to [0-9]+ in flight"
  if [ -n "$net" ]; then
    expect "$out" "kiln: selftest $net: 256 ARP requests in 4 bursts, 256 replies from 10.0.2.2 at 52:55:0a:00:02:02"
    expect_re "$out" "^kiln: selftest $net: tx 256 rx 256 frames, [0-9]+ kicks, [0-9]+ interrupts$"
  fi
  expect "$out" "kiln: selftest: passed"
  expect "$out" "=== exit(0) ==="
}

# The self-test wrote the disk's last 4 sectors, and only those.
disk_written() {  # disk_written [IMAGE]: $work/disk.img by default; restored after
  image=${1:-$work/disk.img}
  python3 - "$image" "$work/pristine.img" <<'EOF' || fail "$image is not as the self-test left it"
import sys
disk, orig = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert len(disk) == len(orig)
assert disk[:-2048] == orig[:-2048], "sectors before the last 4 changed"
for k in range(4):
    n = 8188 + k
    s = disk[-2048 + 512 * k:][:512]
    head = b"kiln wrote sector %08d\n" % n
    assert s.startswith(head + b"\0"), s[:40]
    assert all(s[j] == (j * 13 + k) & 0xff for j in range(len(head) + 1, 512)), n
EOF
  cp "$work/pristine.img" "$image"
}

net_user='-netdev user,id=n0'
case $mode in
mmio)
  # Through the launcher: QEMU fills microvm's 24 slots from the top, on
  # GSIs 24..47 (the second I/O APIC).
  timeout 60 "$kiln" run tcg -v -i -g "-device virtio-net-device,netdev=n0,mac=52:54:00:12:34:56 $net_user
      -drive if=none,id=d0,file=$work/disk.img,format=raw -device virtio-blk-device,drive=d0
      -device virtio-rng-device" -- "$work/p.img" >"$work/out" 2>&1
  status=$?
  cat "$work/out"
  [ "$status" -eq 0 ] || fail "kiln run: status $status"
  expect "$work/out" "kiln: virtio-net0 mmio@0xfeb02e00 irq 47 mac 52:54:00:12:34:56 mtu 1500"
  expect "$work/out" "kiln: virtio-blk0 mmio@0xfeb02c00 irq 46 vda 8192 sectors (4 MiB) read-write flush"
  expect "$work/out" "kiln: virtio-rng0 mmio@0xfeb02a00 irq 45: 64 bytes of entropy"
  expect "$work/out" "Hello, World"

  qemu microvm,x-option-roms=off,rtc=on "$work/out" '{"verbose":true,"selftest":true}' \
    -global virtio-mmio.force-legacy=false \
    -device virtio-net-device,netdev=n0,mac=52:54:00:12:34:56 $net_user \
    -drive "if=none,id=d0,file=$work/disk.img,format=raw" -device virtio-blk-device,drive=d0 \
    -device virtio-rng-device
  selftest_passed "$work/out" virtio-blk0 virtio-net0
  expect "$work/out" "kiln: selftest virtio-blk0: wrote, flushed and read back sectors 8188..8191 (write 0, flush 0, read 0)"
  disk_written
  ;;
pci)
  # INTx through the I/O APIC on the line SeaBIOS programmed: net on 10,
  # blk and rng sharing 11.
  for machine in q35 pc; do
    qemu $machine "$work/out" '{"verbose":true,"selftest":true}' \
      -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:57 $net_user \
      -drive "if=none,id=d0,file=$work/disk.img,format=raw" -device virtio-blk-pci,drive=d0 \
      -device virtio-rng-pci
    expect_re "$work/out" "^kiln: virtio-net0 pci@00:0[12]\.0 irq [0-9]+ mac 52:54:00:12:34:57 mtu 1500$"
    expect_re "$work/out" "^kiln: virtio-blk0 pci@00:0[23]\.0 irq [0-9]+ vda 8192 sectors \(4 MiB\) read-write flush$"
    expect_re "$work/out" "^kiln: virtio-rng0 pci@00:0[34]\.0 irq [0-9]+: 64 bytes of entropy$"
    selftest_passed "$work/out" virtio-blk0 virtio-net0
    disk_written
  done
  # A modern-only device (disable-legacy=on, device id 0x1041) behind a
  # PCIe root port, on a bus the firmware numbered.
  qemu q35 "$work/out" '{"verbose":true,"selftest":true}' \
    -device pcie-root-port,id=rp0,chassis=1 \
    -device virtio-net-pci,bus=rp0,netdev=n0,mac=52:54:00:12:34:58,disable-legacy=on $net_user
  expect_re "$work/out" "^kiln: virtio-net0 pci@01:00\.0 irq [0-9]+ mac 52:54:00:12:34:58 mtu 1500$"
  expect "$work/out" "kiln: selftest virtio-net0: 256 ARP requests in 4 bursts, 256 replies from 10.0.2.2 at 52:55:0a:00:02:02"
  expect "$work/out" "kiln: selftest: passed"
  ;;
gsi)
  # Without the second I/O APIC there are 8 slots, on GSIs 16..23 with
  # ACPI and 5..12 without (where microvm would also append Linux's
  # virtio_mmio.device= words to the JSON command line).
  for variant in "ioapic2=off 16" "acpi=off,auto-kernel-cmdline=off 5"; do
    set -- $variant
    qemu "microvm,$1" "$work/out" '{"verbose":true,"selftest":true}' \
      -global virtio-mmio.force-legacy=false \
      -device virtio-net-device,netdev=n0,mac=52:54:00:12:34:56 $net_user \
      -drive "if=none,id=d0,file=$work/disk.img,format=raw" -device virtio-blk-device,drive=d0
    expect "$work/out" "kiln: virtio-net0 mmio@0xfeb00e00 irq $(($2 + 7)) mac 52:54:00:12:34:56 mtu 1500"
    expect "$work/out" "kiln: virtio-blk0 mmio@0xfeb00c00 irq $(($2 + 6)) vda 8192 sectors (4 MiB) read-write flush"
    selftest_passed "$work/out" virtio-blk0 virtio-net0
    disk_written
  done
  ;;
disks)
  # Serials kiln-vdX name the disks whatever the slot order, and a disk
  # without one comes after them, wherever it sits; a read-only drive
  # refuses writes.
  cp "$work/disk.img" "$work/other.img"
  cp "$work/disk.img" "$work/third.img"
  qemu microvm,x-option-roms=off,rtc=on "$work/out" '{"verbose":true,"selftest":true}' \
    -global virtio-mmio.force-legacy=false \
    -drive "if=none,id=d2,file=$work/third.img,format=raw" -device virtio-blk-device,drive=d2 \
    -drive "if=none,id=d1,file=$work/other.img,format=raw,readonly=on" \
    -device virtio-blk-device,drive=d1,serial=kiln-vdb \
    -drive "if=none,id=d0,file=$work/disk.img,format=raw" -device virtio-blk-device,drive=d0,serial=kiln-vda
  expect "$work/out" "kiln: virtio-blk0 mmio@0xfeb02a00 irq 45 vda 8192 sectors (4 MiB) read-write flush serial kiln-vda"
  expect "$work/out" "kiln: virtio-blk1 mmio@0xfeb02c00 irq 46 vdb 8192 sectors (4 MiB) read-only flush serial kiln-vdb"
  expect "$work/out" "kiln: virtio-blk2 mmio@0xfeb02e00 irq 47 vdc 8192 sectors (4 MiB) read-write flush"
  for blk in virtio-blk0 virtio-blk1 virtio-blk2; do selftest_passed "$work/out" $blk ""; done
  expect "$work/out" "kiln: selftest virtio-blk1: write to a read-only disk: EROFS"
  cmp -s "$work/other.img" "$work/pristine.img" || fail "the read-only disk changed"
  disk_written
  disk_written "$work/third.img"

  # QEMU's default for virtio-mmio is the legacy interface: refused with
  # a hint, and the program still runs.
  qemu microvm,x-option-roms=off,rtc=on "$work/out" '{"verbose":true}' \
    -device virtio-rng-device
  expect "$work/out" "kiln: virtio-mmio@0xfeb02e00: legacy (version 1) device ignored; QEMU needs -global virtio-mmio.force-legacy=false"
  expect "$work/out" "Hello, World"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
echo "virtio: $mode: PASS"
