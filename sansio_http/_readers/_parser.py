"""The reading state both directions share, and the reader states."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar, Final, Protocol

from .._abnf import MAX_CHUNK_SIZE_DIGITS, NEXT_PLAIN_CHUNK_LINE_RES, PLAIN_CHUNK_LINE_RES
from .._errors import RemoteProtocolError
from .._events import Event
from .._limits import Limits

# Reader states.
HEAD: Final = 0
LENGTH: Final = 1
CHUNK_LINE: Final = 2
CHUNK_DATA: Final = 3
CHUNK_END: Final = 4
TRAILERS: Final = 5
UNTIL_CLOSE: Final = 6
#: After a message that may switch protocols (CONNECT, Upgrade, a 101 or
#: a 2xx to CONNECT): the bytes that follow are not HTTP/1.1 any more, or
#: not yet known to be, so nothing reads them until ``resume()``.
PAUSED: Final = 7
CLOSED: Final = 8
ERROR: Final = 9

Reader = Callable[[Any, bytearray, list[Event]], bool]


class Matcher(Protocol):
    """A compiled pattern's ``match``, bound once: what the chunked reader calls."""

    def __call__(self, buffer: bytearray, position: int = 0, /) -> re.Match[bytes] | None: ...


#: What a parser derives from its Limits, by the Limits' id: (the limits,
#: the head size below which no head limit can be broken, the size up to
#: which a head still arriving breaks none, the matchers of a chunk-size
#: line that keep ``max_chunk_line``). A server makes a parser
#: per connection, all with one Limits; working these out (``min`` calls,
#: two bound methods) cost 3.4k of the 7.9k instructions a parser took to build,
#: measured with callgrind. Each entry holds its Limits, so the id is not
#: reused while the entry lives.
_DERIVED: dict[int, tuple[Limits, int, int, Matcher, Matcher]] = {}
#: Distinct Limits remembered; past it the memo starts again.
_MAX_DERIVED: Final = 64
_DEFAULT_LIMITS: Final = Limits()


def _derive(limits: Limits) -> tuple[Limits, int, int, Matcher, Matcher]:
    """Work out and remember ``limits``' entry of ``_DERIVED``."""
    digits = min(limits.max_chunk_line, MAX_CHUNK_SIZE_DIGITS)
    fast_limit = min(limits.max_request_line, limits.max_header_line, limits.max_header_block)
    derived = (
        limits,
        fast_limit,
        first_wait_limit(fast_limit, limits),
        NEXT_PLAIN_CHUNK_LINE_RES[digits - 1].match,
        PLAIN_CHUNK_LINE_RES[digits - 1].match,
    )
    if len(_DERIVED) >= _MAX_DERIVED:
        _DERIVED.clear()
    _DERIVED[id(limits)] = derived
    return derived


def first_wait_limit(fast_limit: int, limits: Limits) -> int:
    """The size up to which a head still arriving can break no limit.

    Below the smallest size limit, and too short to hold more field lines
    than allowed (three bytes each at least: one, and its CRLF).
    """
    return min(fast_limit, 3 * limits.max_header_count + 2)


