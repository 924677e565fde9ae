"""What the benchmark's stand-alone servers share: ``--port``, ``--loop``, run until a signal."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Awaitable, Callable


def run_server(start: Callable[[int], Awaitable[asyncio.AbstractServer]]) -> None:
    """Parse ``--port`` and ``--loop``, serve what ``start(port)`` binds until SIGINT/SIGTERM.

    The signals go through ``add_signal_handler``: left to KeyboardInterrupt,
    a server on uvloop could outlive the benchmark that started it.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    args = parser.parse_args()
    factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    if args.loop == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        server = await start(args.port)
        await stop.wait()
        server.close()

    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(serve())
