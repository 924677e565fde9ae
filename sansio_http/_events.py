"""The events: what a message is made of, in either direction.

A message is a head (``Request``, ``InformationalResponse`` or
``Response``), zero or more ``Data``, and an ``EndOfMessage`` carrying the
trailers; ``ConnectionClosed`` says the peer will send nothing more.

Events are immutable, slotted plain classes rather than frozen
dataclasses: the parser builds several per message, and a frozen
dataclass costs about four times as much to construct. Public
constructors validate what they are given (they guard what we send);
the parser, which has validated the bytes already, builds events through
``new_*`` functions (or in place, from the open twins) that skip the checks.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, NoReturn, TypeAlias

from ._abnf import METHOD_RE
from ._errors import LocalProtocolError, quote
from ._headers import HeaderInput, Headers, fill_headers, new_headers, to_bytes

__all__ = [
    "ConnectionClosed",
    "Data",
    "EndOfMessage",
    "Event",
    "InformationalResponse",
    "Request",
    "Response",
]

_HTTP_VERSIONS: Final = frozenset({b"1.0", b"1.1"})

#: A response head as the writer sees it: the status line and field lines
#: serialized (without the blank line), the Content-Length and
#: Transfer-Encoding values, and the Connection options.
WireFacts: TypeAlias = tuple[bytes, bytes | None, bytes | None, frozenset[bytes]]


def _check_version(http_version: bytes | str) -> bytes:
    # The common case first, without a call: an application builds a head
    # per response it does not cache.
    if type(http_version) is bytes and http_version in _HTTP_VERSIONS:
        return http_version
    version = to_bytes(http_version, "http_version")
    if version not in _HTTP_VERSIONS:
        raise LocalProtocolError(f"http_version must be b'1.0' or b'1.1', got {quote(version)}")
    return version


def _check_reason(reason: bytes | str) -> bytes:
    if type(reason) is bytes and not reason:
        return reason
    phrase = to_bytes(reason, "reason")
    # reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )     (RFC 9112 §4)
    if any((octet < 0x20 and octet != 0x09) or octet == 0x7F for octet in phrase):
        raise LocalProtocolError(f"invalid reason phrase {quote(phrase)}")
    return phrase


def _refuse_set(self: object, name: str, value: object) -> NoReturn:
    raise AttributeError(f"{type(self).__name__} is immutable")


def _refuse_delete(self: object, name: str) -> NoReturn:
    raise AttributeError(f"{type(self).__name__} is immutable")


class Event:
    """Base of every event: immutable, compared by type and fields.

    Each concrete class refuses attribute changes itself, not this base:
    the parser builds events in twin classes that share this base and
    store their slots plainly (see ``_open_twin``).
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, field) for field in self._fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event) or type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{field}={getattr(self, field)!r}" for field in self._fields)
        return f"{type(self).__name__}({fields})"


class Request(Event):
    """A request head: method, target, header fields and HTTP version."""

    __slots__ = ("headers", "http_version", "method", "target")
    __setattr__ = _refuse_set
    __delattr__ = _refuse_delete
    _fields = ("method", "target", "headers", "http_version")

    method: bytes
    target: bytes
    headers: Headers
    http_version: bytes

    def __init__(
        self,
        method: bytes | str,
        target: bytes | str,
        headers: HeaderInput = (),
        http_version: bytes | str = b"1.1",
    ) -> None:
        method = to_bytes(method, "method")
        if METHOD_RE.fullmatch(method) is None:
            raise LocalProtocolError(f"invalid method {quote(method)}")
        target = to_bytes(target, "target")
        # request-target is made of VCHAR only (RFC 9112 §3.2): no SP, no CTL.
        if not target or any(octet <= 0x20 or octet >= 0x7F for octet in target):
            raise LocalProtocolError(f"invalid request target {quote(target)}")
        fields = Headers(headers)
        version = _check_version(http_version)
        # RFC 9112 §3.2: a client MUST send exactly one Host in HTTP/1.1.
        hosts = len(fields.get_all(b"host"))
        if version == b"1.1" and hosts != 1:
            raise LocalProtocolError("an HTTP/1.1 request needs exactly one Host header")
        if hosts > 1:
            raise LocalProtocolError("a request may carry at most one Host header")
        _set_method(self, method)
        _set_target(self, target)
        _set_request_headers(self, fields)
        _set_request_version(self, version)


