"""The router nginx proxies to: the e2e routes plus what shows the upstream side."""

from __future__ import annotations

import asyncio

from asyncio_adapter import Response
from tests.e2e.apps import make_router


async def peer(request):
    """Who connected to us and what the proxy added: the upstream view of a request."""
    return {
        "client": list(request.client),
        "forwarded_for": request.headers.get("x-forwarded-for"),
        "proto": request.headers.get("x-forwarded-proto"),
        "host": request.headers.get("host"),
    }


async def big(request):
    return b"x" * (1 << 20)


async def slow_stream(request):
    async def produce():
        for index in range(5):
            yield f"tick{index}\n"
            await asyncio.sleep(0.02)

    return Response(produce(), content_type="text/plain")


router = make_router()
router.add_routes({"/peer": peer, "/big": big, "/slow-stream": slow_stream})
