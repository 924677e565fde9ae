"""Server settings and the shapes of what the server is given to serve."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Protocol

from ._proxy import DEFAULT_FORWARDED_ALLOW_IPS, TrustedProxies
from ._timeouts import DEFAULT_TIMEOUT_BODY, DEFAULT_TIMEOUT_HEAD, DEFAULT_TIMEOUT_KEEP_ALIVE

if TYPE_CHECKING:
    from ._asgi import ASGIMatch

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8080
DEFAULT_LIMIT_REQUEST_BODY: Final = 1 << 20
DEFAULT_BACKLOG: Final = 2048
DEFAULT_GRACE_PERIOD: Final = 10.0

LoopName = Literal["asyncio", "uvloop"]

#: ``async def handler(request, **path_params)``; see ``to_response`` for results.
Handler = Callable[..., Awaitable[object]]


class RouteMatch(Protocol):
    """What ``router.Router.match`` returns, as far as the server cares."""

    @property
    def handler(self) -> Handler: ...

    @property
    def params(self) -> Mapping[str, object]: ...


class Routes(Protocol):
    """Anything that matches a method and path like ``router.Router`` does.

    ``ASGIRoutes`` answers every request with an ``ASGIMatch``: the
    application to run in place of a handler.
    """

    def match(self, method: str, path: str) -> RouteMatch | ASGIMatch: ...


@dataclass(frozen=True, slots=True)
class Config:
    """Every server setting, with the defaults DESIGN.md fixes.

    ``limit_concurrency`` caps open connections: past it a request gets 503
    and its connection is closed. ``limit_request_body`` caps what the
    server buffers for ``request.body`` (413 past it; ``request.stream()``
    is not capped). ``grace_period`` is how long a shutdown waits for
    requests in flight before it closes their connections.
    ``proxy_headers`` believes ``Forwarded``, ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` from the peers in ``forwarded_allow_ips``.

    Where to listen: an inherited listening socket ``fd`` if given (the
    other two are then ignored, as the supervisor's workers need), else
    the Unix socket ``uds`` if given, else ``host:port``. TLS is on when
    ``ssl_certfile`` is given (``ssl_keyfile`` may be left out when the
    certificate file holds the key too). ``workers`` processes share the
    listening socket under a supervisor, which also replaces a worker
    after ``max_requests`` requests.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    access_log: bool = True
    log_level: str = "info"
    timeout_head: float = DEFAULT_TIMEOUT_HEAD
    timeout_body: float = DEFAULT_TIMEOUT_BODY
    timeout_keep_alive: float = DEFAULT_TIMEOUT_KEEP_ALIVE
    limit_concurrency: int | None = None
    limit_request_body: int = DEFAULT_LIMIT_REQUEST_BODY
    backlog: int = DEFAULT_BACKLOG
    loop: LoopName = "asyncio"
    grace_period: float = DEFAULT_GRACE_PERIOD
    proxy_headers: bool = False
    forwarded_allow_ips: str = DEFAULT_FORWARDED_ALLOW_IPS
    uds: str | None = None
    fd: int | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    workers: int = 1
    max_requests: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port out of range: {self.port}")
        if self.limit_concurrency is not None and self.limit_concurrency < 1:
            raise ValueError("limit_concurrency must be at least 1")
        if self.limit_request_body < 0:
            raise ValueError("limit_request_body must not be negative")
        if self.backlog < 1:
            raise ValueError("backlog must be at least 1")
        if self.grace_period < 0:
            raise ValueError("grace_period must not be negative")
        TrustedProxies(self.forwarded_allow_ips)  # raises ValueError if malformed
        if self.fd is not None and self.fd < 0:
            raise ValueError(f"not a file descriptor: {self.fd}")
        if self.ssl_keyfile is not None and self.ssl_certfile is None:
            raise ValueError("--ssl-keyfile needs --ssl-certfile")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.max_requests is not None and self.max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        if self.loop not in ("asyncio", "uvloop"):
            raise ValueError(f"unknown event loop: {self.loop!r}")


def new_event_loop(name: LoopName) -> asyncio.AbstractEventLoop:
    """A fresh event loop of the kind asked for; uvloop is an optional extra."""
    if name == "uvloop":
        try:
            import uvloop
        except ImportError:
            raise RuntimeError(
                "--loop uvloop needs the uvloop package: pip install 'sansio-http[uvloop]'"
            ) from None
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()