class _ResponseHead(Event):
    """What ``InformationalResponse`` and ``Response`` share."""

    __slots__ = ("_wire", "headers", "http_version", "reason", "status_code")
    __setattr__ = _refuse_set
    __delattr__ = _refuse_delete
    _fields = ("status_code", "headers", "reason", "http_version")
    _allowed_codes: ClassVar[range] = range(100, 600)

    status_code: int
    headers: Headers
    reason: bytes
    http_version: bytes
    #: What ``_writers.response_facts`` works out from the head, kept on
    #: first use: the fields never change, so neither does what they say.
    #: Not a field: equality, hash and repr ignore it.
    _wire: WireFacts | None

    def __init__(
        self,
        status_code: int,
        headers: HeaderInput = (),
        reason: bytes | str = b"",
        http_version: bytes | str = b"1.1",
    ) -> None:
        if type(status_code) is not int or status_code not in self._allowed_codes:
            raise LocalProtocolError(
                f"{type(self).__name__} status_code must be in "
                f"{self._allowed_codes.start}-{self._allowed_codes.stop - 1}, got {status_code!r}"
            )
        _set_status(self, status_code)
        _set_wire(self, None)
        _set_response_headers(self, Headers(headers))
        _set_reason(self, _check_reason(reason))
        _set_response_version(self, _check_version(http_version))


class InformationalResponse(_ResponseHead):
    """A 1xx interim response, such as ``100 Continue`` or ``101``."""

    __slots__ = ()
    _allowed_codes = range(100, 200)


class Response(_ResponseHead):
    """A final response head (status 200 to 599)."""

    __slots__ = ()
    _allowed_codes = range(200, 600)


class Data(Event):
    """A piece of a message body, as it arrived or as it is to be sent."""

    __slots__ = ("data",)
    __setattr__ = _refuse_set
    __delattr__ = _refuse_delete
    _fields = ("data",)

    data: bytes

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        if not isinstance(data, bytes):
            if not isinstance(data, bytearray | memoryview):
                raise LocalProtocolError(f"Data needs bytes, got {type(data).__name__}")
            data = bytes(data)
        _set_data(self, data)


class EndOfMessage(Event):
    """The end of a message; ``headers`` are its trailer fields, if any."""

    __slots__ = ("headers",)
    __setattr__ = _refuse_set
    __delattr__ = _refuse_delete
    _fields = ("headers",)

    headers: Headers

    def __init__(self, headers: HeaderInput = ()) -> None:
        _set_trailers(self, Headers(headers))


class ConnectionClosed(Event):
    """The peer closed its side cleanly, between messages."""

    __slots__ = ()
    __setattr__ = _refuse_set
    __delattr__ = _refuse_delete


