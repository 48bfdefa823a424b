#!/usr/bin/python3
"""1000 concurrent connections to the guest's edge-triggered epoll echo
server (progs/epoll_echo.c): all are open at once, each sends its own
random payload (1 byte to 64 KiB) and must get exactly it back; then all
close, and a "quit" on the control port ends the server, which says it
served 1000 connections, all 1000 at once. The guest has the default
64 MiB: connections give back their buffers once drained."""

import asyncio
import os
import random
import resource
import sys
import tempfile
import time

from netns import GUEST4, STATIC4, Netns, bake, skip_unless_root

CONNECTIONS = 1000
PORT = 7000


async def open_all():
    # A few at a time: a SYN flood of 1000 would only test the backlog.
    gate = asyncio.Semaphore(64)

    async def one():
        async with gate:
            return await asyncio.wait_for(asyncio.open_connection(GUEST4, PORT), 60)

    return await asyncio.gather(*(one() for _ in range(CONNECTIONS)))


async def echo(reader, writer, payload):
    writer.write(payload)
    await writer.drain()
    back = await asyncio.wait_for(reader.readexactly(len(payload)), 120)
    assert back == payload, "a connection got someone else's bytes"


async def client():
    start = time.monotonic()
    conns = await open_all()
    print(f"epoll_echo: {CONNECTIONS} connections open in {time.monotonic() - start:.1f} s")
    rng = random.Random(1)
    payloads = [os.urandom(rng.randint(1, 65536)) for _ in conns]
    start = time.monotonic()
    await asyncio.gather(*(echo(r, w, p) for (r, w), p in zip(conns, payloads)))
    total = sum(map(len, payloads))
    print(f"epoll_echo: {total} bytes echoed in {time.monotonic() - start:.1f} s")
    for r, w in conns:
        w.close()
    for r, w in conns:
        assert await asyncio.wait_for(r.read(), 60) == b"", "the server sent more than the echo"
        await w.wait_closed()
    r, w = await asyncio.open_connection(GUEST4, PORT + 1)
    w.write(b"quit")
    await w.drain()
    w.close()
    return total


kiln, prog = sys.argv[1], sys.argv[2]
skip_unless_root()
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, prog, "epoll.img")
    guest = ns.start_guest(kiln, image, STATIC4, [str(PORT)])
    guest.wait_for("epoll_echo: ready")
    with ns.inside():
        try:
            total = asyncio.run(client())
        except Exception:
            print(guest.output())
            raise
    status, out = guest.finish()
    print(out)
    assert status == 0, f"guest status {status}"
    expect = f"epoll_echo: served {CONNECTIONS} connections, at most {CONNECTIONS} at once, echoed {total} bytes"
    assert expect in out, f"expected {expect!r}"
print("epoll_echo: PASS")
