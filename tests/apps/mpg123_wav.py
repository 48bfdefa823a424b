#!/usr/bin/python3
"""Debian's mpg123, baked by packages/mpg123, decodes an MP3 read from an ISO
to a WAV file on an ext2 volume (`-w`); the file, read back with debugfs,
must be byte-identical to the host's mpg123 decoding the same MP3, and
e2fsck must find the volume clean.

The MP3 is made here: a generated 3-second stereo WAV (two tones and a
sweep) encoded by Debian's lame. Both runs pass `--cpu x86-64`: mpg123
picks its synthesis routine by the CPU's features (AVX where there is AVX),
and the routines round differently, so the host and a guest on another CPU
model would otherwise decode with different code; x86-64 (SSE) is there on
every x86_64 CPU.

    mpg123_wav.py KILN PACKAGES_DIR OUT_DIR
"""

import math
import os
import struct
import subprocess
import sys
import tempfile
import wave

from pkglib import build_package, make_iso, need_programs, program_output

kiln, packages_dir, out_dir = sys.argv[1:4]
need_programs("lame", "mpg123", "mke2fs", "debugfs", "e2fsck", "xorriso")
out = build_package(kiln, packages_dir, "mpg123", out_dir, "image")
image = os.path.join(out, "mpg123.img")
RATE = 44100
DECODE = ["-q", "--cpu", "x86-64", "-w"]


def make_wav(path, seconds=3):
    frames = bytearray()
    for i in range(RATE * seconds):
        t = i / RATE
        left = 12000 * math.sin(2 * math.pi * 440 * t) + 6000 * math.sin(2 * math.pi * (200 + 300 * t) * t)
        right = 14000 * math.sin(2 * math.pi * 660 * t)
        frames += struct.pack("<hh", int(left), int(right))
    with wave.open(path, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))


with tempfile.TemporaryDirectory() as work:
    data = os.path.join(work, "data")
    os.makedirs(data)
    source = os.path.join(work, "source.wav")
    make_wav(source)
    mp3 = os.path.join(data, "song.mp3")
    subprocess.run(["lame", "--quiet", "-b", "128", source, mp3], check=True)
    iso = make_iso(data, os.path.join(work, "mp3.iso"), "MP3")
    volume = os.path.join(work, "out.ext2")
    subprocess.run(["mke2fs", "-q", "-t", "ext2", volume, "16M"], check=True)

    want = os.path.join(work, "host.wav")
    subprocess.run(["mpg123"] + DECODE + [want, mp3], check=True, timeout=60)

    run = subprocess.run([kiln, "run", "tcg", "-i", "-M", "32", "-b", iso + ",/data", "-b", volume + ",/out", "--",
                          image] + DECODE + ["/out/song.wav", "/data/song.mp3"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"guest status {run.returncode}:\n{run.stdout}{run.stderr}"
    printed = program_output(run.stdout)
    assert printed.strip() == "", f"mpg123 -q printed:\n{printed}"

    got = os.path.join(work, "guest.wav")
    subprocess.run(["debugfs", "-R", f"dump /song.wav {got}", volume], check=True, capture_output=True)
    assert os.path.exists(got), "no /song.wav on the volume"
    with open(want, "rb") as f:
        want_bytes = f.read()
    with open(got, "rb") as f:
        got_bytes = f.read()
    # A 44-byte header and 3 s of 16-bit stereo at 44.1 kHz: mpg123 decodes
    # gaplessly, cutting lame's encoder delay and padding (from its LAME tag).
    assert want_bytes[:4] == b"RIFF" and want_bytes[8:16] == b"WAVEfmt ", "the host wrote no WAV header"
    assert len(want_bytes) == 44 + RATE * 4 * 3, f"the host decoded {len(want_bytes)} bytes"
    assert got_bytes == want_bytes, (f"the guest's WAV ({len(got_bytes)} bytes) differs from the host's "
                                     f"({len(want_bytes)} bytes)")
    fsck = subprocess.run(["e2fsck", "-fn", volume], capture_output=True, text=True)
    assert fsck.returncode == 0, f"the volume is not clean:\n{fsck.stdout}{fsck.stderr}"
    print(f"mpg123: {len(got_bytes)} bytes of WAV, identical to the host's")
print("mpg123_wav: PASS")
