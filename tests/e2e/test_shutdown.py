"""Graceful shutdown: stop accepting, close idle connections, finish requests in flight."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import pytest

from asyncio_adapter import Config, Server
from asyncio_adapter._server import SHUTDOWN_IDLE_SETTLE
from router import Router

from .helpers import STEP, RawClient, get, raw_client, url
from .test_timeouts import FakeClock

GET_FAST = b"GET /fast HTTP/1.1\r\nHost: t\r\n\r\n"

IN_FLIGHT = 5


def gated_router():
    gate = asyncio.Event()
    entered = []

    async def slow(request):
        entered.append(request.path)
        await gate.wait()
        return "done"

    async def fast(request):
        return "fast"

    router = Router()
    router.add_routes({"/slow": slow, "/fast": fast})
    return router, gate, entered


async def until(predicate):
    deadline = time.monotonic() + STEP
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.005)


async def start(router, *, clock=None, **options):
    config = Config(host="127.0.0.1", port=0, access_log=False, **options)
    server = Server(router, config, clock=clock)
    await server.start()
    return server


async def test_requests_in_flight_all_complete():
    router, gate, entered = gated_router()
    server = await start(router)
    try:
        async with httpx.AsyncClient(timeout=STEP) as client:
            in_flight = [
                asyncio.create_task(client.get(url(server, "/slow"))) for _ in range(IN_FLIGHT)
            ]
            idle = await RawClient.connect(server)
            await idle.send(b"GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await idle.read_response()).body == b"fast"
            await until(lambda: len(entered) == IN_FLIGHT)
            address = server.address

            shutdown = asyncio.create_task(server.shutdown(grace_period=STEP))
            assert await idle.at_eof()  # the idle keep-alive connection is closed at once
            await idle.close()
            with pytest.raises(ConnectionRefusedError):
                await asyncio.open_connection(*address)
            assert not shutdown.done()

            gate.set()
            responses = await asyncio.gather(*in_flight)
            await asyncio.wait_for(shutdown, STEP)
        assert [r.status_code for r in responses] == [200] * IN_FLIGHT
        assert all(r.text == "done" for r in responses)
        assert all(r.headers["connection"] == "close" for r in responses)
        assert not server.connections
    finally:
        server.abort()


async def test_grace_period_over_closes_what_is_left():
    router, gate, entered = gated_router()
    server = await start(router)
    try:
        async with raw_client(server) as raw:
            await raw.send(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            await until(lambda: len(entered) == 1)
            started = time.monotonic()
            await server.shutdown(grace_period=0.2)
            assert 0.15 < time.monotonic() - started < STEP
            assert await raw.at_eof()
        assert not server.connections
    finally:
        gate.set()
        server.abort()


async def test_a_request_that_arrived_during_the_last_one_is_answered():
    """Shutdown closes idle connections only: bytes already received are a request in flight."""
    router, gate, entered = gated_router()
    server = await start(router)
    try:
        async with raw_client(server) as raw:
            await raw.send(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            await until(lambda: entered)
            await raw.send(b"GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")
            (connection,) = server.connections
            await until(lambda: connection._inbox)
            gate.set()
            await until(lambda: not connection._inbox)
            shutdown = asyncio.create_task(server.shutdown(grace_period=STEP))
            assert (await raw.read_response()).body == b"done"
            assert (await raw.read_response()).body == b"fast"
            assert await raw.at_eof()
            await asyncio.wait_for(shutdown, STEP)
    finally:
        server.abort()


async def test_a_connection_whose_first_request_comes_after_the_shutdown_is_answered():
    """Accepted means the kernel queued it for us: no other worker can answer it."""
    router, _, _ = gated_router()
    server = await start(router)
    try:
        async with raw_client(server) as raw:
            await until(lambda: server.connections)
            shutdown = asyncio.create_task(server.shutdown(grace_period=STEP))
            await until(lambda: server.closing)
            await asyncio.sleep(0.05)  # past the shutdown's shut_down() calls
            await raw.send(GET_FAST)
            response = await raw.read_response()
            assert (response.status, response.body) == (200, b"fast")
            assert response.header("connection") == "close"
            assert await raw.at_eof()
            await asyncio.wait_for(shutdown, STEP)
    finally:
        server.abort()


async def test_the_drain_waits_even_after_earlier_connections_came_and_went():
    router, gate, entered = gated_router()
    server = await start(router)
    try:
        assert (await get(server, "/fast")).body == b"fast"
        await until(lambda: not server.connections)  # none left: the last close is behind us
        async with raw_client(server) as raw:
            await raw.send(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            await until(lambda: entered)
            shutdown = asyncio.create_task(server.shutdown(grace_period=STEP))
            await asyncio.sleep(0.05)
            assert not shutdown.done()
            gate.set()
            assert (await raw.read_response()).body == b"done"
            await asyncio.wait_for(shutdown, STEP)
    finally:
        server.abort()


async def test_a_connection_accepted_as_the_server_stops_accepting_is_answered():
    """asyncio builds an accepted connection's transport one loop iteration later.

    The connection is queued in the kernel first, so the loop's next
    iteration accepts it and then, in the same iteration, runs the timer
    that stops accepting: closing the asyncio server there would leave the
    accepted connection unanswered and open.
    """
    router, _, _ = gated_router()
    server = await start(router)
    loop = asyncio.get_running_loop()
    client = socket.create_connection(server.address, timeout=STEP)
    try:
        client.sendall(GET_FAST)
        client.setblocking(False)
        stopped = loop.create_future()

        def stop_accepting():
            server.stop_accepting()
            stopped.set_result(None)

        loop.call_at(loop.time(), stop_accepting)
        await stopped
        shutdown = asyncio.create_task(server.shutdown(grace_period=STEP))
        reply = b""
        for _ in range(100):
            chunk = await asyncio.wait_for(loop.sock_recv(client, 65536), STEP)
            if not chunk:
                break
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"\r\nconnection: close\r\n" in reply.lower()
        assert reply.endswith(b"\r\n\r\nfast")
        await asyncio.wait_for(shutdown, STEP)
    finally:
        client.close()
        server.abort()


async def test_idle_connections_close_at_once_unless_they_were_just_used():
    """An idle kept-alive connection is closed, but not right after its response.

    A client that reuses it sends its next request within a round trip;
    cut then, the request would fail. So one answered less than
    SHUTDOWN_IDLE_SETTLE ago stays open that long and a request on it is
    answered with ``Connection: close``; one idle for longer closes at once.
    """
    router, _, _ = gated_router()
    clock = FakeClock()
    server = await start(router, clock=clock)
    try:
        async with raw_client(server) as stale, raw_client(server) as busy:
            async with raw_client(server) as quiet:
                await stale.send(GET_FAST)
                assert (await stale.read_response()).body == b"fast"
                clock.now += 1.0
                for raw in (busy, quiet):
                    await raw.send(GET_FAST)
                    assert (await raw.read_response()).body == b"fast"

                shutdown = asyncio.create_task(server.shutdown(grace_period=STEP))
                assert await stale.at_eof()
                await busy.send(GET_FAST)
                response = await busy.read_response()
                assert (response.body, response.header("connection")) == (b"fast", "close")
                assert await busy.at_eof()
                await until(lambda: len(server.connections) == 1)  # quiet, for now

                clock.now += SHUTDOWN_IDLE_SETTLE
                server.sweeper.sweep()
                assert await quiet.at_eof()
            await asyncio.wait_for(shutdown, STEP)
    finally:
        server.abort()
