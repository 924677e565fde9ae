"""CPU per request with the socket faked out: the part of bench/server.py that noise cannot move.

wrk against a real socket measures the kernel and a shared machine as much
as the server. Here 50 protocol instances per server get a fake transport
(``write`` counts, nothing is sent), the same keep-alive GET is fed to each
with ``data_received``, and the loop runs until every response is written.
What is left is the user-space work per request: parsing, routing, the
handler, serializing and waking the connection's task; the syscalls that
every server makes alike are out. Best of several trials of process time.

Then the same with a new connection per request (``Connection: close``,
as wrk's connection-per-request mode): the cost of setting a connection
up and tearing it down is in that figure.

Servers: "ours" is the article App (bench/server_app.py); "ours (ASGI)"
serves bench/server_asgi.py:app through the ASGI bridge, the same app and
protocol classes that uvicorn runs with httptools and with h11 here.
Ratios are the reference's time over ours: above 1, ours is faster.

    python bench/server_inprocess.py [--loop uvloop]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

# The repo root, not bench/, goes first: bench/router.py would shadow router.
sys.path[0] = str(Path(__file__).resolve().parents[1])

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\n\r\n"
#: What wrk sends for connection-per-request.
CLOSING_REQUEST = REQUEST[:-2] + b"Connection: close\r\n\r\n"
CONNECTIONS = 50
ROUNDS = 1000
#: Rounds of new connections: each round opens, serves and closes CONNECTIONS.
CLOSE_ROUNDS = 100
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


#: ``drive`` or ``drive_new_connections``: how the protocols are exercised.
Driver = Callable[[Callable[[], Any]], Awaitable[float]]


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


async def drive_new_connections(make_protocol: Callable[[], Any]) -> float:
    """Microseconds of process time per connection that carries one request, best of TRIALS.

    Each connection is made, sent one request with ``Connection: close``,
    answered and lost, as under wrk's connection-per-request mode: what a
    server spends to set a connection up and tear it down is in the figure.
    The loop turns once between the connections and their requests: on a
    socket the request is read in a later turn than the accept.
    """
    responses = Responses()
    best = float("inf")
    for _ in range(TRIALS):
        started = time.process_time()
        for _ in range(CLOSE_ROUNDS):
            expected = responses.count + CONNECTIONS
            protocols = []
            for _ in range(CONNECTIONS):
                protocol = make_protocol()
                protocol.connection_made(FakeTransport(responses))
                protocols.append(protocol)
            await asyncio.sleep(0)
            for protocol in protocols:
                protocol.data_received(CLOSING_REQUEST)
            while responses.count < expected:  # noqa: ASYNC110 (see drive)
                await asyncio.sleep(0)
            for protocol in protocols:
                protocol.connection_lost(None)
            # Two turns: the connections' tasks see the loss and end.
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        best = min(best, time.process_time() - started)
    return best / (CLOSE_ROUNDS * CONNECTIONS) * 1e6


async def ours(drive: Driver) -> float:
    from asyncio_adapter import Config, Server
    from asyncio_adapter._server import HTTPConnection
    from bench.server_app import router

    server = Server(router, Config(port=0, access_log=False))
    await server.start()
    try:
        # What Server.start gives the loop as its protocol factory.
        return await drive(
            functools.partial(HTTPConnection, server, asyncio.get_running_loop(), server.clock)
        )
    finally:
        server.abort()


async def ours_asgi(drive: Driver) -> float:
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
        # What Server.start gives the loop as its protocol factory.
        return await drive(
            functools.partial(HTTPConnection, server, asyncio.get_running_loop(), server.clock)
        )
    finally:
        server.abort()
        await routes.shutdown()


async def uvicorn(http: str, drive: Driver) -> float:
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


def measure(loop_name: str, drive: Driver) -> dict[str, float]:
    """CPU microseconds per request (or per connection) for each server, on a fresh loop each."""
    factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    if loop_name == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    results = {}
    for name, run in (
        ("ours", lambda: ours(drive)),
        ("ours (ASGI)", lambda: ours_asgi(drive)),
        ("uvicorn+httptools", lambda: uvicorn("httptools", drive)),
        ("uvicorn+h11", lambda: uvicorn("h11", drive)),
    ):
        with asyncio.Runner(loop_factory=factory) as runner:
            results[name] = runner.run(run())
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="uvloop")
    args = parser.parse_args()
    for mode, driver, unit in (
        ("keep-alive", drive, "request"),
        ("new connection per request", drive_new_connections, "connection"),
    ):
        results = measure(args.loop, driver)
        print(f"{args.loop}, {mode}:")
        for name, micros in results.items():
            print(f"{args.loop:8} {name:20} {micros:6.2f} us per {unit}")
        # Ratios as req/s would compare: the reference's microseconds over
        # ours, so above 1 means ours does the same work with less CPU.
        for ours_name in ("ours", "ours (ASGI)"):
            ratios = "   ".join(
                f"{ours_name} / {reference}: {results[reference] / results[ours_name]:.2f}x"
                for reference in ("uvicorn+httptools", "uvicorn+h11")
            )
            print(f"{args.loop:8} {ratios}")


if __name__ == "__main__":
    main()
