"""Back-pressure both ways: a peer that floods us, and one that does not read."""

from __future__ import annotations

import asyncio

from asyncio_adapter import Response
from router import Router

from .helpers import STEP, raw_client, running
from .test_shutdown import until

CHUNK = 64 * 1024
CHUNKS = 1000  # 64 MiB: far more than loopback socket buffers hold


def make_router():
    gate = asyncio.Event()
    produced = []

    async def blocked(request):
        await gate.wait()
        return "released"

    async def hello(request):
        return "hi"

    async def big(request):
        async def body():
            try:
                for _ in range(CHUNKS):
                    produced.append(1)
                    yield b""  # empty chunks are skipped: b"0\r\n" would end the body
                    yield b"x" * CHUNK
            finally:
                produced.append("closed")

        return Response(body())

    async def broken(request):
        async def body():
            yield "first;"
            raise RuntimeError("the producer failed")

        return Response(body())

    router = Router()
    router.add_routes({"/blocked": blocked, "/": hello, "/big": big, "/broken": broken})
    return router, gate, produced


async def test_a_flooding_client_is_not_read_while_responses_are_owed():
    router, gate, _ = make_router()
    pipelined = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    count = 200_000 // len(pipelined)
    async with running(router) as server, raw_client(server) as raw:
        await raw.send(b"GET /blocked HTTP/1.1\r\nHost: t\r\n\r\n")
        raw.writer.write(pipelined * count)
        (connection,) = server.connections
        await until(lambda: connection._reading_paused)
        gate.set()
        assert (await raw.read_response()).body == b"released"
        for _ in range(count):
            assert (await raw.read_response()).body == b"hi"
        assert not connection._reading_paused


async def test_a_streamed_body_waits_for_a_slow_reader():
    router, _, produced = make_router()
    async with running(router) as server, raw_client(server) as raw:
        await raw.send(b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        await asyncio.sleep(0.3)  # the client reads nothing meanwhile
        assert len(produced) < CHUNKS // 2
        head = await raw.read_head()
        assert head.header("transfer-encoding") == "chunked"
        total = 0
        while True:
            size = int(await asyncio.wait_for(raw.reader.readuntil(b"\r\n"), STEP), 16)
            await asyncio.wait_for(raw.reader.readexactly(size + 2), STEP)
            if size == 0:
                break
            total += size
        assert total == CHUNK * CHUNKS


async def test_a_client_that_leaves_mid_response_stops_the_producer():
    router, _, produced = make_router()
    async with running(router) as server:
        async with raw_client(server) as raw:
            await raw.send(b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            await raw.read_head()
            await raw.reader.readexactly(CHUNK)
            raw.writer.transport.abort()
        await until(lambda: "closed" in produced)
        assert len(produced) < CHUNKS
        await until(lambda: not server.connections)


async def test_a_producer_that_fails_cuts_the_body_and_the_server_goes_on(caplog):
    router, _, _ = make_router()
    async with running(router) as server:
        async with raw_client(server) as raw:
            await raw.send(b"GET /broken HTTP/1.1\r\nHost: t\r\n\r\n")
            head = await raw.read_head()
            assert head.status == 200
            rest = await asyncio.wait_for(raw.reader.read(), STEP)
            assert rest == b"6\r\nfirst;\r\n"  # no last chunk: the client sees the cut
        async with raw_client(server) as raw:
            await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await raw.read_response()).body == b"hi"
    assert any("the producer failed" in (r.exc_text or "") for r in caplog.records)
