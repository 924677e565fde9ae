"""Graceful shutdown: stop accepting, close idle connections, finish requests in flight."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from asyncio_adapter import Config, Server
from router import Router

from .helpers import STEP, RawClient, raw_client, url

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


async def start(router, **options):
    server = Server(router, Config(host="127.0.0.1", port=0, access_log=False, **options))
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
