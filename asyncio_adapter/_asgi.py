"""The ASGI 3.0 bridge: serve a Starlette, FastAPI or any ASGI application.

The application is put where a router goes: ``ASGIRoutes.match`` answers
every request with one handler that builds the HTTP scope from the
``Request``, runs the application, and returns a ``Response`` whose body
streams what the application sends. So the server stays one server:
timeouts, back-pressure, framing (chunked when the application gives no
Content-Length), HEAD, keep-alive and shutdown are the same code as for an
``App``.

- ``receive`` streams the body through ``request.stream()`` (so a client
  waiting for ``100 Continue`` gets it when the application first reads),
  then reports ``http.disconnect`` once the response is over.
- ``send`` hands each body chunk over one at a time: the application
  waits while the server writes, which is the back-pressure.
- An exception before ``http.response.start`` is a 500; after it, the
  server cuts the connection (the head is out, no status can follow).
- The lifespan protocol runs around the server (``startup``/``shutdown``
  here, called by ``App.serve``): its ``state`` is copied into each
  request's scope, and a failed startup stops the server with the
  application's message. An application that does not speak lifespan is
  served without it.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, Final

from ._errors import HTTPError
from ._logging import error_logger
from ._request import Request
from ._response import Response

#: ASGI messages and scopes are plain dicts whose values depend on their type.
Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApplication = Callable[[Scope, Receive, Send], Coroutine[Any, Any, None]]

ASGI_VERSION: Final = {"version": "3.0", "spec_version": "2.4"}


class LifespanFailure(Exception):
    """The application reported ``lifespan.startup.failed`` or ``shutdown.failed``."""


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


class _Match:
    __slots__ = ("handler", "params")

    def __init__(self, handler: Callable[..., Awaitable[object]]) -> None:
        self.handler = handler
        self.params: dict[str, object] = {}


class ASGIRoutes:
    """Routes every request to one ASGI application; ``App`` serves it like a router."""

    def __init__(self, app: ASGIApplication) -> None:
        self.app = app
        self.state: dict[str, object] = {}
        self._match = _Match(self._handle)
        self._lifespan: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._lifespan_supported = False

    def match(self, method: str, path: str) -> _Match:
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

    async def _handle(self, request: Request) -> Response:
        scope: Scope = {
            "type": "http",
            "asgi": ASGI_VERSION,
            "http_version": request.http_version,
            "method": request.method,
            "scheme": request.scheme,
            "path": request.path,
            "raw_path": request.raw_path,
            "query_string": request.query_string.encode("latin-1"),
            "root_path": "",
            "headers": list(request._raw_headers),
            "client": request.client,
            "server": request.server,
            "state": self.state.copy(),
        }
        loop = asyncio.get_running_loop()
        exchange = _Exchange(request, loop.create_future())
        # The application gets a task of its own, as uvicorn gives it: it
        # may keep running after its response (background tasks), and
        # anyio's cancel scopes and asyncio.timeout bind to the task that
        # entered them, so it cannot start here and move on later.
        task = loop.create_task(self._run(scope, exchange))
        exchange.task = task
        try:
            await exchange.ready
        except asyncio.CancelledError:
            task.cancel()
            raise
        if exchange.whole is not None:
            # The common case, one complete body: sent with a Content-Length,
            # no stream and no further task switches.
            exchange.close_after_whole_body()
            return exchange.plain_response(exchange.whole)
        if not exchange.started or exchange.chunks is None or exchange.chunks.empty():
            task.result()  # the application's exception: a 500, nothing was sent yet
            raise RuntimeError("the ASGI application returned without sending a response")
        return exchange.plain_response(_Body(exchange))

    async def _run(self, scope: Scope, exchange: _Exchange) -> None:
        """Run the application; ``ready`` resolves when it returns, if not before.

        A ``finally`` here, not a done callback on the task: one callback
        less for the loop to schedule per request (bench/server_inprocess.py).
        """
        try:
            await self.app(scope, exchange.receive, exchange.send)
        finally:
            if not exchange.ready.done():
                exchange.ready.set_result(None)


class _Exchange:
    """The receive and send callables of one request, and the response they build.

    ``ready`` resolves once the handler knows what to return: the whole
    body came in one message, or the first chunk of a streamed one, or the
    application returned (or raised) without either.

    Only what every request needs is made up front: the queue of a streamed
    body and the event a ``receive`` after the response waits on are made
    when first used (bench/server_inprocess.py, "ours (ASGI)": an
    ``asyncio.Queue`` and an ``asyncio.Event`` per request cost about 1 us).
    """

    __slots__ = (
        "_body_ended",
        "_disconnect",
        "_sent_end",
        "body",
        "chunks",
        "complete",
        "finished",
        "headers",
        "ready",
        "request",
        "started",
        "status",
        "task",
        "whole",
    )

    def __init__(self, request: Request, ready: asyncio.Future[None]) -> None:
        self.request = request
        self.task: asyncio.Task[None] | None = None
        self.ready = ready
        self.started = False
        self.status = 200
        self.headers: list[tuple[str, str]] = []
        self.whole: bytes | None = None
        self.chunks: asyncio.Queue[tuple[bytes, bool]] | None = None
        self.body: AsyncIterator[bytes] | None = None
        self.finished = False  # the response is over: receive says disconnect
        self._disconnect: asyncio.Event | None = None
        self.complete = False
        self._sent_end = False
        self._body_ended = False

    async def receive(self) -> Message:
        if not self.finished:
            if self.body is None:
                self.body = self.request.stream().__aiter__()
            try:
                chunk = await self.body.__anext__()
            except StopAsyncIteration:
                pass
            else:
                return {"type": "http.request", "body": chunk, "more_body": True}
            if not self._body_ended:
                self._body_ended = True
                return {"type": "http.request", "body": b"", "more_body": False}
            if not self.finished:
                if self._disconnect is None:
                    self._disconnect = asyncio.Event()
                await self._disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.started:
                raise RuntimeError("http.response.start sent twice")
            self.status = int(message["status"])
            self.headers = [
                (bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
                for name, value in message.get("headers", ())
            ]
            self.started = True
        elif kind == "http.response.body":
            if not self.started:
                raise RuntimeError("http.response.body sent before http.response.start")
            if self._sent_end or self.finished:
                return  # after the end, or for a response the server is no longer sending
            data = bytes(message.get("body", b""))
            more = bool(message.get("more_body", False))
            self._sent_end = not more
            ready = self.ready
            if not ready.done():
                ready.set_result(None)
                if not more:
                    self.whole = data
                    return
            if self.chunks is None:
                self.chunks = asyncio.Queue(maxsize=1)
            await self.chunks.put((data, more))
        else:
            raise RuntimeError(f"unexpected ASGI message type {kind!r}")

    def plain_response(self, body: bytes | _Body) -> Response:
        """A ``Response`` with the app's status and headers, and no header it did not set."""
        try:
            response = Response(body, self.status)
        except ValueError as error:  # a status outside 200-599, a body on a 204
            raise HTTPError(500) from error
        # The app's headers as they are, in place of the Content-Type that
        # Response adds for a body: a client gets only what the app said.
        response.headers = self.headers
        return response

    def close_after_whole_body(self) -> None:
        self.complete = True
        self.close()

    async def chunks_until_end(self) -> AsyncIterator[bytes]:
        assert self.task is not None
        assert self.chunks is not None
        task = self.task
        chunks = self.chunks
        while True:
            get = asyncio.ensure_future(chunks.get())
            waiting: set[asyncio.Future[Any]] = {get, task}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if not get.done():
                get.cancel()
                task.result()  # the app's exception cuts the stream
                raise RuntimeError("the ASGI application returned before the end of its body")
            data, more = get.result()
            if data:
                yield data
            if not more:
                self.complete = True
                return

    def close(self) -> None:
        """The server is done with the response: a disconnect for ``receive``.

        After a complete body the application runs on (background tasks);
        after an incomplete one (HEAD, a peer gone, an error) it is stopped.
        """
        self.finished = True
        if self._disconnect is not None:
            self._disconnect.set()
        task = self.task
        if task is None or task.done():
            return
        if self.complete:
            task.add_done_callback(_log_failure)
        else:
            task.cancel()


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        error = task.exception()
        error_logger.error("Exception in ASGI application after its response", exc_info=error)


class _Body:
    """The response body as the server iterates it, and closes it (even unread, for HEAD)."""

    __slots__ = ("_exchange",)

    def __init__(self, exchange: _Exchange) -> None:
        self._exchange = exchange

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._exchange.chunks_until_end()

    async def aclose(self) -> None:
        self._exchange.close()
