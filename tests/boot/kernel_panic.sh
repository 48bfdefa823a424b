#!/bin/sh
# A kernel panic is loud and clean: a bad boot configuration (here an "args"
# array holding a number, passed with a second -append that overrides the
# launcher's) must print "kiln: kernel panic:" with a symbolized kernel
# backtrace, and the launcher must exit 255, the kernel's panic status.
set -u
kiln=$1
prog=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kiln" bake hw_virtio "$work/p.img" "$prog" || exit 1
timeout 60 "$kiln" run tcg -i -g "-append '{\"args\":[1]}'" -- "$work/p.img" >"$work/out" 2>&1
status=$?
cat "$work/out"
fail() { echo "kernel_panic: FAIL: $1"; exit 1; }
[ "$status" -eq 255 ] || fail "launcher status $status, expected 255"
grep -q '^kiln: kernel panic: bad boot configuration: expected an array of strings$' "$work/out" ||
  fail "no panic message"
grep -Eq '^  #0 ffffffff8[0-9a-f]+ .*(load_config|kernel_main)' "$work/out" || fail "no symbolized backtrace"
grep -q '^=== exit(255) ===$' "$work/out" || fail "no exit line"
echo "kernel_panic: PASS"
