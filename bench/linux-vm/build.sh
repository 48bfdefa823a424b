#!/bin/sh
# Builds the Linux guest that kiln is compared against, from Debian packages
# only: Debian's cloud kernel (unpacked with dpkg-deb, never installed) and an
# initramfs holding busybox-static, the virtio modules that kernel lacks
# built in, and bench/linux-vm/init. Programs to run are added later by
# pack.sh, so one cached base serves every benchmark.
#
# Usage: bench/linux-vm/build.sh [BUILD_DIR]
# Output, in BUILD_DIR/bench/linux-vm (cached; delete it to rebuild):
#   vmlinuz          the kernel (bzImage)
#   base.cpio.gz     busybox, modules, init, a minimal /etc (gzip'd cpio, newc)
#   busybox          the static busybox, also used on the host to write cpio
#   kernel-release   e.g. 6.1.0-57-cloud-amd64
# LINUX_PKG=linux-image-6.1.0-N-cloud-amd64-unsigned picks another kernel.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
out="$build/bench/linux-vm"
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)

# The newest 6.1 cloud kernel the archive offers, unless one is named.
# (The unsigned package is the same kernel as the signed one, minus the
# Secure Boot signature, which a -kernel boot does not check.)
if [ -z "${LINUX_PKG:-}" ]; then
  LINUX_PKG=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' |
              awk '{print $1}' | sort -t- -k4,4n | tail -1)
  if [ -z "$LINUX_PKG" ]; then
    apt-get update >/dev/null
    LINUX_PKG=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' |
                awk '{print $1}' | sort -t- -k4,4n | tail -1)
  fi
fi
[ -n "$LINUX_PKG" ] || { echo "linux-vm: no linux-image-6.1.0-*-cloud-amd64-unsigned in apt" >&2; exit 1; }

# Download once; apt-get download leaves NAME_VERSION_amd64.deb here.
fetch() {
  ls "$out/debs/$1"_*.deb >/dev/null 2>&1 && return 0
  (cd "$out/debs" && apt-get download "$1" >/dev/null 2>&1) ||
    { echo "linux-vm: apt-get download $1 failed" >&2; exit 1; }
}
fetch "$LINUX_PKG"
fetch busybox-static

kdeb=$(ls "$out/debs/$LINUX_PKG"_*.deb)
stamp="$out/unpacked.$(basename "$kdeb")"
if [ ! -e "$stamp" ]; then
  rm -rf "$out/kernel" "$out/bbpkg" "$out"/unpacked.*
  dpkg-deb -x "$kdeb" "$out/kernel"
  dpkg-deb -x "$(ls "$out"/debs/busybox-static_*.deb)" "$out/bbpkg"
  touch "$stamp"
fi
release=$(ls "$out/kernel/lib/modules")
cp "$out/kernel/boot/vmlinuz-$release" "$out/vmlinuz"
cp "$out/bbpkg/bin/busybox" "$out/busybox"
echo "$release" > "$out/kernel-release"
config="$out/kernel/boot/config-$release"
moddir="$out/kernel/lib/modules/$release"

# The tree that becomes the initramfs.
root="$out/root"
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/mnt" "$root/lib/modules"
cp "$out/busybox" "$root/bin/busybox"
for applet in $("$out/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
cp "$here/init" "$root/init"
chmod 755 "$root/init"
# The /etc a program finds in kiln when its image brings none (kernel/posix/
# vfs.cpp's defaults): user and group names for nginx's getpwnam(), the
# name service's switch and localhost. A package tree packed later
# (pack.sh --tree) replaces any of them it brings.
mkdir -p "$root/etc"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"

# Modules: each driver the benchmarks need, if the config builds it as a
# module (=m), with what it depends on first. The package ships no
# modules.dep (depmod makes it at install time), so the dependencies are
# read from each module's .modinfo section.
: > "$root/lib/modules/load-order"
module_path() { find "$moddir/kernel" -name "$1.ko" | head -1; }
module_deps() {
  objcopy -O binary --only-section=.modinfo "$(module_path "$1")" /dev/stdout |
    tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}
add_module() {
  grep -qx "$1" "$root/lib/modules/load-order" && return 0
  [ -n "$(module_path "$1")" ] || { echo "linux-vm: module $1 not in $LINUX_PKG" >&2; exit 1; }
  for dep in $(module_deps "$1"); do add_module "$dep"; done
  cp "$(module_path "$1")" "$root/lib/modules/$1.ko"
  echo "$1" >> "$root/lib/modules/load-order"
}
# isofs: nginx's site is an ISO 9660 volume, as packages/nginx-light serves it.
for option in VIRTIO_MMIO:virtio_mmio VIRTIO_PCI:virtio_pci VIRTIO_NET:virtio_net VIRTIO_BLK:virtio_blk \
              ISO9660_FS:isofs; do
  if grep -qx "CONFIG_${option%%:*}=m" "$config"; then
    add_module "${option#*:}"
  elif ! grep -qx "CONFIG_${option%%:*}=y" "$config"; then
    echo "linux-vm: $release has no CONFIG_${option%%:*}" >&2; exit 1
  fi
done
# ext2 volumes are mounted by the ext4 driver; it must be built in.
grep -qx 'CONFIG_EXT4_FS=y' "$config" || echo "linux-vm: warning: ext4 is not built in; ext2 mounts will fail" >&2

# Write the archive with the busybox just unpacked: the host needs no cpio.
(cd "$root" && find . | LC_ALL=C sort | "$out/busybox" cpio -o -H newc 2>/dev/null) | gzip -9 > "$out/base.cpio.gz"
echo "linux-vm: $release, modules: $(tr '\n' ' ' < "$root/lib/modules/load-order")" >&2
echo "$out"
