"""The server: one task per connection, driving ``sansio_http.Connection``.

Each accepted socket gets an ``HTTPConnection`` (an ``asyncio.Protocol``)
and one task running ``HTTPConnection.serve``. The protocol only hands
bytes to the task; the task feeds them to the ``Connection``, builds the
user ``Request``, asks the router, awaits the handler inline (no task per
request) and writes what ``Connection.send`` returns. Responses to
requests that arrived together go out in one write.

Why a Protocol and not ``asyncio.start_server`` streams, as DESIGN.md
first said: the streams layer is pure Python around the same Protocol
callbacks (a ``StreamReader`` buffer copy, a waiter future and checks per
read, a ``drain`` per write), and this server needs its own callbacks
anyway for the timeouts and back-pressure. The connection still has one
task, and the handler runs in it. ``bench/server.py`` measures a lean
streams server doing the same per-request work ("ours (streams)").
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import socket
from collections.abc import AsyncIterable, Callable
from http import HTTPStatus
from typing import Any, Final, TypeAlias
from urllib.parse import unquote

from router import MethodNotAllowed, NotFound, Router
from sansio_http import (
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    RemoteProtocolError,
)
from sansio_http import Request as RequestEvent
from sansio_http import Response as ResponseEvent

from ._asgi import ASGI_VERSION, ASGICycle, ASGIMatch, ASGIRoutes, log_after_response
from ._config import Config, Routes
from ._errors import HTTPError
from ._logging import error_logger, escape_control, log_access
from ._proxy import TrustedProxies, forwarded_origin
from ._request import Request
from ._response import (
    BINARY_TYPE,
    JSON_TYPE,
    TEXT_TYPE,
    Response,
    encode_json,
    error_response,
    to_response,
)
from ._sockets import bind_socket, describe, ssl_context
from ._timeouts import NEVER, Sweeper, Timeouts

#: Pause reading once this much is buffered while a response is owed.
READ_HIGH_WATER: Final = 64 * 1024

#: How long a lingering close reads and drops what the peer still sends.
LINGER_TIMEOUT: Final = 2.0

#: On shutdown, how long a kept-alive connection must have been idle before it is
#: closed: a client that reuses it at once sends its next request within a round trip.
SHUTDOWN_IDLE_SETTLE: Final = 0.25


# The request methods' str forms, so the hot path does not decode them.
_METHODS: Final = {
    method.encode("ascii"): method
    for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
}

# What a connection's task is called (asyncio.all_tasks(), a debugger).
_TASK_NAME: Final = "asyncio_adapter connection"

# The versions the core hands out, as str.
_VERSIONS: Final = {b"1.1": "1.1", b"1.0": "1.0"}

# A head timeout fires before any request exists, so the Connection has no
# request to answer and no Response to send: this is the one response the
# adapter writes itself (RFC 9110 §15.5.9).
_REQUEST_TIMEOUT: Final = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 15\r\n"
    b"connection: close\r\n\r\n"
    b"Request Timeout"
)

# Connection phases: what the task is waiting for, which decides the deadline.
#: A returned response's head, as ``Server.response_head`` caches it.
HeadKey: TypeAlias = tuple[int, tuple[tuple[str, str], ...], bool]
#: Distinct heads kept between two Date changes: routes answer with a few.
_MAX_CACHED_HEADS: Final = 1024

_HEAD: Final = 0  # the head of a request (timeout_head)
_BODY: Final = 1  # the next piece of a request body (timeout_body)
_BUSY: Final = 2  # the application or the peer's reading (no deadline)
_IDLE: Final = 3  # the first byte of the next request (timeout_keep_alive)
_LINGER: Final = 4  # the peer's close, after our last response (LINGER_TIMEOUT)


class _ReadTimeout(Exception):
    """The peer sent nothing in time: raised into the connection's task."""


#: What ``_after_response`` needs of a request answered: head, method, client, status, size.
_Answered: TypeAlias = tuple[RequestEvent, str, "tuple[str, int] | None", int, int]


class _HandedOver(Exception):
    """An ASGI application runs on after its response; a new task serves the connection."""


class _PeerGone(Exception):
    """The peer went away before its response was complete: close, log nothing more."""


def _log_invalid_response(head: RequestEvent, error: LocalProtocolError) -> None:
    """A handler's response that HTTP cannot carry: the handler's bug, not the server's."""
    error_logger.error(
        "Invalid response from handler for %s %s: %s",
        escape_control(head.method.decode("latin-1")),
        escape_control(head.target.decode("latin-1")),
        error,
    )


def _server_options(routes: Routes) -> Response:
    """The answer to ``OPTIONS *``: 200, and the methods some route takes.

    ``Allow`` lists every method a route of a ``Router`` names (HEAD with
    GET, as the router answers it); a route that takes every method adds
    none, and routes that are not a ``Router`` give no ``Allow``.
    """
    response = Response("", 200)
    if isinstance(routes, Router):
        methods: set[str] = set()
        for route in routes.routes:
            methods.update(route.methods or ())
        if "GET" in methods:
            methods.add("HEAD")
        if methods:
            response.set_header("Allow", ", ".join(sorted(methods)))
    return response


def _http_date() -> bytes:
    return email.utils.formatdate(usegmt=True).encode("ascii")


