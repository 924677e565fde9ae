"""A gunicorn worker class: ``gunicorn -k asyncio_adapter.gunicorn.Worker MODULE:ATTR``.

gunicorn's arbiter binds the sockets, forks the workers, restarts the ones
that die or stop calling in, and recycles them after ``--max-requests``;
each worker runs this package's ``Server`` on the sockets it inherited.
``MODULE:ATTR`` names an ``App``, a ``Router`` or an ASGI application
(its lifespan included), as for ``python -m asyncio_adapter``; the ``App``'s settings apply except where
gunicorn has its own: ``--keep-alive``, ``--graceful-timeout``,
``--backlog``, ``--forwarded-allow-ips`` (proxy headers are honoured from
those addresses, as gunicorn's own workers do), ``--certfile`` and
``--keyfile``.

Signals as gunicorn sends them: SIGTERM drains gracefully, SIGINT and
SIGQUIT close at once, SIGUSR1 reopens the log files. ``--preload`` is not
supported: gunicorn's arbiter would load the app itself and refuse
anything that is not callable.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
from typing import Final

from gunicorn.workers.base import Worker as _BaseWorker

from ._app import App, _CountedRoutes
from ._asgi import ASGIRoutes, LifespanFailure
from ._cli import load_app
from ._config import Config, Routes, new_event_loop
from ._logging import error_logger
from ._server import Server

#: How often the worker tells the arbiter it is alive, and checks that the arbiter is.
HEARTBEAT: Final = 1.0


class Worker(_BaseWorker):  # type: ignore[misc]  # gunicorn ships no type information
    """One gunicorn worker process serving an ``App`` or ``Router`` with ``Server``."""

    def load_wsgi(self) -> None:
        # gunicorn's own loader insists on a callable; an App is not one.
        self.wsgi = load_app(self.app.app_uri)

    def init_signals(self) -> None:
        # The event loop installs the handlers in run(); until then, defaults.
        for number in self.SIGNALS:
            signal.signal(number, signal.SIG_DFL)

    def run(self) -> None:
        app: App = self.wsgi
        config = self._config(app.config)
        with asyncio.Runner(loop_factory=lambda: new_event_loop(config.loop)) as runner:
            runner.run(self._serve(app.router, config))

    def _config(self, config: Config) -> Config:
        cfg = self.cfg
        return dataclasses.replace(
            config,
            timeout_keep_alive=float(cfg.keepalive),
            grace_period=float(cfg.graceful_timeout),
            backlog=cfg.backlog,
            proxy_headers=True,
            forwarded_allow_ips=",".join(cfg.forwarded_allow_ips),
            ssl_certfile=cfg.certfile if cfg.is_ssl else None,
            ssl_keyfile=cfg.keyfile if cfg.is_ssl else None,
            access_log=cfg.accesslog is not None,
            uds=None,
            fd=None,
            workers=1,
            max_requests=None,
        )

    async def _serve(self, router: Routes, config: Config) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        quick = False

        def on_quit() -> None:
            nonlocal quick
            quick = True
            stop.set()

        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, on_quit)
        loop.add_signal_handler(signal.SIGQUIT, on_quit)
        loop.add_signal_handler(signal.SIGUSR1, self.log.reopen_files)
        lifespan = router if isinstance(router, ASGIRoutes) else None
        if lifespan is not None:
            try:
                await lifespan.startup()
            except LifespanFailure as error:
                self.log.error("%s", error)
                # gunicorn's WORKER_BOOT_ERROR: the arbiter stops instead of respawning.
                sys.exit(3)
        routes: Routes = router
        if self.max_requests < sys.maxsize:

            def on_limit() -> None:
                for server in servers:
                    server.stop_accepting()  # now, not a loop iteration later
                stop.set()

            routes = _CountedRoutes(router, self.max_requests, on_limit)
        servers = [Server(routes, config) for _ in self.sockets]
        for server, listener in zip(servers, self.sockets, strict=True):
            await server.start(listener.sock)
        try:
            while not stop.is_set():
                self.notify()
                if os.getppid() != self.ppid:
                    error_logger.warning("Worker %d: the arbiter is gone, stopping", os.getpid())
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), HEARTBEAT)
            if quick:
                tasks = [task for server in servers for task in server.abort()]
                if tasks:
                    await asyncio.wait(tasks, timeout=1.0)
            else:
                await asyncio.gather(*(server.shutdown() for server in servers))
            if lifespan is not None:
                await lifespan.shutdown()
        finally:
            for server in servers:
                server.abort()
