"""Random HTTP/1.1 messages for the fuzz targets and the differential run.

Every choice goes through a ``Source``: ``BytesSource`` reads the choices
from the fuzzer's input (so coverage feedback steers the messages), and
``RandomSource`` draws them from a seeded ``random.Random`` (so a four-byte
seed in front of a wire input picks splits and replies reproducibly).

Values are mostly valid, built from the source's raw bytes with every
octet a field may not carry replaced; now and then the raw bytes go in
as they are, so that the event constructors' own checks are fuzzed too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sansio_http import Data, EndOfMessage, Event, InformationalResponse, Request, Response

METHODS = (b"GET", b"POST", b"PUT", b"HEAD", b"DELETE", b"OPTIONS", b"PATCH", b"CONNECT", b"QUERY")
#: Methods the writer frames as chunked when no framing field is given.
BODY_METHODS = frozenset({b"POST", b"PUT", b"PATCH"})
TARGETS = (
    b"/",
    b"/a/b?c=d&e",
    b"/%2F%e9/x;p=1",
    b"/index.html?",
    b"http://example.com/path?q",
    b"https://[::1]:8443/",
)
STATUSES = (200, 201, 204, 206, 301, 304, 400, 404, 418, 500, 599)
INTERIM_STATUSES = (100, 102, 103)
REASONS = (b"", b"OK", b"Not Quite", b"caf\xe9", b"\tx y")
NAMES = (b"Accept", b"X-Thing", b"set-cookie", b"Cache-Control", b"Via", b"x-a_b~c")
VALUES = (b"", b"*/*", b"a=1; Path=/", b"no-cache, no-store", b"caf\xe9", b"q  r\ts")
#: Fields that frame a message or change what the connection does: the
#: generators set them on purpose, never at random.
RESERVED_NAMES = frozenset(
    {b"content-length", b"transfer-encoding", b"host", b"connection", b"upgrade", b"expect"}
)
#: Transfer codings a message may announce: every one ends with chunked.
CODINGS = (b"chunked", b"Chunked", b"gzip, chunked", b"gzip,chunked ")

_TCHARS = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Maps each octet to a tchar (itself when it is one).
_TO_TCHAR = bytes(
    octet if octet in _TCHARS else _TCHARS[octet % len(_TCHARS)] for octet in range(256)
)
#: Maps each octet to one a field value may hold: CTLs and DEL become "x".
_TO_FIELD = bytes(octet if octet >= 0x20 and octet != 0x7F else 0x78 for octet in range(256))


class Source:
    """Where choices come from; subclasses say how."""

    def integer(self, bound: int) -> int:
        """An integer in ``range(bound)``."""
        raise NotImplementedError

    def raw(self, most: int) -> bytes:
        """Up to ``most`` arbitrary bytes."""
        raise NotImplementedError

    def chance(self, one_in: int) -> bool:
        return self.integer(one_in) == 0

    def choice(self, options: tuple[bytes, ...] | tuple[int, ...]) -> object:
        return options[self.integer(len(options))]

    def pick(self, options: tuple[bytes, ...]) -> bytes:
        return options[self.integer(len(options))]

    def token(self) -> bytes:
        return self.raw(8).translate(_TO_TCHAR) or b"x"

    def name(self) -> bytes:
        """A field name that is not one of those that frame or steer a message."""
        name = self.token() if self.chance(3) else self.pick(NAMES)
        return b"x-" + name if name.lower() in RESERVED_NAMES else name

    def value(self) -> bytes:
        """A field value: valid mostly, raw (maybe invalid) one time in sixteen."""
        if self.chance(16):
            return self.raw(12)
        if self.chance(2):
            return self.pick(VALUES)
        return self.raw(12).translate(_TO_FIELD)


class BytesSource(Source):
    """Choices read from the fuzzer's bytes; zeros once they run out."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def integer(self, bound: int) -> int:
        if bound <= 1:
            return 0
        position = self.position
        if bound <= 256:
            self.position = position + 1
            return self.data[position] % bound if position < len(self.data) else 0
        self.position = position + 2
        return int.from_bytes(self.data[position : position + 2], "big") % bound

    def raw(self, most: int) -> bytes:
        size = self.integer(most + 1)
        start = self.position
        self.position = start + size
        return self.data[start : start + size]


class RandomSource(Source):
    """Choices from a seeded ``random.Random``."""

    def __init__(self, seed: int | bytes) -> None:
        self.random = random.Random(seed)

    def integer(self, bound: int) -> int:
        return self.random.randrange(bound) if bound > 1 else 0

    def raw(self, most: int) -> bytes:
        return self.random.randbytes(self.random.randrange(most + 1))


