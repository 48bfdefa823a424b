#!/bin/sh
# Guest networking under `kiln run tcg` against Linux in a throw-away
# network namespace (tests/network/netns.py): TCP throughput host->guest
# and guest->host, HTTP request rate against the guest's small server
# (keep-alive and one connection per request), and the virtio-net kicks
# and interrupts per frame the kernel prints at exit with -v. Needs root.
# Usage: bench/net.sh [BUILD_DIR] [RUNS] [MIB]
set -eu
build=${1:-build}
runs=${2:-3}
mib=${3:-32}
here=$(cd "$(dirname "$0")" && pwd)
progs="$build/tests/network/progs"
cmake --build "$build" --target kiln kernel_hw_virtio net_bulk net_http_server >/dev/null
exec /usr/bin/python3 "$here/net_bench.py" "$build/bin/kiln" "$progs" "$runs" "$mib"
