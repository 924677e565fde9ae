"""``App``: the article's entry point, a router plus the settings to serve it with."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
from collections.abc import Callable

from ._config import (
    DEFAULT_BACKLOG,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_HOST,
    DEFAULT_LIMIT_REQUEST_BODY,
    DEFAULT_PORT,
    Config,
    LoopName,
    Routes,
    new_event_loop,
)
from ._logging import configure_logging, error_logger
from ._proxy import DEFAULT_FORWARDED_ALLOW_IPS
from ._server import Server
from ._timeouts import DEFAULT_TIMEOUT_BODY, DEFAULT_TIMEOUT_HEAD, DEFAULT_TIMEOUT_KEEP_ALIVE


class App:
    """Serves a router: ``App(router).start_server()`` as in the article.

    Keyword arguments are the ``Config`` fields; the CLI's flags override
    them.
    """

    def __init__(
        self,
        router: Routes,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        access_log: bool = True,
        log_level: str = "info",
        timeout_head: float = DEFAULT_TIMEOUT_HEAD,
        timeout_body: float = DEFAULT_TIMEOUT_BODY,
        timeout_keep_alive: float = DEFAULT_TIMEOUT_KEEP_ALIVE,
        limit_concurrency: int | None = None,
        limit_request_body: int = DEFAULT_LIMIT_REQUEST_BODY,
        backlog: int = DEFAULT_BACKLOG,
        loop: LoopName = "asyncio",
        grace_period: float = DEFAULT_GRACE_PERIOD,
        proxy_headers: bool = False,
        forwarded_allow_ips: str = DEFAULT_FORWARDED_ALLOW_IPS,
    ) -> None:
        self.router = router
        self.config = Config(
            host=host,
            port=port,
            access_log=access_log,
            log_level=log_level,
            timeout_head=timeout_head,
            timeout_body=timeout_body,
            timeout_keep_alive=timeout_keep_alive,
            limit_concurrency=limit_concurrency,
            limit_request_body=limit_request_body,
            backlog=backlog,
            loop=loop,
            grace_period=grace_period,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
        )

    def configure(self, **overrides: object) -> None:
        """Replace some settings (the CLI passes the flags that were given)."""
        self.config = dataclasses.replace(self.config, **overrides)  # type: ignore[arg-type]

    def start_server(self) -> None:
        """Serve until SIGINT or SIGTERM, then drain gracefully and return."""
        configure_logging(self.config.log_level)
        with asyncio.Runner(loop_factory=lambda: new_event_loop(self.config.loop)) as runner:
            runner.run(self.serve())

    async def serve(self, *, ready: Callable[[Server], object] | None = None) -> None:
        """Serve inside a running loop until SIGINT/SIGTERM, then shut down gracefully.

        ``ready`` is called with the listening ``Server`` (a test learns
        the port that way). A second signal during the drain stops at once.
        """
        server = Server(self.router, self.config)
        await server.start()
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        signals = (signal.SIGINT, signal.SIGTERM)

        def on_second_signal() -> None:
            error_logger.warning("Second signal: closing connections now")
            server.abort()

        def on_signal() -> None:
            stop.set()
            for number in signals:
                loop.add_signal_handler(number, on_second_signal)

        for number in signals:
            loop.add_signal_handler(number, on_signal)
        try:
            host, port = server.address
            error_logger.info("Serving on http://%s:%d (Ctrl-C to stop)", host, port)
            if ready is not None:
                ready(server)
            await stop.wait()
            error_logger.info("Shutting down: finishing requests in flight")
            await server.shutdown()
        finally:
            for number in signals:
                loop.remove_signal_handler(number)
            server.abort()