# --- the parser's constructors -------------------------------------------
#
# The public ``__init__`` methods validate, then set the slots through
# their member descriptors (0.6x the time of ``object.__setattr__`` by
# name), which bypasses each class's refusal of changes.
#
# The parser, which validated the bytes already, builds each event in an
# open twin of its class instead: same base, same slots, no refusal, so
# each store is CPython's specialized slot store; then ``__class__``
# assignment, which CPython allows between such layouts, makes it the
# real class. Measured with callgrind: a Request costs 2.4k instructions
# this way against 4.1k through the four descriptors. A twin is called,
# not given to ``object.__new__``: no class in its line has an
# ``__init__``, and a plain call skips the checks of the builtin's
# wrapper (callgrind on bench/parser.py case (c): 0.56k instructions
# less per message, a Request and a Data).
#
# Whatever builds a head or an end builds its ``Headers`` too, around
# fields the parser already validated, without ``Headers``' checks: an
# empty one from ``new_headers``, filled by ``fill_headers`` (the list's
# own ``__new__`` and ``extend``), then ``index``, which maps each name to
# its value (its last one when names repeat), and ``lines``, the raw field
# lines, from which the spelling of each name is cut only if
# ``raw_items()`` is ever called. The five lines are repeated in each such
# place (the two head readers in ``_readers._head``,
# and ``new_end_of_message`` here) rather than called: measured with
# callgrind on bench/parser.py case (c), a call less per head is 0.4k
# instructions less. Plain slot stores there: CPython 3.11 specializes them, and
# measured on bench/parser.py case (b) they take 0.45x the time of the
# member descriptors' ``__set__`` (120 ns against 290 ns for four).

_set_method = Request.__dict__["method"].__set__
_set_target = Request.__dict__["target"].__set__
_set_request_headers = Request.__dict__["headers"].__set__
_set_request_version = Request.__dict__["http_version"].__set__
_set_status = _ResponseHead.__dict__["status_code"].__set__
_set_response_headers = _ResponseHead.__dict__["headers"].__set__
_set_reason = _ResponseHead.__dict__["reason"].__set__
_set_response_version = _ResponseHead.__dict__["http_version"].__set__
_set_wire = _ResponseHead.__dict__["_wire"].__set__
_set_data = Data.__dict__["data"].__set__
_set_trailers = EndOfMessage.__dict__["headers"].__set__


def _open_twin(cls: type[Event]) -> Any:
    """A class laid out as ``cls``, whose instances accept stores until they become one."""
    return type(f"_Open{cls.__name__}", (Event,), {"__slots__": cls.__slots__})


#: Not private: the request head reader builds each ``Request`` (and its
#: ``Headers``, as the constructors below do) in place, with no function
#: of its own (callgrind on bench/parser.py case (c): 32.49k -> 31.95k
#: instructions per message, (a) 24.41k -> 23.90k).
OpenRequest: Final = _open_twin(Request)
#: Not private, as ``OpenRequest``: the response head reader builds each
#: ``InformationalResponse`` and ``Response`` in place (callgrind on
#: bench/parser.py case (r): 41.24k -> 40.65k instructions per
#: parse_into).
OpenResponseHead: Final = _open_twin(_ResponseHead)
#: Not private: the head readers build the ``Data`` of a body that came
#: with its head in place, without a call of ``new_data`` (callgrind on
#: bench/parser.py case (c): 33.5k -> 33.1k instructions per message).
OpenData: Final = _open_twin(Data)
_OpenEndOfMessage: Final = _open_twin(EndOfMessage)


def keep_wire(event: _ResponseHead, facts: WireFacts) -> None:
    """Keep what the writer worked out from ``event``'s head on the event."""
    _set_wire(event, facts)


def new_data(data: bytes) -> Data:
    """A ``Data`` event around bytes the parser owns."""
    event = OpenData()
    event.data = data
    event.__class__ = Data
    return event  # type: ignore[no-any-return]


def new_end_of_message(
    items: list[tuple[bytes, bytes]], index: dict[bytes, bytes], lines: list[bytes]
) -> EndOfMessage:
    """An ``EndOfMessage`` with parsed trailers."""
    headers = new_headers(Headers)
    fill_headers(headers, items)
    headers._index = index if len(index) == len(items) else None
    headers._raw_names = None
    headers._raw_lines = lines
    event = _OpenEndOfMessage()
    event.headers = headers
    event.__class__ = EndOfMessage
    return event  # type: ignore[no-any-return]


#: Events are immutable, so one instance serves every message without
#: trailers and every clean close.
END_OF_MESSAGE: Final = EndOfMessage()
CONNECTION_CLOSED: Final = ConnectionClosed()
