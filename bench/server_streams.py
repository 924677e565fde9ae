"""The streams variant in ``bench/server.py``: ``asyncio.start_server``, done lean.

DESIGN.md names ``asyncio.start_server``; ``asyncio_adapter`` uses a
Protocol instead. To justify that, this file serves ``server_app``'s router
the way a streams server would, with the same per-request work as
``asyncio_adapter``'s hot path (the ``Connection``, the user ``Request``,
the router, the handler awaited inline, a cached response head) but none of
its timeouts, logging, 100-continue or error handling. If even this lean
streams server is slower, the streams layer is what costs.
"""

from __future__ import annotations

import asyncio
import email.utils
import sys
from pathlib import Path

# The repo root, not bench/, goes first: bench/router.py would shadow router.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from asyncio_adapter import Request as UserRequest  # noqa: E402
from bench.server_app import router  # noqa: E402
from bench.server_runner import run_server  # noqa: E402
from sansio_http import SERVER, Connection, EndOfMessage, Request, Response  # noqa: E402

# Built once, as asyncio_adapter caches its plain heads.
HEAD = Response(
    status_code=200,
    headers=[
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"date", email.utils.formatdate(usegmt=True).encode()),
    ],
    reason=b"OK",
)


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    conn = Connection(SERVER)
    try:
        while True:
            data = await reader.read(65536)
            events = conn.receive_data(data)
            out = []
            while events:
                event = events[0]
                if type(event) is not Request:
                    return
                if type(events[-1]) is not EndOfMessage:
                    return  # lean: bodies are not part of this benchmark
                path = event.target.decode("latin-1")
                method = event.method.decode("ascii")
                match = router.match(method, path)
                request = UserRequest(method, path, headers=event.headers, body=b"")
                result = await match.handler(request, **match.params)
                out.append(conn.send_complete(HEAD, result.encode()))
                if not conn.keep_alive:
                    break
                events = conn.next_events()
            if out:
                writer.write(b"".join(out))
                await writer.drain()
            if not conn.keep_alive or not data:
                return
    except ConnectionError:
        return  # wrk resets connections when a run ends
    finally:
        writer.close()


async def start(port: int) -> asyncio.AbstractServer:
    return await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)


if __name__ == "__main__":
    run_server(start)