@dataclass
class Message:
    """One message as a writer is given it: interim heads, head, body, trailers."""

    head: Request | Response
    body: list[bytes] = field(default_factory=list)
    trailers: list[tuple[bytes, bytes]] = field(default_factory=list)
    interim: list[InformationalResponse] = field(default_factory=list)

    def events(self) -> list[Event]:
        return [
            *self.interim,
            self.head,
            *(Data(piece) for piece in self.body),
            EndOfMessage(self.trailers),
        ]


def fields(source: Source, most: int = 3) -> list[tuple[bytes, bytes]]:
    """A few ordinary fields (no framing, Host or Connection among them)."""
    result = []
    for _ in range(source.integer(most + 1)):
        result.append((source.name(), source.value()))
    return result


def body(source: Source) -> list[bytes]:
    return [source.raw(16) for _ in range(source.integer(4))]


def _framing(
    source: Source, pieces: list[bytes], *, chunked_allowed: bool
) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    """(framing fields, trailers): a Content-Length (rarely a wrong one),
    a Transfer-Encoding, or nothing for the writer to choose."""
    kind = source.integer(4)
    if kind == 0:
        size = sum(map(len, pieces)) + (source.integer(3) - 1 if source.chance(16) else 0)
        return [(b"Content-Length", b"%d" % max(size, 0))], []
    if kind == 1 and chunked_allowed:
        trailers = fields(source, 2) if source.chance(2) else []
        return [(b"Transfer-Encoding", source.pick(CODINGS))], trailers
    return [], []


def request(source: Source) -> Message:
    """A request: mostly valid, sometimes one a writer or parser must refuse."""
    version = b"1.0" if source.chance(5) else b"1.1"
    method = source.pick(METHODS) if not source.chance(8) else source.token()
    if method == b"CONNECT":
        target = b"example.com:443"
    elif method == b"OPTIONS" and source.chance(2):
        target = b"*"
    else:
        target = source.pick(TARGETS)
    headers = fields(source)
    if version == b"1.1" or source.chance(2):
        headers.insert(source.integer(len(headers) + 1), (b"Host", b"example.com"))
    pieces = body(source) if method in BODY_METHODS or source.chance(4) else []
    framing, trailers = _framing(source, pieces, chunked_allowed=version == b"1.1")
    if method in BODY_METHODS and not framing and version == b"1.0":
        framing = [(b"Content-Length", b"%d" % sum(map(len, pieces)))]
    if not framing and method not in BODY_METHODS:
        pieces = []
    headers += framing
    option = source.integer(8)
    if option == 0:
        headers.append((b"Connection", b"close"))
    elif option == 1:
        headers.append((b"Connection", b"keep-alive"))
    elif option == 2 and method != b"CONNECT":
        headers += [(b"Connection", b"Upgrade"), (b"Upgrade", b"websocket")]
    elif option == 3 and (pieces or framing):
        headers.append((b"Expect", b"100-continue"))
    EndOfMessage(trailers)  # refuses invalid trailers now, not when the events are built
    return Message(Request(method, target, headers, version), pieces, trailers)


def response(source: Source, method: bytes, peer_version: bytes = b"1.1") -> Message:
    """A response to ``method``: 1xx heads first (not to HTTP/1.0), then a final one."""
    interim = []
    if peer_version == b"1.1":
        for _ in range(source.integer(3) if source.chance(3) else 0):
            code = source.choice(INTERIM_STATUSES)
            assert isinstance(code, int)
            interim.append(InformationalResponse(code, fields(source, 2), source.pick(REASONS)))
    status = source.choice(STATUSES)
    assert isinstance(status, int)
    if method == b"CONNECT" and source.chance(2):
        status = 200
    version = b"1.0" if source.chance(6) else b"1.1"
    headers = fields(source)
    no_body = method == b"HEAD" or status in (204, 304) or (method == b"CONNECT" and status < 300)
    pieces = [] if no_body else body(source)
    if status == 204:
        framing: list[tuple[bytes, bytes]] = []
        trailers: list[tuple[bytes, bytes]] = []
    else:
        framing, trailers = _framing(source, pieces, chunked_allowed=peer_version == b"1.1")
        if no_body:
            trailers = []
            if framing and framing[0][0] == b"Content-Length":
                framing = [(b"Content-Length", b"%d" % source.integer(100))]
    headers += framing
    if source.chance(6):
        headers.append((b"Connection", b"close"))
    EndOfMessage(trailers)  # refuses invalid trailers now, not when the events are built
    return Message(
        Response(status, headers, source.pick(REASONS), version), pieces, trailers, interim
    )
