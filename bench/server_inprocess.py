"""CPU per request with the socket faked out: the part of bench/server.py that noise cannot move.

wrk against a real socket measures the kernel and a shared machine as much
as the server. Here 50 protocol instances per server get a fake transport
(``write`` counts, nothing is sent), the same keep-alive GET is fed to each
with ``data_received``, and the loop runs until every response is written.
What is left is the user-space work per request: parsing, routing, the
handler, serializing and waking the connection's task; the syscalls that
every server makes alike are out. Best of several trials of process time.

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
ROUNDS = 2000
TRIALS = 7


class FakeTransport:
    """Just enough of a transport for our server and uvicorn's protocols."""

    def __init__(self) -> None:
        self.writes = 0
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes += 1

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
    pairs = []
    for _ in range(CONNECTIONS):
        protocol = make_protocol()
        transport = FakeTransport()
        protocol.connection_made(transport)
        pairs.append((protocol, transport))
    await asyncio.sleep(0)
    best = float("inf")
    for _ in range(TRIALS):
        before = sum(transport.writes for _, transport in pairs)
        started = time.process_time()
        for _ in range(ROUNDS):
            for protocol, _ in pairs:
                protocol.data_received(REQUEST)
            # Two turns of the loop: the tasks wake, answer and write.
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        elapsed = time.process_time() - started
        written = sum(transport.writes for _, transport in pairs) - before
        if written < ROUNDS * CONNECTIONS:
            raise RuntimeError(f"only {written} of {ROUNDS * CONNECTIONS} responses were written")
        best = min(best, elapsed)
    for protocol, _ in pairs:
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
    for name, micros in measure(args.loop).items():
        print(f"{args.loop:8} {name:20} {micros:6.2f} us per request")


if __name__ == "__main__":
    main()
