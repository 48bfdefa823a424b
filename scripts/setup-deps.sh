#!/bin/sh
# Installs the Debian packages kiln needs to build and test, only those missing.
set -eu
pkgs="build-essential cmake ninja-build g++ clang libgtest-dev nlohmann-json3-dev
      libcli11-dev qemu-system-x86 musl-tools autoconf automake make binutils
      file python3 busybox-static e2fsprogs xorriso systemd iproute2 iputils-ping netcat-openbsd dnsmasq-base golang-go rustc sqlite3 libsqlite3-dev curl python3-scapy
      wrk redis-tools lua5.4 libmemcached-tools lame mpg123 libleveldb-dev ruby3.1 ruby-webrick"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "kiln: installing missing packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
