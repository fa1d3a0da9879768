#!/usr/bin/env python3
"""Traffic for scripts/make-large-capture.sh: a server and a client that keep hundreds
of TCP connections busy at once inside two network namespaces.

    large-capture-traffic.py server ADDR
    large-capture-traffic.py client ADDR [--short N] [--bulk N] [--upload N]
                                        [--seconds S] [--seed SEED]

Services on ADDR (all plain TCP, kernel defaults):
  port 80   HTTP/1.1-like: "GET /gen/<size>/<name> HTTP/1.1" with browser-sized
            headers, answered with <size> bytes behind a Content-Length header;
            keep-alive unless the request says "Connection: close" (then the server
            closes first).
  port 5001 bulk download: "SEND <n>\\n", the server sends n bytes and closes.
  port 5002 bulk upload:   "RECV <n>\\n" then n bytes, the server answers "OK\\n" and
            the client closes.

The client runs --short request/response workers (1 to 4 requests per connection,
body sizes lognormal with a median near 1.8 KB, capped at 60 KB), --bulk download
workers (2 to 24 MB each) and --upload workers (1 to 8 MB each), each one looping,
until --seconds have passed or it is terminated. Sizes and plans come from --seed;
everything else (ports, ISNs, timing) from the kernel.
"""

import asyncio
import os
import random
import signal
import sys

BODY = os.urandom(1 << 20)
CHUNK = 256 * 1024


async def write_bytes(writer, n):
    """Write n bytes of the shared random body."""
    off = 0
    while n > 0:
        k = min(n, CHUNK, len(BODY) - off)
        writer.write(memoryview(BODY)[off:off + k])
        await writer.drain()
        n -= k
        off = (off + k) % len(BODY)


async def close(writer):
    try:
        writer.close()
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass


async def http_conn(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            line = head.split(b"\r\n", 1)[0].split()
            parts = line[1].split(b"/") if len(line) > 1 else []
            size = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
            closing = b"connection: close" in head.lower()
            writer.write(
                b"HTTP/1.1 200 OK\r\nServer: synack-big\r\nContent-Type: "
                b"application/octet-stream\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n"
                % (size, b"close" if closing else b"keep-alive"))
            await write_bytes(writer, size)
            if closing:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
        pass
    await close(writer)


async def bulk_conn(reader, writer):
    try:
        line = await reader.readline()
        await write_bytes(writer, int(line.split()[1]))
    except (ValueError, IndexError, ConnectionError, OSError):
        pass
    await close(writer)


async def upload_conn(reader, writer):
    try:
        line = await reader.readline()
        n = int(line.split()[1])
        while n > 0:
            data = await reader.read(min(n, CHUNK))
            if not data:
                break
            n -= len(data)
        writer.write(b"OK\n")
        await writer.drain()
        await reader.read()  # the client closes first
    except (ValueError, IndexError, ConnectionError, OSError):
        pass
    await close(writer)


async def server(addr):
    servers = [
        await asyncio.start_server(http_conn, addr, 80, backlog=1024),
        await asyncio.start_server(bulk_conn, addr, 5001, backlog=64),
        await asyncio.start_server(upload_conn, addr, 5002, backlog=64),
    ]
    await asyncio.gather(*(s.serve_forever() for s in servers))


HEADERS = (b"Host: 10.78.0.2\r\nUser-Agent: synack-big/1.0 (X11; Linux x86_64)\r\n"
           b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
           b"Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: identity\r\n")


async def short_worker(addr, rng, deadline, loop, stats):
    while loop.time() < deadline:
        try:
            reader, writer = await asyncio.open_connection(addr, 80)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        try:
            requests = rng.randint(1, 4)
            server_closes = rng.random() < 0.5
            for i in range(requests):
                size = min(60000, int(rng.lognormvariate(7.5, 1.2)))
                last = i == requests - 1
                conn = b"close" if (last and server_closes) else b"keep-alive"
                writer.write(b"GET /gen/%d/obj%06d HTTP/1.1\r\n%sConnection: %s\r\n\r\n"
                             % (size, stats[0], HEADERS, conn))
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for h in head.split(b"\r\n"):
                    if h.lower().startswith(b"content-length:"):
                        length = int(h.split(b":")[1])
                await reader.readexactly(length)
                stats[0] += 1
            if server_closes:
                await reader.read()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
            pass
        await close(writer)


async def bulk_worker(addr, rng, deadline, loop, stats):
    while loop.time() < deadline:
        try:
            reader, writer = await asyncio.open_connection(addr, 5001)
            writer.write(b"SEND %d\n" % rng.randint(2 << 20, 24 << 20))
            await writer.drain()
            while await reader.read(CHUNK):
                pass
            stats[1] += 1
        except OSError:
            await asyncio.sleep(0.05)
            continue
        await close(writer)


async def upload_worker(addr, rng, deadline, loop, stats):
    while loop.time() < deadline:
        try:
            reader, writer = await asyncio.open_connection(addr, 5002)
            n = rng.randint(1 << 20, 8 << 20)
            writer.write(b"RECV %d\n" % n)
            await write_bytes(writer, n)
            await reader.readline()
            stats[2] += 1
        except OSError:
            await asyncio.sleep(0.05)
            continue
        await close(writer)


async def client(addr, short, bulk, upload, seconds, seed):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    stats = [0, 0, 0]
    master = random.Random(seed)
    tasks = []
    for kind, count in ((short_worker, short), (bulk_worker, bulk), (upload_worker, upload)):
        for _ in range(count):
            rng = random.Random(master.getrandbits(64))
            tasks.append(asyncio.create_task(kind(addr, rng, deadline, loop, stats)))
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    waiter = asyncio.create_task(stop.wait())
    everything = asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.wait([waiter, everything], return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    for t in tasks:
        t.cancel()
    await everything
    print(f"client: {stats[0]} requests, {stats[1]} downloads, {stats[2]} uploads done",
          file=sys.stderr)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("server", "client"):
        print(__doc__, file=sys.stderr)
        return 2
    addr = argv[2]
    if argv[1] == "server":
        asyncio.run(server(addr))
        return 0
    opts = {"--short": 400, "--bulk": 6, "--upload": 2, "--seconds": 300, "--seed": 7}
    args = argv[3:]
    while args:
        key = args.pop(0)
        if key not in opts or not args:
            print(__doc__, file=sys.stderr)
            return 2
        opts[key] = int(args.pop(0))
    asyncio.run(client(addr, opts["--short"], opts["--bulk"], opts["--upload"],
                       opts["--seconds"], opts["--seed"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
