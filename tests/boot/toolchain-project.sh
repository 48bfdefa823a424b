#!/bin/bash
# Builds a small project with kiln's cross toolchain in a temporary directory,
# then runs the result (in kiln, or natively) through run-guest.py.
#
#   toolchain-project.sh --kind autoconf|cmake --src DIR --bindir BUILD/bin
#       --toolchain-file BUILD/share/kiln/toolchain.cmake [--cmake CMAKE]
#       --runner "PYTHON run-guest.py" --expect FILE --mode kiln|native [--keep]
#
# autoconf: autoreconf -i; ./configure --host=x86_64-kiln-linux; make
# cmake:    cmake -DCMAKE_TOOLCHAIN_FILE=...; cmake --build
set -euo pipefail

kind= src= bindir= toolchain_file= cmake=cmake runner= expect= mode=kiln keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --kind) kind=$2; shift 2 ;;
    --src) src=$2; shift 2 ;;
    --bindir) bindir=$2; shift 2 ;;
    --toolchain-file) toolchain_file=$2; shift 2 ;;
    --cmake) cmake=$2; shift 2 ;;
    --runner) runner=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "toolchain-project: unknown argument: $1" >&2; exit 2 ;;
  esac
done

die() { echo "toolchain-project: error: $*" >&2; exit 1; }
[ -n "$kind" ] && [ -d "$src" ] && [ -n "$bindir" ] && [ -n "$runner" ] && [ -f "$expect" ] ||
  die "usage: see the head of $0"

cc="$bindir/x86_64-kiln-linux-gcc"
for tool in x86_64-kiln-linux-gcc x86_64-kiln-linux-g++; do
  [ -x "$bindir/$tool" ] ||
    die "cross wrapper $bindir/$tool is missing: build the tree first (tools/toolchain generates it)"
done
echo "toolchain-project: $cc -dumpmachine = $("$cc" -dumpmachine)"

work=$(mktemp -d /tmp/kiln-toolchain-XXXXXX)
cleanup() { if [ -n "$keep" ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

export PATH="$bindir:$PATH"
case "$kind" in
  autoconf)
    for t in autoreconf automake; do
      command -v $t >/dev/null || die "$t is missing (Debian packages autoconf, automake)"
    done
    cp -r "$src" "$work/src"
    cd "$work/src"
    autoreconf -i >"$work/autoreconf.log" 2>&1 || { cat "$work/autoreconf.log"; die "autoreconf -i failed"; }
    ./configure --host=x86_64-kiln-linux >"$work/configure.log" 2>&1 ||
      { cat "$work/configure.log"; cat config.log 2>/dev/null | tail -40; die "./configure --host=x86_64-kiln-linux failed"; }
    grep -q "checking for x86_64-kiln-linux-gcc... x86_64-kiln-linux-gcc" "$work/configure.log" ||
      { cat "$work/configure.log"; die "configure did not pick up x86_64-kiln-linux-gcc"; }
    make >"$work/make.log" 2>&1 || { cat "$work/make.log"; die "make failed"; }
    prog="$work/src/hello"
    ;;
  cmake)
    [ -f "$toolchain_file" ] ||
      die "toolchain file $toolchain_file is missing: build the tree first (tools/toolchain generates it)"
    "$cmake" -S "$src" -B "$work/build" -DCMAKE_TOOLCHAIN_FILE="$toolchain_file" >"$work/configure.log" 2>&1 ||
      { cat "$work/configure.log"; die "cmake configure failed"; }
    "$cmake" --build "$work/build" >"$work/make.log" 2>&1 || { cat "$work/make.log"; die "cmake --build failed"; }
    compiler=$(grep -h 'set(CMAKE_CXX_COMPILER "' "$work"/build/CMakeFiles/*/CMakeCXXCompiler.cmake || true)
    case "$compiler" in
      *x86_64-kiln-linux-*) ;;
      *) die "the toolchain file did not select x86_64-kiln-linux-g++: ${compiler:-no compiler recorded}" ;;
    esac
    prog="$work/build/hello"
    ;;
  *) die "--kind must be autoconf or cmake" ;;
esac

[ -x "$prog" ] || die "the build produced no $prog"
# The wrappers link statically by default: no program interpreter.
if readelf -lW "$prog" | grep -q "INTERP"; then
  die "$prog is dynamically linked; the cross wrappers must link statically by default"
fi
echo "toolchain-project: built $prog ($(stat -c %s "$prog") bytes)"

# shellcheck disable=SC2086  # runner is "python script"
$runner --mode "$mode" --kiln "$bindir/kiln" --prog "$prog" --expect-out "$expect"
