"""An ASGI application whose startup fails in every worker: for the supervisor's restart pause.

The supervisor only imports it; each worker runs the lifespan, fails and
exits with status 3, a second or less after it was started.
"""

from __future__ import annotations


async def app(scope, receive, send):
    message = await receive()
    assert message["type"] == "lifespan.startup"
    await send({"type": "lifespan.startup.failed", "message": "database unreachable"})
