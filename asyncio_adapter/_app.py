"""``App``: the article's entry point, a router plus the settings to serve it with."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
from collections.abc import Callable

from ._asgi import ASGIMatch, ASGIRoutes
from ._config import (
    DEFAULT_BACKLOG,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_HOST,
    DEFAULT_LIMIT_REQUEST_BODY,
    DEFAULT_PORT,
    Config,
    LoopName,
    RouteMatch,
    Routes,
    new_event_loop,
)
from ._logging import configure_logging, error_logger
from ._proxy import DEFAULT_FORWARDED_ALLOW_IPS
from ._server import Server
from ._timeouts import DEFAULT_TIMEOUT_BODY, DEFAULT_TIMEOUT_HEAD, DEFAULT_TIMEOUT_KEEP_ALIVE


class App:
    """Serves a router: ``App(router).start_server()`` as in the article.

    ``router`` may also be an ``ASGIRoutes`` (an ASGI application): its
    lifespan startup runs before the server binds, its shutdown after the
    drain.

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
        uds: str | None = None,
        fd: int | None = None,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        workers: int = 1,
        max_requests: int | None = None,
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
            uds=uds,
            fd=fd,
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
            workers=workers,
            max_requests=max_requests,
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
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        lifespan = self.router if isinstance(self.router, ASGIRoutes) else None
        if lifespan is not None:
            await lifespan.startup()  # LifespanFailure: nothing was bound yet
        counted = None
        if self.config.max_requests is not None:

            def on_limit() -> None:
                server.stop_accepting()  # now, not a loop iteration later
                stop.set()

            counted = _CountedRoutes(self.router, self.config.max_requests, on_limit)
        server = Server(counted or self.router, self.config)
        await server.start()
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
            error_logger.info("Serving on %s (Ctrl-C to stop)", server.url)
            if ready is not None:
                ready(server)
            await stop.wait()
            if counted is not None and counted.served >= counted.limit:
                error_logger.info("Served %d requests: stopping this worker", counted.limit)
            error_logger.info("Shutting down: finishing requests in flight")
            await server.shutdown()
            if lifespan is not None:
                await lifespan.shutdown()
        finally:
            for number in signals:
                loop.remove_signal_handler(number)
            server.abort()
            if self.config.uds is not None and self.config.fd is None:
                # Ours to remove; a supervisor's workers (fd set) leave it to the supervisor.
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.config.uds)


class _CountedRoutes:
    """The router, counting lookups: ``--max-requests`` stops the worker after the last.

    One lookup per request that reached routing (404 and 405 included);
    the request that reaches the count is answered during the graceful
    shutdown it starts.
    """

    __slots__ = ("_on_limit", "_routes", "limit", "served")

    def __init__(self, routes: Routes, limit: int, on_limit: Callable[[], None]) -> None:
        self._routes = routes
        self._on_limit = on_limit
        self.limit = limit
        self.served = 0

    def match(self, method: str, path: str) -> RouteMatch | ASGIMatch:
        self.served += 1
        if self.served == self.limit:
            self._on_limit()
        return self._routes.match(method, path)