class Server:
    """Listens on ``config.host:config.port`` and serves ``routes``.

    ``await start()`` binds; ``await shutdown()`` stops accepting, closes
    idle kept-alive connections, waits up to ``config.grace_period`` for
    the others to be answered and closes the rest. ``clock`` defaults to
    the loop's clock.
    """

    def __init__(
        self, routes: Routes, config: Config, *, clock: Callable[[], float] | None = None
    ) -> None:
        self.routes = routes
        self.config = config
        self.timeouts = Timeouts(
            config.timeout_head, config.timeout_body, config.timeout_keep_alive
        )
        self.tls = config.ssl_certfile is not None
        self.scheme = "https" if self.tls else "http"
        #: The ASGI ``server``: the (host, port) listened on, ``None`` on a Unix socket.
        self.server_address: tuple[str, int] | None = None
        self.trusted_proxies = (
            TrustedProxies(config.forwarded_allow_ips) if config.proxy_headers else None
        )
        #: What every ASGI request's scope starts from, in the order the
        #: ASGI spec lists the keys: the values every request shares
        #: (``server`` once bound), and ``None`` where ``_run_asgi`` sets
        #: the request's own.
        self.asgi_scope: dict[str, object] = {
            "type": "http",
            "asgi": ASGI_VERSION,
            "http_version": None,
            "method": None,
            "scheme": None,
            "path": None,
            "raw_path": None,
            "query_string": None,
            "root_path": "",
            "headers": None,
            "client": None,
            "server": None,
            "state": None,
        }
        self.closing = False
        #: Called once, when the server stops accepting (a supervisor's worker
        #: announces it, so its replacement starts while it drains).
        self.on_stop_accepting: Callable[[], object] | None = None
        self.connections: set[HTTPConnection] = set()
        self.date = _http_date()
        self._clock = clock
        self._sweeper: Sweeper[HTTPConnection] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._tick_handle: asyncio.TimerHandle | None = None
        self._all_closed: asyncio.Event | None = None
        # Prebuilt response heads for plain results (str, bytes, JSON) by
        # content type. Events are immutable, so one object serves every
        # request until the Date changes: this skips header validation per
        # response (bench/server.py, the plain-text route).
        self._plain_heads: dict[str, ResponseEvent] = {}
        # The same for a returned ``Response`` (and every ASGI response), by
        # status, headers and whether the head must say ``close``: a route
        # answers with the same few heads. Measured on
        # bench/server_inprocess.py, "ours (ASGI)": 21.2 to 16.5 us per
        # request. At most _MAX_CACHED_HEADS, then it starts again.
        self._response_heads: dict[HeadKey, ResponseEvent] = {}
        # The same for the heads ASGI applications send, keyed by their own
        # (status, headers, close): header names and values stay bytes.
        self._asgi_heads: dict[tuple[object, ...], ResponseEvent] = {}
        self._cycles_to_check: list[ASGICycle] = []

    @property
    def clock(self) -> Callable[[], float]:
        assert self._clock is not None, "the server is not started"
        return self._clock

    @property
    def sweeper(self) -> Sweeper[HTTPConnection]:
        assert self._sweeper is not None, "the server is not started"
        return self._sweeper

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) actually bound: port 0 asks the OS for a free one."""
        assert self._server is not None, "the server is not started"
        host, port = self._server.sockets[0].getsockname()[:2]
        return host, port

    @property
    def url(self) -> str:
        """Where the server listens: ``http(s)://host:port``, or ``unix:PATH``."""
        assert self._server is not None, "the server is not started"
        sock = self._server.sockets[0]
        return describe(sock, tls=self.tls)

    async def start(self, sock: socket.socket | None = None) -> None:
        """Listen on ``sock`` if given (gunicorn's), else on what ``config`` says.

        ``config`` picks an inherited ``fd``, a Unix socket or host:port;
        ``ssl_certfile`` turns TLS on (``_sockets``).
        """
        self._loop = loop = asyncio.get_running_loop()
        if self._clock is None:
            self._clock = loop.time
        self._sweeper = Sweeper(self._clock, self.connections)
        context = ssl_context(self.config)  # before binding: a bad certificate leaks nothing
        self._server = await loop.create_server(
            # A partial, not a lambda: no Python frame per connection. The
            # loop is handed over, not looked up: on Python 3.11 every
            # asyncio.get_running_loop() is a getpid() system call.
            functools.partial(HTTPConnection, self, loop, self._clock),
            sock=sock if sock is not None else bind_socket(self.config),
            backlog=self.config.backlog,
            ssl=context,
        )
        name = self._server.sockets[0].getsockname()
        if isinstance(name, tuple):
            self.server_address = (str(name[0]), int(name[1]))
        self.asgi_scope["server"] = self.server_address
        self._tick_handle = loop.call_later(self.timeouts.resolution, self._tick)

    def _tick(self) -> None:
        """The coarse timer: expire overdue connections, refresh the Date header.

        And hand over the connections whose ASGI application runs on after
        its whole response, so they idle and time out as after any other.
        """
        self.sweeper.sweep()
        for connection in list(self.connections):
            connection.hand_over_if_answered()
        date = _http_date()
        if date != self.date:
            self.date = date
            self._plain_heads.clear()
            self._response_heads.clear()
            self._asgi_heads.clear()
        loop = asyncio.get_running_loop()
        self._tick_handle = loop.call_later(self.timeouts.resolution, self._tick)

    def plain_head(self, content_type: str) -> ResponseEvent:
        """A cached ``200`` head for a plain result of ``content_type``."""
        head = self._plain_heads.get(content_type)
        if head is None:
            head = ResponseEvent(
                status_code=200,
                headers=[(b"content-type", content_type.encode("ascii")), (b"date", self.date)],
                reason=b"OK",
            )
            self._plain_heads[content_type] = head
        return head

    def response_head(self, response: Response, close: bool) -> ResponseEvent:
        """The head for ``response``, with the Date and, if ``close``, ``Connection: close``."""
        key = (response.code, tuple(response.headers), close)
        try:
            head = self._response_heads.get(key)
        except TypeError:  # a header that is no str: the head will refuse it
            return self._new_response_head(response, close)
        if head is None:
            head = self._new_response_head(response, close)
            if len(self._response_heads) >= _MAX_CACHED_HEADS:
                self._response_heads.clear()
            self._response_heads[key] = head
        return head

    def asgi_head(self, status: int, headers: tuple[Any, ...], close: bool) -> ResponseEvent:
        """The head for an ASGI ``http.response.start``, with the Date and maybe ``close``.

        Raises ``LocalProtocolError`` for a header the core refuses.
        """
        try:
            key = (status, headers, close)
            head = self._asgi_heads.get(key)
        except TypeError:  # headers given as lists, not tuples: not cached
            return self._new_asgi_head(status, headers, close)
        if head is None:
            head = self._new_asgi_head(status, headers, close)
            if len(self._asgi_heads) >= _MAX_CACHED_HEADS:
                self._asgi_heads.clear()
            self._asgi_heads[key] = head
        return head

    def _new_asgi_head(self, status: int, headers: tuple[Any, ...], close: bool) -> ResponseEvent:
        fields = list(headers)
        fields.append((b"date", self.date))
        if close:
            # The server closes after this response: whatever Connection
            # field the application gave (a keep-alive one, say) would
            # tell the client otherwise (RFC 9112 §9.6).
            fields = [field for field in fields if bytes(field[0]).lower() != b"connection"]
            fields.append((b"connection", b"close"))
        return ResponseEvent(status_code=status, headers=fields)

    def check_soon(self, cycle: ASGICycle) -> None:
        """Call ``cycle.check_returned()`` when the loop next runs its callbacks.

        One loop callback for every response completed in a turn of the
        loop, not one each: measured with valgrind on
        bench/server_inprocess.py "ours (ASGI)", 2.6k instructions less
        per request (of 100k).
        """
        pending = self._cycles_to_check
        pending.append(cycle)
        if len(pending) == 1:
            # The loop kept by start(), not get_running_loop(): on Python
            # 3.11 that is a getpid() system call each time.
            loop = self._loop
            assert loop is not None, "the server is not started"
            loop.call_soon(self._check_cycles)

    def _check_cycles(self) -> None:
        pending = self._cycles_to_check
        self._cycles_to_check = []
        for cycle in pending:
            # Most applications returned with their response: no call for
            # them. Measured with callgrind on bench/server_inprocess.py
            # "ours (ASGI)": 82.0k -> 81.6k instructions per keep-alive
            # request.
            if not cycle.returned:
                cycle.check_returned()

    def _new_response_head(self, response: Response, close: bool) -> ResponseEvent:
        headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
        ]
        headers.append((b"date", self.date))
        if close:
            # As for an ASGI head: a keep-alive the handler set would tell
            # the client otherwise (RFC 9112 §9.6).
            headers = [field for field in headers if field[0].lower() != b"connection"]
            headers.append((b"connection", b"close"))
        return ResponseEvent(status_code=response.code, headers=headers)

    def discard(self, connection: HTTPConnection) -> None:
        self.connections.discard(connection)
        if not self.connections and self._all_closed is not None:
            self._all_closed.set()

    def stop_accepting(self) -> None:
        """Accept no more connections; responses from here on say ``Connection: close``.

        The first step of ``shutdown``, callable on its own where waiting a
        loop iteration would let one more connection in (``--max-requests``).

        On asyncio's selector loops the accept callback goes now and the
        listening socket one loop iteration later. They accept a
        connection in one callback and build its transport in a task that
        runs in the next iteration; ``asyncio.Server.close()`` in between
        makes that task fail (the transport cannot attach to a closed
        server), and the connection, though accepted, would never be
        answered or closed. With the reader removed first nothing new is
        accepted, and the close comes after the pending tasks, which were
        scheduled before it. Loops without such a reader (uvloop builds
        the transport as it accepts) close at once.
        """
        if self.closing:
            return
        self.closing = True
        server = self._server
        if server is not None:
            loop = asyncio.get_running_loop()
            removed = [loop.remove_reader(sock.fileno()) for sock in server.sockets]
            if any(removed):
                loop.call_soon(server.close)
            else:
                server.close()
        if self.on_stop_accepting is not None:
            self.on_stop_accepting()

    async def shutdown(self, grace_period: float | None = None) -> None:
        """Stop accepting, close idle connections, answer the others with ``Connection: close``.

        A connection that has not sent its first request yet is waited
        for (up to the head timeout): the kernel queued it for us and its
        client sent, or is sending, a request another worker cannot take
        over. Only kept-alive connections idle after a response are
        closed (``HTTPConnection.shut_down``): that race is HTTP/1.1's own
        (RFC 9112 §9.5), so the client retries, but it is kept small.
        """
        if grace_period is None:
            grace_period = self.config.grace_period
        self.stop_accepting()
        # Two loop iterations, so the selector polls once more: connections
        # accepted just before register, and a request that is already in
        # the kernel's buffer of an idle connection reaches data_received
        # and is answered instead of being cut off by the close.
        for _ in range(2):
            await asyncio.sleep(0)
        for connection in list(self.connections):
            connection.shut_down()
        if self.connections:
            # A new event: the old one was set whenever the last connection closed.
            self._all_closed = asyncio.Event()
            try:
                await asyncio.wait_for(self._all_closed.wait(), grace_period)
            except TimeoutError:
                error_logger.warning(
                    "Grace period over: closing %d connection(s)", len(self.connections)
                )
        tasks = self.abort()
        if tasks:
            # Cancelled handlers get to run their cleanup before we return.
            await asyncio.wait(tasks, timeout=1.0)
        if self._server is not None:
            await self._server.wait_closed()

    def abort(self) -> list[asyncio.Task[None]]:
        """Stop accepting and close every connection now; return their tasks."""
        self.closing = True
        if self._server is not None:
            self._server.close()
        tasks = [task for c in list(self.connections) if (task := c.abort()) is not None]
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None
        return tasks


