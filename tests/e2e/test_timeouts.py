"""Timeouts: an injected clock drives expiry, except in the slowloris test, which is real."""

from __future__ import annotations

import asyncio
import time

import pytest

from .apps import make_router
from .helpers import STEP, RawClient, get, raw_client, running


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


async def settle(predicate):
    """Yield to the loop until ``predicate()`` holds (bounded)."""
    deadline = time.monotonic() + STEP
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.005)


@pytest.fixture
async def clocked():
    clock = FakeClock()
    async with running(
        make_router(), clock=clock, timeout_head=10, timeout_body=3, timeout_keep_alive=5
    ) as server:
        yield server, clock


async def test_a_connection_that_sends_nothing_is_closed_silently(clocked):
    server, clock = clocked
    async with raw_client(server) as raw:
        await settle(lambda: len(server.connections) == 1)
        clock.now += 9.9
        server.sweeper.sweep()
        await asyncio.sleep(0.01)
        assert len(server.connections) == 1
        clock.now += 0.2
        server.sweeper.sweep()
        assert await raw.at_eof()


async def test_a_partial_head_gets_408_counted_from_accept(clocked):
    server, clock = clocked
    async with raw_client(server) as raw:
        await settle(lambda: len(server.connections) == 1)
        clock.now += 6
        await raw.send(b"GET / HTTP/1.1\r\n")
        await asyncio.sleep(0.01)
        clock.now += 4.1  # 10.1 s after accept, 4.1 s after the first byte
        server.sweeper.sweep()
        response = await raw.read_response()
        assert response.status == 408
        assert response.header("connection") == "close"
        assert await raw.at_eof()


async def test_idle_keep_alive_connection_is_closed(clocked):
    server, clock = clocked
    async with raw_client(server) as raw:
        await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"hello"
        clock.now += 4.9
        server.sweeper.sweep()
        await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"hello"
        clock.now += 5.1
        server.sweeper.sweep()
        assert await raw.at_eof()


async def test_a_stalled_body_gets_408(clocked):
    server, clock = clocked
    async with raw_client(server) as raw:
        await raw.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
        await asyncio.sleep(0.01)
        clock.now += 2
        await raw.send(b"cd")  # each read re-arms the body timeout
        await asyncio.sleep(0.01)
        clock.now += 2
        server.sweeper.sweep()
        await asyncio.sleep(0.01)
        clock.now += 1.1
        server.sweeper.sweep()
        response = await raw.read_response()
        assert response.status == 408
        assert await raw.at_eof()


async def test_a_stalled_streamed_body_gets_408(clocked):
    server, clock = clocked
    async with raw_client(server) as raw:
        await raw.send(
            b"POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n" + b"a" * 100
        )
        await asyncio.sleep(0.02)
        clock.now += 3.1
        server.sweeper.sweep()
        response = await raw.read_response()
        assert response.status == 408


async def test_slowloris_is_cut_off_while_a_normal_client_is_served():
    """Many connections trickling a head byte by byte are closed by the head timeout,
    and meanwhile an ordinary request is answered at once."""
    async with running(make_router(), timeout_head=0.6) as server:
        slow = [await RawClient.connect(server) for _ in range(30)]
        try:
            request = b"GET / HTTP/1.1\r\nHost: t\r\nX-Padding: " + b"p" * 1000
            started = time.monotonic()
            closed = set()

            async def trickle(index, client):
                for byte in request:
                    if client.reader.at_eof() or time.monotonic() - started > 3:
                        return
                    try:
                        await client.send(bytes([byte]))
                    except (ConnectionError, RuntimeError):
                        return
                    await asyncio.sleep(0.05)

            tricklers = [asyncio.create_task(trickle(i, c)) for i, c in enumerate(slow)]
            await asyncio.sleep(0.2)
            before = time.monotonic()
            assert (await get(server)).body == b"hello"
            assert time.monotonic() - before < 0.5  # well inside the 0.6 s head timeout
            for index, client in enumerate(slow):
                response = await client.read_response()
                assert response.status == 408
                assert await client.at_eof()
                closed.add(index)
            elapsed = time.monotonic() - started
            assert len(closed) == len(slow)
            assert elapsed < 2.0
            await asyncio.gather(*tricklers)
        finally:
            for client in slow:
                await client.close()


async def test_a_partial_head_pipelined_behind_a_request_gets_408_not_an_idle_close(clocked):
    """DESIGN.md: a connection that sent part of a head gets 408 when the head
    timeout expires, even when that part came in the same write as a whole request."""
    server, clock = clocked
    async with raw_client(server) as raw:
        await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HT")
        assert (await raw.read_response()).body == b"hello"
        clock.now += 5.1  # past the keep-alive idle time, not the head timeout
        server.sweeper.sweep()
        await asyncio.sleep(0.01)
        assert len(server.connections) == 1
        clock.now += 5.0
        server.sweeper.sweep()
        response = await raw.read_response()
        assert response.status == 408
        assert await raw.at_eof()


async def test_a_blank_line_after_a_body_leaves_the_connection_idle(clocked):
    """RFC 9112 §2.2: some clients send a CRLF after a body. It begins no
    request: the connection is idle, closed silently after the keep-alive
    time, not given a 408 after the head timeout."""
    server, clock = clocked
    async with raw_client(server) as raw:
        await raw.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi\r\n")
        assert (await raw.read_response()).body == b"hi"
        await asyncio.sleep(0.01)
        clock.now += 5.1  # past the keep-alive idle time, not the head timeout
        server.sweeper.sweep()
        assert await raw.at_eof()  # no bytes: no 408