class Parser:
    """Reading state shared by both directions; see the two subclasses."""

    __slots__ = (
        "_body_seen",
        "_eof",
        "_error",
        "_fast_limit",
        "_field_count",
        "_fields_at",
        "_fields_end",
        "_fields_scanned",
        "_first_chunk_line",
        "_host",
        "_next_chunk_line",
        "_remaining",
        "_searched",
        "_state",
        "_wait_limit",
        "expects_continue",
        "http_version",
        "keep_alive",
        "limits",
        "may_switch",
        "pause_after_message",
    )

    # Set by ``_head._check_partial_head`` once a waiting head's start
    # line has ended, read only after that (``_fields_at`` says so).
    _field_count: int
    _fields_end: int
    _fields_scanned: int

    #: The reader of each state; each subclass reads its own kind of head.
    _readers: ClassVar[dict[int, Reader]]
    #: What a start line over ``max_request_line`` gets: (message, status).
    _start_line_too_long: ClassVar[tuple[str, int]]

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits = limits if limits is not None else _DEFAULT_LIMITS
        # A head no longer than every head limit cannot break any of them:
        # one comparison clears the common case (see head.take_head). And
        # what the chunked reader matches first and after each chunk's
        # data: the patterns that keep ``max_chunk_line``.
        derived = _DERIVED.get(id(limits))
        if derived is None:
            derived = _derive(limits)
        (
            _,
            self._fast_limit,
            self._wait_limit,
            self._next_chunk_line,
            self._first_chunk_line,
        ) = derived
        self._state = HEAD
        self._remaining = 0
        # How far the current search for a terminator got: the next call
        # searches only bytes it has not seen (linear cost, see _head).
        self._searched = 0
        # ``_wait_limit`` (above): up to what size a head still arriving
        # cannot break a limit; worked out here, it cost 1.7k instructions
        # per connection (callgrind on bench/server_inprocess.py "ours",
        # connection per request). And how far its checks got: where its field
        # lines begin, 0 until its start line has ended (see
        # ``_head._check_partial_head``, which sets the other three).
        self._fields_at = 0
        # The last Host value that passed the check: every request on a
        # connection usually names the same one (see _head).
        self._host = b""
        self._body_seen = 0
        self._eof = False
        self._error: RemoteProtocolError | None = None
        #: Set by the embedder: stop after each complete message, so the
        #: next one is read only when asked (a server answers in order).
        self.pause_after_message = False
        #: What the head of the message being read said, for the
        #: ``Connection``: framing aside, the few facts it acts on.
        self.keep_alive = True
        self.expects_continue = False
        self.may_switch = False
        self.http_version = b"1.1"

    def feed_eof(self) -> None:
        """Note that the peer closed: the next ``parse_into`` ends the input.

        At a message boundary that yields ``ConnectionClosed``; a body read
        until close ends with ``EndOfMessage``; anything else half-read is
        a ``RemoteProtocolError``.
        """
        self._eof = True

    def resume(self) -> None:
        """Read HTTP/1.1 again after a message that might have switched.

        Call it when the protocol switch was refused (the server did not
        answer 101 or 2xx to CONNECT). The refusal may come before the
        request's body has all arrived; the message then ends as an
        ordinary one, without pausing.
        """
        self.may_switch = False
        if self._state == PAUSED:
            self._state = HEAD

    @property
    def at_message_boundary(self) -> bool:
        """Whether no message is partly read (bytes of a head may be buffered)."""
        return self._state in (HEAD, PAUSED, CLOSED)

    @property
    def paused(self) -> bool:
        """Whether reading stopped after a message that may switch protocols."""
        return self._state == PAUSED


class RequestParser(Parser):
    """The reading state of a server: requests, one after another."""

    __slots__ = ()
    _start_line_too_long = ("request line is longer than the limit", 414)


class ResponseParser(Parser):
    """The reading state of a client: responses, matched to requests.

    A response's framing depends on the request it answers (no body for
    HEAD; a tunnel after a 2xx to CONNECT), so the client calls
    ``expect_response_to(method)`` for each request it sends, in order.
    A response that arrives with no method queued is read as one to GET.
    """

    __slots__ = ("_methods",)
    _start_line_too_long = ("status line is longer than the limit", 400)

    def __init__(self, limits: Limits | None = None) -> None:
        super().__init__(limits)
        self._methods: deque[bytes] = deque()

    def expect_response_to(self, method: bytes) -> None:
        """Queue the method of a request sent, to frame its response."""
        self._methods.append(method)


def finish(parser: Parser, events: list[Event], end: Event) -> bool:
    """End the current message; say whether to read on in this call."""
    events.append(end)
    if parser.may_switch:
        parser._state = PAUSED
        return False
    parser._state = HEAD
    return not parser.pause_after_message
