#!/bin/sh
# `make demo`: build a static hello with the kiln toolchain, bake it, boot it.
set -eu
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bin/x86_64-kiln-linux-gcc" -O2 -o "$work/hello" examples/hello/hello.c
"$build/bin/kiln" bake hw_virtio "$work/hello.img" "$work/hello"
echo "+ kiln run qemu -i -- hello.img"
"$build/bin/kiln" run qemu -i -- "$work/hello.img"
