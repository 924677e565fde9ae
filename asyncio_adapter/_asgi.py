"""The ASGI 3.0 bridge: serve a Starlette, FastAPI or any ASGI application.

The application is put where a router goes: ``ASGIRoutes.match`` answers
every request with an ``ASGIMatch``, and the server hands such a request
to an ``ASGICycle`` instead of a handler. The cycle writes what the
application sends through the same ``sansio_http.Connection`` as an
``App``'s responses, so timeouts, back-pressure, framing (chunked when the
application gives no Content-Length), HEAD, keep-alive and shutdown are
the same code.

- The application runs inline, in the connection's task, as an ``App``'s
  handler does: no task, queue or future per request. When it goes on
  after its response (Starlette's background tasks), the connection is
  handed to a new task, and the application finishes in the old one
  (``ASGICycle.check_returned``). After a whole body, the common
  response, that is decided lazily: when the next bytes from the peer
  arrive, at once if a pipelined request is already waiting, at the
  server's next tick, or at shutdown (``HTTPConnection.answered``). After
  a streamed response, which may end only with the close, it is decided
  as soon as the application yields.
  anyio's cancel scopes and ``asyncio.timeout`` bind to the task that
  entered them, and the application never changes task: only the
  connection's serving loop does.
- ``receive`` streams the body (a client waiting for ``100 Continue``
  gets it when the application first reads), then waits for the end of
  the response, and says ``http.disconnect`` once the response is over or
  the peer has gone. A body that cannot be read on (the peer closed in
  the middle, sent a malformed chunk, or was too slow) is a disconnect
  too: ASGI has no other way to say it, and an exception raised into the
  application would become its own 500. The server answers the failure
  itself once the application is done (408, 400 or 413, as for a
  handler).
- ``send`` writes each message as it comes and waits while the peer is
  slow to read (back-pressure). A body given whole in its first message
  goes out with a Content-Length. Once nothing can reach the client, a
  send of a streamed body raises ``ClientDisconnected``, an ``OSError``,
  as spec 2.4 asks.
- An exception before any byte was written is a 500; after that, the
  server cuts the connection (no status can follow a head).
- The lifespan protocol runs around the server (``startup``/``shutdown``
  here, called by ``App.serve``): its ``state`` is copied into each
  request's scope, and a failed startup stops the server with the
  application's message. An application that does not speak lifespan is
  served without it.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, Final, Protocol

from sansio_http import Connection, Data, EndOfMessage
from sansio_http import Response as ResponseEvent

from ._logging import error_logger

#: ASGI messages and scopes are plain dicts whose values depend on their type.
Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApplication = Callable[[Scope, Receive, Send], Coroutine[Any, Any, None]]

ASGI_VERSION: Final = {"version": "3.0", "spec_version": "2.4"}


class LifespanFailure(Exception):
    """The application reported ``lifespan.startup.failed`` or ``shutdown.failed``."""


class InvalidResponse(Exception):
    """The application's response cannot be sent as it is (a bad status or header)."""


class ClientDisconnected(OSError):
    """What ``send`` raises once nothing sent can reach the client (ASGI spec 2.4).

    An application streaming a response learns this way that it may stop:
    Starlette turns it into ``ClientDisconnect``. Without it a loop of
    sends would run on, and one that never waits would hold the loop.
    """


def is_asgi_application(value: object) -> bool:
    """Whether ``value`` looks like an ASGI 3.0 application.

    An async callable taking ``(scope, receive, send)``: a handler such as
    ``async def home(request)`` is not one.
    """
    call = getattr(value, "__call__", None)  # noqa: B004 - instances of classes too
    if not (asyncio.iscoroutinefunction(value) or asyncio.iscoroutinefunction(call)):
        return False
    try:
        parameters = inspect.signature(value).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) == 3 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


class ASGIMatch:
    """What ``ASGIRoutes.match`` gives for every request: the application to run."""

    __slots__ = ("app", "state")

    def __init__(self, app: ASGIApplication, state: dict[str, object]) -> None:
        self.app = app
        #: What the lifespan startup stored: each request's scope gets a copy.
        self.state = state


