"""``App.serve``: signals in a running loop, as ``start_server`` uses it."""

from __future__ import annotations

import asyncio
import os
import signal

from asyncio_adapter import App
from router import Router

from .helpers import STEP, RawClient
from .test_shutdown import until


def gated_app():
    gate = asyncio.Event()
    entered = []

    async def slow(request):
        entered.append(1)
        await gate.wait()
        return "done"

    router = Router()
    router.add_routes({"/slow": slow})
    return App(router, port=0, access_log=False), gate, entered


async def serving_in_flight(app, entered):
    """Start ``app.serve()`` and put one request in flight; return (task, client)."""
    ready = asyncio.get_running_loop().create_future()
    serving = asyncio.create_task(app.serve(ready=ready.set_result))
    server = await asyncio.wait_for(ready, STEP)
    raw = await RawClient.connect(server)
    await raw.send(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
    await until(lambda: entered)
    return serving, raw


async def test_sigterm_drains_then_serve_returns():
    app, gate, entered = gated_app()
    serving, raw = await serving_in_flight(app, entered)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0.05)
        assert not serving.done()  # waiting for the request in flight
        gate.set()
        response = await raw.read_response()
        assert (response.status, response.body) == (200, b"done")
    finally:
        await raw.close()
    await asyncio.wait_for(serving, STEP)


async def test_a_second_signal_stops_at_once():
    app, gate, entered = gated_app()
    serving, raw = await serving_in_flight(app, entered)
    try:
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.wait_for(serving, STEP)
        assert await raw.at_eof()
    finally:
        await raw.close()
        gate.set()
