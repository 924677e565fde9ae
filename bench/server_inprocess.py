"""CPU per request with the socket faked out: the part of bench/server.py that noise cannot move.

wrk against a real socket measures the kernel and a shared machine as much
as the server. Here 50 protocol instances per server get a fake transport
(``write`` counts, nothing is sent), the same keep-alive GET is fed to each
with ``data_received``, and the loop runs until every response is written.
What is left is the user-space work per request: parsing, routing, the
handler, serializing and waking the connection's task; the syscalls that
every server makes alike are out. Best of several trials of process time.

Servers: "ours" is the article App (bench/server_app.py); "ours (ASGI)"
serves bench/server_asgi.py:app through the ASGI bridge, the same app and
protocol classes that uvicorn runs with httptools and with h11 here.
Ratios are the reference's time over ours: above 1, ours is faster.

    python bench/server_inprocess.py [--loop uvloop]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The repo root, not bench/, goes first: bench/router.py would shadow router.
sys.path[0] = str(Path(__file__).resolve().parents[1])

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\n\r\n"
CONNECTIONS = 50
ROUNDS = 1000
TRIALS = 5


class Responses:
    """How many response heads all the fake transports were given."""

    def __init__(self) -> None:
        self.count = 0


class FakeTransport:
    """Just enough of a transport for our server and uvicorn's protocols.

    ``write`` counts the response heads it is given: a server may write a
    head and its body apart (uvicorn does) or several responses at once.
    """

    def __init__(self, responses: Responses) -> None:
        self.responses = responses
        self.closing = False

    def write(self, data: bytes) -> None:
        self.responses.count += data.count(b"HTTP/1.1 ")

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 50000) if name in ("peername", "sockname") else default

    def close(self) -> None:
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def set_protocol(self, protocol: object) -> None:
        pass

    def can_write_eof(self) -> bool:
        return False


async def drive(make_protocol: Callable[[], Any]) -> float:
    """Microseconds of process time per request, best of TRIALS."""
    responses = Responses()
    protocols = []
    for _ in range(CONNECTIONS):
        protocol = make_protocol()
        protocol.connection_made(FakeTransport(responses))
        protocols.append(protocol)
    await asyncio.sleep(0)
    best = float("inf")
    for _ in range(TRIALS):
        started = time.process_time()
        for _ in range(ROUNDS):
            expected = responses.count + CONNECTIONS
            for protocol in protocols:
                protocol.data_received(REQUEST)
            # Turns of the loop until every connection has answered: as many
            # as the server needs (ours two, three through the ASGI bridge's
            # task per request), so each round starts with idle connections.
            # Polling, not an Event: the loop's turns are what is measured.
            while responses.count < expected:  # noqa: ASYNC110
                await asyncio.sleep(0)
        best = min(best, time.process_time() - started)
    for protocol in protocols:
        protocol.connection_lost(None)
    await asyncio.sleep(0)
    return best / (ROUNDS * CONNECTIONS) * 1e6


async def ours() -> float:
    from asyncio_adapter import Config, Server
    from asyncio_adapter._server import HTTPConnection
    from bench.server_app import router

    server = Server(router, Config(port=0, access_log=False))
    await server.start()
    try:
        return await drive(lambda: HTTPConnection(server))
    finally:
        server.abort()


async def ours_asgi() -> float:
    """The same ASGI app uvicorn runs, through our bridge, set up as the CLI does."""
    from asyncio_adapter import Config, Server
    from asyncio_adapter._asgi import ASGIRoutes
    from asyncio_adapter._server import HTTPConnection
    from bench.server_asgi import app

    routes = ASGIRoutes(app)
    await routes.startup()
    server = Server(routes, Config(port=0, access_log=False, limit_request_body=0))
    await server.start()
    try:
        return await drive(lambda: HTTPConnection(server))
    finally:
        server.abort()
        await routes.shutdown()


async def uvicorn(http: str) -> float:
    from uvicorn.config import Config
    from uvicorn.server import ServerState

    from bench.server_asgi import app

    config = Config(app=app, http=http, access_log=False, log_level="warning", lifespan="off")
    config.load()
    state = ServerState()
    loop = asyncio.get_running_loop()
    assert config.http_protocol_class is not None
    protocol_class: Any = config.http_protocol_class
    return await drive(
        lambda: protocol_class(config=config, server_state=state, app_state={}, _loop=loop)
    )


def measure(loop_name: str) -> dict[str, float]:
    """CPU microseconds per request for each server, on a fresh loop each."""
    factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    if loop_name == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    results = {}
    for name, run in (
        ("ours", ours),
        ("ours (ASGI)", ours_asgi),
        ("uvicorn+httptools", lambda: uvicorn("httptools")),
        ("uvicorn+h11", lambda: uvicorn("h11")),
    ):
        with asyncio.Runner(loop_factory=factory) as runner:
            results[name] = runner.run(run())
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="uvloop")
    args = parser.parse_args()
    results = measure(args.loop)
    for name, micros in results.items():
        print(f"{args.loop:8} {name:20} {micros:6.2f} us per request")
    # Ratios as req/s would compare: the reference's microseconds over ours,
    # so above 1 means ours does the same request with less CPU.
    for ours_name in ("ours", "ours (ASGI)"):
        ratios = "   ".join(
            f"{ours_name} / {reference}: {results[reference] / results[ours_name]:.2f}x"
            for reference in ("uvicorn+httptools", "uvicorn+h11")
        )
        print(f"{args.loop:8} {ratios}")


if __name__ == "__main__":
    main()