class ASGIRoutes:
    """Routes every request to one ASGI application; ``App`` serves it like a router."""

    def __init__(self, app: ASGIApplication) -> None:
        self.app = app
        self.state: dict[str, object] = {}
        self._match = ASGIMatch(app, self.state)
        self._lifespan: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._lifespan_supported = False

    def match(self, method: str, path: str) -> ASGIMatch:
        return self._match

    # -- lifespan --

    async def startup(self) -> None:
        """Run ``lifespan.startup``; raises ``LifespanFailure`` with the app's message."""
        scope: Scope = {"type": "lifespan", "asgi": ASGI_VERSION, "state": self.state}
        self._lifespan = asyncio.create_task(self._run_lifespan(scope))
        await self._to_app.put({"type": "lifespan.startup"})
        reply = await self._lifespan_reply()
        if reply is None:
            return
        if reply["type"] == "lifespan.startup.failed":
            raise LifespanFailure(f"ASGI lifespan startup failed: {reply.get('message', '')}")
        self._lifespan_supported = True

    async def shutdown(self) -> None:
        """Run ``lifespan.shutdown`` if startup ran; raises ``LifespanFailure``."""
        if not self._lifespan_supported:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        reply = await self._lifespan_reply()
        if reply is not None and reply["type"] == "lifespan.shutdown.failed":
            raise LifespanFailure(f"ASGI lifespan shutdown failed: {reply.get('message', '')}")

    async def _lifespan_reply(self) -> Message | None:
        """The app's answer, or ``None`` if it returned or raised (no lifespan support)."""
        assert self._lifespan is not None
        getting = asyncio.ensure_future(self._from_app.get())
        await asyncio.wait({getting, self._lifespan}, return_when=asyncio.FIRST_COMPLETED)
        if getting.done():
            return getting.result()
        getting.cancel()
        return None

    async def _run_lifespan(self, scope: Scope) -> None:
        try:
            await self.app(scope, self._to_app.get, self._from_app.put)
        except Exception:
            if self._lifespan_supported:
                error_logger.exception("Exception in ASGI lifespan")
            else:  # the common way of not supporting lifespan: log it quietly
                error_logger.debug("ASGI application does not support lifespan", exc_info=True)


# -- one request --


class CycleServer(Protocol):
    """What an ``ASGICycle`` needs of the server (``Server``)."""

    def check_soon(self, cycle: ASGICycle) -> None: ...


class CycleConnection(Protocol):
    """What an ``ASGICycle`` needs of the server's connection (``HTTPConnection``)."""

    @property
    def conn(self) -> Connection: ...

    @property
    def server(self) -> CycleServer: ...

    @property
    def body_done(self) -> bool: ...

    @property
    def lost(self) -> bool: ...

    @property
    def peer_done(self) -> bool: ...

    def write(self, data: bytes) -> None: ...

    async def drain(self) -> None: ...

    async def read_app_body_chunk(self) -> bytes | None: ...

    def asgi_head(self, status: int, headers: tuple[Any, ...]) -> ResponseEvent: ...

    def hand_over(self, cycle: ASGICycle) -> None: ...

    def answered(self, cycle: ASGICycle) -> None: ...