class HTTPConnection(asyncio.Protocol):
    """One client connection: the protocol callbacks and the task that serves it."""

    # Slots: faster attribute access on the hot path, and less memory per
    # idle connection (bench/server.py, the memory line).
    __slots__ = (
        "_asgi_request",
        "_body_done",
        "_clock",
        "_cycle",
        "_drain_waiter",
        "_eof",
        "_got_bytes",
        "_inbox",
        "_inbox_size",
        "_linger",
        "_loop",
        "_lost",
        "_out",
        "_over_limit",
        "_phase",
        "_read_failure",
        "_reading_paused",
        "_response_started",
        "_started",
        "_task",
        "_timed_out",
        "_waiter",
        "_writing_paused",
        "client",
        "conn",
        "deadline",
        "server",
        "transport",
    )

    def __init__(
        self, server: Server, loop: asyncio.AbstractEventLoop, clock: Callable[[], float]
    ) -> None:
        self.server = server
        self.deadline = NEVER
        # The server's loop and clock, given by the server's protocol
        # factory: every request reads the clock for its deadlines.
        self._clock = clock
        # The core's default limits (see README, "Timeouts and limits"),
        # and no keyword: a keyword argument to a class costs a dict per
        # call (callgrind: 0.9k instructions per connection).
        self.conn = Connection(SERVER)
        self.transport: asyncio.Transport | None = None
        self.client: tuple[str, int] | None = None
        self._loop = loop
        self._task: asyncio.Task[None] | None = None
        self._phase = _HEAD
        self._got_bytes = False  # bytes of the current request have arrived
        self._response_started = False
        self._body_done = True  # the current request's EndOfMessage was seen
        self._inbox: list[bytes] = []
        self._inbox_size = 0
        self._reading_paused = False
        self._eof = False
        self._lost = False
        self._timed_out = False
        self._waiter: asyncio.Future[bytes] | None = None
        self._writing_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._out: list[bytes] = []
        self._over_limit = False
        self._linger = False  # close with a lingering close (RFC 9112 §9.6)
        self._started = 0.0  # when the current request's head was read (the access log)
        self._cycle: ASGICycle | None = None  # the ASGI request in progress
        self._asgi_request: tuple[RequestEvent, str, tuple[str, int] | None] | None = None
        # Why an ASGI application's body could not be read on: the server
        # answers it once the application is done (see read_app_body_chunk).
        self._read_failure: _ReadTimeout | RemoteProtocolError | None = None

    # -- protocol callbacks: only hand bytes and state changes to the task --

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # Neither an isinstance check nor typing.cast: uvloop's TCPTransport
        # does not subclass asyncio.Transport, though it has all of its
        # methods, and cast is a Python-level call (measured with callgrind
        # on bench/server_inprocess.py "ours", connection per request,
        # together with the Sweeper watching Server.connections: 126.3k ->
        # 122.8k instructions per connection).
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple):
            self.client = peer[:2]  # (host, port), also of an IPv6 4-tuple
        server = self.server
        limit = server.config.limit_concurrency
        connections = server.connections  # the sweeper watches it too
        self._over_limit = limit is not None and len(connections) >= limit
        connections.add(self)
        self.deadline = self._clock() + server.timeouts.head
        # The task starts with the first bytes (or whatever ends the
        # connection first, see _start): its first step then finds them
        # and does not wait on a future. Measured with callgrind on
        # bench/server_inprocess.py "ours", connection per request:
        # 125.9k -> 113.2k instructions per connection.

    def data_received(self, data: bytes) -> None:
        phase = self._phase
        if phase == _IDLE:
            self._phase = _HEAD
            self.deadline = self._clock() + self.server.timeouts.head
        elif phase == _BODY:
            self.deadline = self._clock() + self.server.timeouts.body
        self._got_bytes = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(data)
                return
        self._inbox.append(data)
        self._inbox_size += len(data)
        if self._inbox_size > READ_HIGH_WATER and not self._reading_paused:
            # Back-pressure: the task is busy answering; stop reading until
            # it asks for more, so a pipelining or flooding peer is bounded.
            self._reading_paused = True
            assert self.transport is not None
            self.transport.pause_reading()
        if self._task is None:
            self._start()
        cycle = self._cycle
        if cycle is not None and cycle.complete:
            # An ASGI application ran on after its whole response: the
            # bytes are the next request's, which a new task serves.
            cycle.check_returned()

    def eof_received(self) -> bool | None:
        self._eof = True
        self._wake(b"")
        if self._task is None:
            self._start()
        cycle = self._cycle
        if cycle is not None:
            cycle.wake()  # an ASGI app waiting for the disconnect: the peer is done
            if cycle.complete:
                cycle.check_returned()  # a new task closes the connection
        # Keep our side open: a half-closed peer may still read its responses.
        # TLS cannot half-close (asyncio warns and closes): say nothing there.
        return None if self.server.tls else True

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._lost = True
        # _wake inlined: every connection ends here once (measured with
        # callgrind on bench/server_inprocess.py "ours", connection per
        # request, with the _flush inlined in serve: 0.3k instructions less
        # per connection, the two together).
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(b"")
        if self._cycle is not None:
            self._cycle.wake()
        drain = self._drain_waiter
        if drain is not None and not drain.done():
            drain.set_result(None)
        if self._task is None:
            self._start()

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        drain = self._drain_waiter
        if drain is not None and not drain.done():
            drain.set_result(None)

    def _start(self) -> None:
        """Start the task that serves the connection, once something came to serve.

        The first bytes, or the peer's close, or the head timeout of a
        peer that sent nothing: the task answers, or closes, and discards
        the connection from the server, as for any later event.
        """
        loop = self._loop
        if loop.get_task_factory() is None:
            # The Task itself, named: loop.create_task names it "Task-N"
            # with a formatted string (uvloop sets a given name after
            # that). Measured with callgrind on bench/server_inprocess.py
            # "ours", connection per request: 1.6k instructions less.
            self._task = asyncio.Task(self.serve(), loop=loop, name=_TASK_NAME)
        else:  # a task factory the application installed: honour it
            self._task = loop.create_task(self.serve(), name=_TASK_NAME)

    def _wake(self, data: bytes) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(data)

    # -- called by the server --

    def expire(self) -> None:
        """The sweeper found the deadline passed: wake the task with a timeout."""
        self.deadline = NEVER
        self._timed_out = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_exception(_ReadTimeout())
        if self._task is None:
            self._start()

    def shut_down(self) -> None:
        """Graceful shutdown: close if idle after a response, else answer with ``Connection: close``.

        An idle kept-alive connection is closed once it has been idle for
        ``SHUTDOWN_IDLE_SETTLE``, not in the instant after its response: a
        client that reuses it sends its next request within about a round
        trip, and a request that comes before the close is answered. One
        idle for longer is closed now.
        """
        self.hand_over_if_answered()
        if self._phase == _LINGER:
            self._close()
        elif self._phase == _IDLE:
            server = self.server
            # An idle connection's deadline is when it went idle plus keep_alive.
            deadline = self.deadline - max(0.0, server.timeouts.keep_alive - SHUTDOWN_IDLE_SETTLE)
            if deadline <= server.clock():
                self._close()
            else:
                self.deadline = deadline

    def hand_over_if_answered(self) -> None:
        """An ASGI application that runs on after its whole response gives the connection up.

        Called by the server's tick and at shutdown: the connection then
        idles, times out, closes or is shut down as after any response.
        """
        cycle = self._cycle
        if cycle is not None and cycle.complete:
            cycle.check_returned()

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self._eof = True
        self._wake(b"")

    def abort(self) -> asyncio.Task[None] | None:
        """Close now; a handler still running is cancelled. Returns the task."""
        self._close()
        task = self._task
        if task is not None and not task.done() and self._phase == _BUSY:
            task.cancel()
        return task

    # -- the task --

    async def _receive(self) -> bytes:
        """The next bytes from the peer, ``b""`` at EOF; raises ``_ReadTimeout``."""
        if self._timed_out:
            raise _ReadTimeout
        if self._inbox:
            return self._take_inbox()
        if self._eof:
            return b""
        waiter: asyncio.Future[bytes] = self._loop.create_future()
        self._waiter = waiter
        return await waiter

    def _take_inbox(self) -> bytes:
        """What arrived while the task was busy, at once; reading resumes if it was paused."""
        inbox = self._inbox
        data = inbox[0] if len(inbox) == 1 else b"".join(inbox)
        inbox.clear()
        self._inbox_size = 0
        if self._reading_paused and self.transport is not None:
            self._reading_paused = False
            self.transport.resume_reading()
        return data

    def _flush(self) -> None:
        out = self._out
        if out:
            if not self._lost and self.transport is not None:
                self.transport.write(out[0] if len(out) == 1 else b"".join(out))
            out.clear()

    async def _drain(self) -> None:
        """Flush, then wait while the transport's buffer is over its high-water mark."""
        self._flush()
        while self._writing_paused and not self._lost:
            drain: asyncio.Future[None] = self._loop.create_future()
            self._drain_waiter = drain
            await drain

    async def serve(self, resume: _Answered | None = None) -> None:
        """Serve requests until the connection closes (the task's whole life).

        ``resume``: the request just answered, when this task takes the
        connection over from one whose ASGI application runs on.
        """
        handed_over = False
        try:
            try:
                # The serving loop, inline rather than in a coroutine of its
                # own: one coroutine less per connection (measured with
                # callgrind on bench/server_inprocess.py "ours", connection
                # per request: 109.8k -> 108.7k instructions per connection).
                conn = self.conn
                server = self.server
                events: list[Event] | None = []
                if resume is not None:
                    events = self._after_response(*resume)
                while events is not None:
                    if not events:
                        # Inlined _drain and _receive: two coroutine objects
                        # per request saved (bench/server.py, keep-alive
                        # row). And _flush: measured with callgrind on
                        # bench/server_inprocess.py "ours", 0.45k
                        # instructions less per request.
                        out = self._out
                        if out:
                            if not self._lost and self.transport is not None:
                                self.transport.write(out[0] if len(out) == 1 else b"".join(out))
                            out.clear()
                            if self._writing_paused:
                                await self._drain()
                        if self._inbox and not self._timed_out:
                            # _receive's first case without its coroutine:
                            # every connection's first bytes come this way
                            # (measured with callgrind on
                            # bench/server_inprocess.py "ours", connection per
                            # request, with the peer's address sliced and the
                            # set of connections used directly in
                            # connection_made: 108.7k -> 106.9k instructions
                            # per connection).
                            data = self._take_inbox()
                        elif self._eof or self._timed_out:
                            data = await self._receive()
                        else:
                            waiter: asyncio.Future[bytes] = self._loop.create_future()
                            self._waiter = waiter
                            data = await waiter
                        events = conn.receive_data(data)
                        continue
                    head = events[0]
                    if type(head) is not RequestEvent:
                        if type(head) is ConnectionClosed:
                            break
                        raise AssertionError(f"unexpected event between requests: {head!r}")
                    self._phase = _BUSY
                    self.deadline = NEVER
                    if server.config.access_log:
                        self._started = self._clock()
                    if len(events) == 2 and type(events[1]) is EndOfMessage:
                        # A whole request without a body, as most are: no
                        # call. Measured with callgrind on
                        # bench/server_inprocess.py "ours", 0.55k
                        # instructions less per request.
                        self._body_done = True
                        received = b""
                    else:
                        received = self._received_body(events)
                    method = _METHODS.get(head.method) or head.method.decode("ascii")
                    client = self.client
                    scheme = server.scheme
                    if server.trusted_proxies is not None:
                        client, scheme = self._forwarded_origin(head, client, scheme)
                    status, size = await self._dispatch(head, method, received, client, scheme)
                    events = self._after_response(head, method, client, status, size)
            except _HandedOver:
                handed_over = True
                return
            except _PeerGone:
                pass
            except _ReadTimeout:
                self._on_timeout()
            except RemoteProtocolError as error:
                self._send_protocol_error(error)
            except Exception:
                # A bug (ours, the router's, a converter's): answer 500 if we
                # still can, and close, since the connection's state is unknown.
                error_logger.exception("Unexpected error on connection from %s", self.client)
                if not self._response_started and not self._lost:
                    with contextlib.suppress(LocalProtocolError):
                        self._send_error(500, "Internal Server Error")
            if self._linger:
                await self._linger_close()
        finally:
            if not handed_over:
                # _flush inlined: a connection that closes after its response
                # writes that response here (measured with callgrind on
                # bench/server_inprocess.py "ours", connection per request:
                # with the _wake inlined in connection_lost, 0.3k instructions
                # less per connection, the two together).
                transport = self.transport
                out = self._out
                if transport is not None:
                    if out and not self._lost:
                        transport.write(out[0] if len(out) == 1 else b"".join(out))
                    transport.close()
                out.clear()
                self.server.discard(self)

    async def _linger_close(self) -> None:
        """Half-close, then read and drop what the peer still sends, for a while.

        RFC 9112 §9.6: closing a socket that has unread input sends a TCP
        reset, and a reset can destroy our last response in the client's
        receive buffer before it reads it. So after an error response, or
        one sent before the request body was read, the server shuts down
        its sending side and drains until the peer closes (at most
        LINGER_TIMEOUT), as Apache's lingering close does.
        """
        transport = self.transport
        if transport is None or self._lost or self._eof:
            return
        self._flush()
        if transport.can_write_eof():
            try:
                transport.write_eof()
            except OSError:
                # The peer reset the connection already (ENOTCONN): there
                # is nobody left to linger for.
                return
        self._phase = _LINGER
        self._timed_out = False
        self.deadline = self.server.clock() + LINGER_TIMEOUT
        with contextlib.suppress(_ReadTimeout):
            while await self._receive():
                pass

    def _on_timeout(self) -> None:
        """408 if nothing was sent yet and the peer had started a request, then close.

        In the ``_BUSY`` phase a timeout can only come from a body read.
        """
        if self._response_started:
            return
        if self._phase == _BUSY:
            self._send_error(408, "Request Timeout")
        elif self._phase == _HEAD and self._got_bytes:
            self._out.append(_REQUEST_TIMEOUT)
            self._linger = True

    def _send_protocol_error(self, error: RemoteProtocolError) -> None:
        """The status the core chose for the peer's error, if no response began."""
        if not self._response_started:
            with contextlib.suppress(LocalProtocolError):
                self._send_error(error.status_code, HTTPStatus(error.status_code).phrase)

    def _send_error(self, status: int, text: str) -> None:
        """An error response after which the connection closes."""
        headers = [
            (b"content-type", TEXT_TYPE.encode("ascii")),
            (b"date", self.server.date),
            (b"connection", b"close"),
        ]
        # No reason given: the writer fills in the standard phrase.
        event = ResponseEvent(status_code=status, headers=headers)
        self._response_started = True
        self._linger = True
        self._out.append(self.conn.send_complete(event, text.encode("utf-8")))

    def _after_response(
        self,
        head: RequestEvent,
        method: str,
        client: tuple[str, int] | None,
        status: int,
        size: int,
    ) -> list[Event] | None:
        """Log the request; the next pipelined request's events, if it came already.

        ``None`` when the connection is to close.
        """
        conn = self.conn
        server = self.server
        clock = self._clock
        if server.config.access_log:
            log_access(
                client,
                method,
                head.target.decode("latin-1"),
                head.http_version.decode("ascii"),
                status,
                size,
                clock() - self._started,
            )
        # The adapter's own reasons to close are checked here too, not
        # only conn.keep_alive: a body left unread, a shutdown, a 503.
        if (
            not (conn.keep_alive and self._body_done)
            or server.closing
            or self._lost
            or self._over_limit
        ):
            # Input may still be coming (a body we did not read, a request
            # we refused): close without a reset.
            self._linger = not self._body_done or self._over_limit
            return None
        self._response_started = False
        self._got_bytes = False
        # Nothing buffered, nothing to read: no call. A peer's close still
        # comes through _receive in serve. Measured with callgrind on
        # bench/server_inprocess.py "ours": 0.6k instructions less per
        # keep-alive request.
        buffered = conn.buffered_bytes
        events = conn.next_events() if buffered else []
        if not events:
            # Read again: next_events drops the blank lines a client may
            # send after a body (RFC 9112 §2.2), which begin no request.
            if self._inbox or (buffered and conn.buffered_bytes):
                # Bytes of the next request came while this one ran, or
                # with it: it is not idle, and a graceful shutdown and
                # the head timeout (408) must answer it.
                self._phase = _HEAD
                self._got_bytes = True
                self.deadline = clock() + server.timeouts.head
            else:
                self._phase = _IDLE
                self.deadline = clock() + server.timeouts.keep_alive
        return events

    def _forwarded_origin(
        self, head: RequestEvent, client: tuple[str, int] | None, scheme: str
    ) -> tuple[tuple[str, int] | None, str]:
        """``--proxy-headers``: the client and scheme as the trusted proxies saw them."""
        headers = head.headers
        assert self.server.trusted_proxies is not None
        return forwarded_origin(
            client,
            scheme,
            forwarded=[v.decode("latin-1") for v in headers.get_all(b"forwarded")],
            x_forwarded_for=[v.decode("latin-1") for v in headers.get_all(b"x-forwarded-for")],
            x_forwarded_proto=[v.decode("latin-1") for v in headers.get_all(b"x-forwarded-proto")],
            trusted=self.server.trusted_proxies,
        )

    def _received_body(self, events: list[Event]) -> bytes:
        """The body bytes that came with the head: all of it, in the common case.

        ``_serve`` itself handles a whole request without a body.
        """
        if type(events[-1]) is EndOfMessage:
            self._body_done = True
            if len(events) == 3:
                return events[1].data  # type: ignore[attr-defined, no-any-return]
            return b"".join(event.data for event in events[1:-1])  # type: ignore[attr-defined]
        self._body_done = False
        return b"".join(event.data for event in events[1:])  # type: ignore[attr-defined]

    async def _dispatch(
        self,
        head: RequestEvent,
        method: str,
        received: bytes,
        client: tuple[str, int] | None,
        url_scheme: str,
    ) -> tuple[int, int]:
        """Route, run the handler, send its response; return (status, body bytes)."""
        server = self.server
        target = head.target
        if self._over_limit:
            return self._send_plain(head, 503, "Service Unavailable", close=True)
        query = b""
        question = target.find(b"?")
        if question != -1:
            target, query = target[:question], target[question + 1 :]
        if method == "CONNECT":
            # The core lets an authority-form target through with CONNECT
            # only (RFC 9112 §3.2.3). No route or application here can be a
            # tunnel: RFC 9110 §15.6.2's 501, for a method the server cannot
            # serve for any resource. Then close: a client may have sent
            # tunnel bytes after the head already, which must not be read
            # as requests.
            return self._send_plain(head, 501, "Not Implemented", close=True)
        if target[:1] != b"/" and target != b"*":
            # RFC 9112 §3.2.2: a server must accept the absolute form.
            scheme, _, rest = target.partition(b"://")
            if not _ or scheme.lower() not in (b"http", b"https"):
                return self._send_plain(head, 400, "Bad Request")
            slash = rest.find(b"/")
            if slash != -1:
                target = rest[slash:]
            elif method == "OPTIONS" and question == -1:
                # RFC 9112 §3.2.4: OPTIONS of a URI with an empty path and
                # no query is the server-wide one, which the last proxy
                # would have sent as "*".
                target = b"*"
            else:
                target = b"/"
        if target == b"*" and not isinstance(server.routes, ASGIRoutes):
            # RFC 9110 §9.3.7: OPTIONS * (the core lets the asterisk through
            # with OPTIONS only) asks about the server as a whole. For
            # routes the server answers; an ASGI application is asked
            # itself, with the path "*" as uvicorn gives it.
            return await self._send_response(head, _server_options(server.routes))
        # The router splits the raw path into segments and decodes each
        # parameter itself, so %2F stays inside its segment. Decoding here
        # first would decode twice: %252F would reach a handler as "/".
        raw_path = target.decode("latin-1")
        path = raw_path
        if "%" in path:
            try:
                path = unquote(path, errors="strict")
            except UnicodeDecodeError:
                return self._send_plain(head, 400, "Bad Request")
        try:
            match = server.routes.match(method, raw_path)
        except NotFound as missing:
            if missing.redirect_to is not None:
                location = missing.redirect_to + ("?" + query.decode("latin-1") if query else "")
                response = Response("", 308, {"Location": location})
                return await self._send_response(head, response)
            return self._send_plain(head, 404, "Not Found")
        except MethodNotAllowed as not_allowed:
            response = Response(
                "Method Not Allowed", 405, {"Allow": ", ".join(sorted(not_allowed.allowed))}
            )
            return await self._send_response(head, response)
        if isinstance(match, ASGIMatch):
            return await self._run_asgi(
                match, head, method, path, target, query, received, client, url_scheme
            )

        limit = server.config.limit_request_body
        body: bytes | None
        if not self._body_done:
            body, prefix = await self._buffer_body(head, received, limit)
        elif len(received) > limit:
            body, prefix = None, received
        else:
            body, prefix = received, b""
        # Positional: measured with valgrind on bench/server_inprocess.py,
        # the same call with keywords costs 6k instructions more (of 91k).
        request = Request(
            method,
            path,
            query.decode("latin-1"),  # query_string
            head.headers,
            body,
            match.params,
            client,
            _VERSIONS[head.http_version],
            self,  # source of a body not buffered
            limit,
            prefix,
            url_scheme,
            target,  # raw_path
            server.server_address,
        )
        params = match.params
        try:
            # No ** for a route without parameters: measured with callgrind on
            # bench/server_inprocess.py "ours", 0.45k instructions less per
            # request.
            result = await (match.handler(request, **params) if params else match.handler(request))
        except HTTPError as error:
            result = error_response(error)
        except (_ReadTimeout, RemoteProtocolError):
            raise
        except Exception:
            error_logger.exception("Exception in handler for %s %s", method, escape_control(path))
            return self._send_plain(head, 500, "Internal Server Error")
        try:
            # The hot path: a plain result with nothing to add reuses a cached head.
            if self._body_done and not server.closing:
                # type() tests narrow the result for mypy without typing.cast,
                # a Python-level call: measured with callgrind on
                # bench/server_inprocess.py "ours", 0.3k instructions less
                # per request.
                if type(result) is str:
                    data = result.encode("utf-8")
                    self._out.append(self.conn.send_complete(server.plain_head(TEXT_TYPE), data))
                    return 200, len(data)
                if type(result) is bytes:
                    data = result
                    self._out.append(self.conn.send_complete(server.plain_head(BINARY_TYPE), data))
                    return 200, len(data)
                kind = type(result)
                if kind is dict or kind is list:
                    data = encode_json(result)
                    self._out.append(self.conn.send_complete(server.plain_head(JSON_TYPE), data))
                    return 200, len(data)
            response = to_response(result)
        except (TypeError, ValueError):
            # Not a result type, or a dict that JSON cannot encode.
            error_logger.exception(
                "Bad result from handler for %s %s", method, escape_control(path)
            )
            return self._send_plain(head, 500, "Internal Server Error")
        return await self._send_response(head, response)

    async def _run_asgi(
        self,
        match: ASGIMatch,
        head: RequestEvent,
        method: str,
        path: str,
        raw_path: bytes,
        query: bytes,
        received: bytes,
        client: tuple[str, int] | None,
        url_scheme: str,
    ) -> tuple[int, int]:
        """Run an ASGI application inline for one request; return (status, body bytes).

        See ``_asgi`` for the cycle. Raises ``_HandedOver`` when the
        application ran on after its response and another task took the
        connection (``hand_over``).
        """
        server = self.server
        # A copy of the server's template, then the request's own values:
        # a dict copied whole is cheaper than one built key by key.
        # Measured with callgrind on bench/server_inprocess.py "ours
        # (ASGI)": 0.9k instructions less per request.
        scope = server.asgi_scope.copy()
        scope["http_version"] = _VERSIONS[head.http_version]
        scope["method"] = method
        scope["scheme"] = url_scheme
        scope["path"] = path
        scope["raw_path"] = raw_path
        scope["query_string"] = query
        # A plain list the application may change (Headers refuse it). A
        # slice, not list(): measured with callgrind, 1.4k instructions
        # against 2.0k (list() looks for the length and the iterator).
        scope["headers"] = head.headers[:]
        scope["client"] = client
        scope["state"] = match.state.copy()
        cycle = ASGICycle(self, head.method == b"HEAD", received)
        self._cycle = cycle
        self._asgi_request = (head, method, client)
        try:
            await match.app(scope, cycle.receive, cycle.send)
        except Exception as error:
            if cycle.complete:
                log_after_response(error)
            elif self._lost or self._read_failure is not None:
                # The application was told of the disconnect (Starlette
                # raises ClientDisconnect, a send raises ClientDisconnected):
                # the expected way to stop, not a failure of its own.
                error_logger.debug("ASGI application stopped: its client is gone", exc_info=True)
            else:
                error_logger.exception("Exception in ASGI application for %s", escape_control(path))
                if not cycle.written:
                    return self._send_plain(head, 500, "Internal Server Error")
                self._cut()
        finally:
            cycle.returned = True
            if self._cycle is cycle:  # not handed over: this task still serves
                self._cycle = None
                # What hand_over needs, dropped once it cannot come: kept, the
                # head and its headers live as long as the connection, and
                # with 50 connections made at once the young objects pass the
                # collector's threshold. Measured with callgrind on
                # bench/server_inprocess.py "ours (ASGI)", connection per
                # request, with the check in Server._check_cycles: 131.9k ->
                # 122.6k instructions per connection (the collector's share
                # 8.9k -> 0).
                self._asgi_request = None
        if cycle.handed_over:
            raise _HandedOver
        failure = self._read_failure
        if failure is not None:
            self._read_failure = None
            if not cycle.complete:
                # Answered as for a handler: 408 or the core's status if
                # nothing was sent, else the connection is cut (serve). After
                # a whole response, the unread body only closes the connection.
                raise failure
        if not cycle.complete:
            if self._lost or self._eof:
                # The application was told the client is gone (receive
                # says so once the peer closed its side, as uvicorn does):
                # returning then is how it is meant to stop.
                raise _PeerGone
            if not cycle.written:
                error_logger.error("ASGI application returned without sending a response")
                return self._send_plain(head, 500, "Internal Server Error")
            error_logger.error("ASGI application returned before the end of its body")
            self._cut()
        return cycle.status, cycle.size

    # -- what an ASGICycle uses (asyncio_adapter._asgi.CycleConnection) --

    @property
    def body_done(self) -> bool:
        """Whether the current request's body was read to its end."""
        return self._body_done

    @property
    def lost(self) -> bool:
        """Whether the peer is gone: nothing written reaches it any more."""
        return self._lost

    @property
    def peer_done(self) -> bool:
        """Whether the peer closed, or at least its sending side: it will send nothing more."""
        return self._eof

    def write(self, data: bytes) -> None:
        """Queue bytes that the core produced; they go out with the next flush."""
        self._out.append(data)
        self._response_started = True

    async def drain(self) -> None:
        """Write what is queued, and wait while the peer is slow to read.

        A transport already closing (a write met the peer's reset) counts
        as lost at once: ``connection_lost`` comes only when the loop runs
        its callbacks, which an application streaming without ever
        waiting on anything else would not let it do.
        """
        await self._drain()
        transport = self.transport
        if transport is not None and transport.is_closing():
            self._lost = True

    def asgi_head(self, status: int, headers: tuple[Any, ...]) -> ResponseEvent:
        """The response head of an ASGI application, as ``_head_for`` settles ``close``."""
        close = self.server.closing or not self._body_done
        return self.server.asgi_head(status, headers, close)

    def answered(self, cycle: ASGICycle) -> None:
        """The whole response of ``cycle`` is queued, with a Content-Length.

        Whether its application returns is seen when that matters (see
        ``_asgi``): here only if the next request is waiting already,
        pipelined after this one or arrived while it ran.
        """
        if self._inbox or self.conn.buffered_bytes:
            self.server.check_soon(cycle)

    def hand_over(self, cycle: ASGICycle) -> None:
        """The application of ``cycle`` runs on after its response: serve on in a new task.

        Its response is out (flushed now); the new task logs the request
        and reads the next one, while the old one finishes the
        application (``_run_asgi`` then raises ``_HandedOver``).
        """
        if self._cycle is cycle:
            self._cycle = None
        self._flush()
        assert self._asgi_request is not None
        head, method, client = self._asgi_request
        self._asgi_request = None
        answered = (head, method, client, cycle.status, cycle.size)
        self._task = self._loop.create_task(self.serve(answered), name=_TASK_NAME)

    def _cut(self) -> None:
        """Send what is queued and stop writing: a response that cannot be finished."""
        self._flush()
        self._lost = True

    async def _buffer_body(
        self, head: RequestEvent, prefix: bytes, limit: int
    ) -> tuple[bytes | None, bytes]:
        """Read the rest of a body up to ``limit``; ``(None, prefix)`` if it is over.

        A body declared over the limit is not read at all (the handler may
        stream it; ``request.body`` is a 413), and then a client waiting for
        ``100 Continue`` is not told to go on until the handler asks for the
        body. Within the limit the 100 goes out now: the route matched, so
        the server is going to read the body (RFC 9110 §10.1.1).
        """
        declared = head.headers.get(b"content-length")
        if declared is not None and int(declared) > limit:
            return None, prefix
        self._send_continue()
        chunks = [prefix] if prefix else []
        size = len(prefix)
        while size <= limit:
            chunk = await self.read_body_chunk()
            if not chunk:
                return b"".join(chunks), b""
            chunks.append(chunk)
            size += len(chunk)
        return None, b"".join(chunks)

    def _send_continue(self) -> None:
        if self.conn.they_are_waiting_for_100_continue:
            self._out.append(self.conn.send(InformationalResponse(status_code=100, headers=[])))
            self._flush()

    async def read_body_chunk(self) -> bytes:
        """The next piece of the current request's body, ``b""`` after its end.

        This is ``request.stream()``'s source: it sends ``100 Continue`` if
        the client waits for it, and waits at most ``timeout_body`` for
        each read.
        """
        if self._body_done:
            return b""
        self._send_continue()
        server = self.server
        while True:
            self._phase = _BODY
            self.deadline = server.clock() + server.timeouts.body
            try:
                events = self.conn.receive_data(await self._receive())
            finally:
                self._phase = _BUSY
                self.deadline = NEVER
            chunks = []
            for event in events:
                if type(event) is Data:
                    chunks.append(event.data)
                elif type(event) is EndOfMessage:
                    self._body_done = True
            if chunks or self._body_done:
                return b"".join(chunks)

    async def read_app_body_chunk(self) -> bytes | None:
        """``read_body_chunk`` for an ASGI application; ``None`` once the body cannot be read on.

        The peer closed in the middle of the body, sent a malformed one, or
        was too slow: the application hears ``http.disconnect`` (ASGI has
        no other way to say it; an exception raised into it would become
        its own 500), its sends raise, and ``_run_asgi`` raises the failure
        again once the application is done.
        """
        try:
            return await self.read_body_chunk()
        except (_ReadTimeout, RemoteProtocolError) as error:
            self._read_failure = error
            return None

    def _send_plain(
        self, head: RequestEvent, status: int, text: str, *, close: bool = False
    ) -> tuple[int, int]:
        """A short plain-text response; ``_head_for`` adds ``close`` where it is due."""
        response = Response(text, status)
        if close:
            response.set_header("Connection", "close")
        data = text.encode("utf-8")
        self._out.append(self.conn.send_complete(self._head_for(response), data))
        self._response_started = True
        return status, len(data)

    def _head_for(self, response: Response) -> ResponseEvent:
        # Shutting down, or answering before the body was read: tell the
        # client this connection ends with this response, whatever
        # Connection field the handler set (see _new_response_head).
        close = self.server.closing or not self._body_done
        return self.server.response_head(response, close)

    async def _send_response(self, head: RequestEvent, response: Response) -> tuple[int, int]:
        conn = self.conn
        body = response.body
        # A response counts as started only once the core accepted it: a
        # head it refuses (a CR or LF in a header, a Content-Length that
        # lies, a body on a 204) changes nothing there, so the client can
        # still get a 500.
        try:
            event = self._head_for(response)
            if isinstance(body, bytes):
                self._out.append(conn.send_complete(event, body))
                self._response_started = True
                return response.code, len(body) if head.method != b"HEAD" else 0
        except LocalProtocolError as error:
            _log_invalid_response(head, error)
            return self._send_plain(head, 500, "Internal Server Error")
        return response.code, await self._stream_response(head, event, body)

    async def _stream_response(
        self, head: RequestEvent, event: ResponseEvent, body: AsyncIterable[bytes | str]
    ) -> int:
        """Send a streamed body as it is produced, draining between chunks."""
        conn = self.conn
        self._out.append(conn.send(event))
        self._response_started = True
        size = 0
        if head.method != b"HEAD":
            await self._drain()
            try:
                async for chunk in body:
                    data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                    if not data:
                        continue
                    if self._lost:
                        break
                    self._out.append(conn.send(Data(data)))
                    size += len(data)
                    await self._drain()
            except Exception:
                # The head is out: no status can be sent any more. Closing
                # without the last chunk tells the client the body is cut.
                error_logger.exception("Exception in streamed response body")
                self._lost = True
        aclose = getattr(body, "aclose", None)
        if aclose is not None:
            await aclose()
        if not self._lost:
            try:
                self._out.append(conn.send(EndOfMessage()))
            except LocalProtocolError as error:  # shorter than its Content-Length
                _log_invalid_response(head, error)
                self._cut()
        return size