class ASGICycle:
    """The ``receive`` and ``send`` of one request, and how far its response got.

    ``status`` is 0 until ``http.response.start`` gives one. ``written``
    turns true with the first byte handed to the connection (no other
    status can be sent after it), ``complete`` once the whole response
    was; ``returned`` once the application returned or raised.
    """

    __slots__ = (
        "_body_failed",
        "_disconnect",
        "_head_only",
        "_headers",
        "_prefix",
        "complete",
        "connection",
        "handed_over",
        "returned",
        "size",
        "status",
        "written",
    )

    # These two are not set in __init__ (a slot store there costs about 50
    # instructions, the whole construction 2.5k): ``_headers`` is set with
    # ``status`` and read only once ``status`` is, ``size`` (body bytes
    # written, for the access log) is set with ``written``; ``_prefix``
    # doubles as the flag that the body was given. Measured with valgrind
    # on bench/server_inprocess.py "ours (ASGI)", together with _end
    # inlined in send and the server's check_soon called directly: 82.8k
    # -> 81.9k instructions per keep-alive request.
    _headers: tuple[Any, ...]
    size: int

    def __init__(self, connection: CycleConnection, head_only: bool, prefix: bytes) -> None:
        self.connection = connection
        self._head_only = head_only
        # Body bytes that arrived with the head, for the first ``receive``;
        # ``None`` once the whole body was given.
        self._prefix: bytes | None = prefix
        self._disconnect: asyncio.Event | None = None
        # The body could not be read on: the server answers the request,
        # and nothing the application sends goes out (see the module).
        self._body_failed = False
        self.status = 0
        self.written = False
        self.complete = False
        self.returned = False
        self.handed_over = False

    async def receive(self) -> Message:
        connection = self.connection
        if self.complete or self._body_failed or connection.lost:
            return {"type": "http.disconnect"}
        chunk = self._prefix
        if chunk is not None:
            if not chunk:
                chunk = await connection.read_app_body_chunk()
                if chunk is None:  # the body cannot be read on: see the module's docstring
                    self._body_failed = True
                    return {"type": "http.disconnect"}
            more = not connection.body_done
            self._prefix = b"" if more else None
            return {"type": "http.request", "body": chunk, "more_body": more}
        # The body was all given: what is left to say is that the response
        # is over, or the peer gone (a listener for disconnects waits here).
        # A peer that closed its sending side counts as gone, as uvicorn has it.
        if connection.peer_done:
            return {"type": "http.disconnect"}
        if self._disconnect is None:
            self._disconnect = asyncio.Event()
        await self._disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            if not self.status:
                raise RuntimeError("http.response.body sent before http.response.start")
            if self.complete:
                return  # after the end: nothing more can be sent
            connection = self.connection
            body = message.get("body", b"")
            if type(body) is not bytes:
                body = bytes(body)
            more = message.get("more_body", False)
            conn = connection.conn
            # A send after the client left raises (spec 2.4): how a streaming
            # application learns to stop. ``lost`` is a property, looked at
            # only when streaming: a whole body in one message goes on to
            # nothing. Measured with callgrind on bench/server_inprocess.py
            # "ours (ASGI)", the property read on every send cost 1.6k
            # instructions per keep-alive request (of 77k).
            if self._body_failed or ((self.written or more) and connection.lost):
                raise ClientDisconnected("the client is gone: nothing sent reaches it")
            if not self.written:
                head = connection.asgi_head(self.status, self._headers)
                if not more:
                    # The common case, a whole body: one write, with a Content-Length.
                    connection.write(conn.send_complete(head, body))
                    self.written = True
                    self.size = 0 if self._head_only else len(body)
                    # _end(), inlined: one call less per response
                    # (measured together with the slots left unset, see
                    # above).
                    self.complete = True
                    if self._disconnect is not None:
                        self._disconnect.set()
                    # No loop callback to see whether the application
                    # returned: the connection looks when that matters
                    # (see the module). Measured with callgrind on
                    # bench/server_inprocess.py "ours (ASGI)" with one
                    # connection per round (a callback each, as under
                    # wrk): 89.7k -> 86.8k instructions per keep-alive
                    # request.
                    connection.answered(self)
                    return
                connection.write(conn.send(head))
                self.written = True
                self.size = 0
            if body and not self._head_only:
                connection.write(conn.send(Data(body)))
                self.size += len(body)
            if more:
                await connection.drain()
            else:
                connection.write(conn.send(EndOfMessage()))
                self._end()
        elif kind == "http.response.start":
            if self.status:
                raise RuntimeError("http.response.start sent twice")
            status = message["status"]
            if type(status) is not int or not 200 <= status <= 599:
                raise InvalidResponse(f"status {status!r} is not a final status (200-599)")
            # A copy, since the application may reuse its list; a tuple,
            # which is also the server's key for the head it builds from
            # them: one copy where there were two (callgrind on
            # bench/server_inprocess.py "ours (ASGI)": 76.2k -> 75.6k
            # instructions per keep-alive request).
            self._headers = tuple(message.get("headers", ()))
            self.status = status
        else:
            raise RuntimeError(f"unexpected ASGI message type {kind!r}")

    def _end(self) -> None:
        self.complete = True
        # wake(), inlined: measured with callgrind on bench/server_inprocess.py
        # "ours (ASGI)", 0.3k instructions less per request.
        if self._disconnect is not None:
            self._disconnect.set()
        # Once the application yields to the loop, see whether it returned:
        # one that runs on (background tasks) must not hold the next
        # request of the connection back. The server's batch directly, not
        # through a method of the connection: one call less (measured
        # together with the slots left unset, see above).
        self.connection.server.check_soon(self)

    def check_returned(self) -> None:
        """Hand the connection over if the application still runs after its response.

        Once: the server's batch and the connection's own checks may both
        come to a cycle.
        """
        if not self.returned and not self.handed_over:
            self.handed_over = True
            self.connection.hand_over(self)

    def wake(self) -> None:
        """The response is over or the peer gone: a waiting ``receive`` says disconnect."""
        if self._disconnect is not None:
            self._disconnect.set()


def log_after_response(error: BaseException) -> None:
    """An application that failed after its whole response: the client saw nothing."""
    error_logger.error("Exception in ASGI application after its response", exc_info=error)
