"""Hypothesis strategies for sansio_http: valid messages and what breaks them.

Sizes stay small on purpose: the properties care about structure (where
a split falls, which framing, which fields), not volume, and the whole
suite must stay fast under the ``ci`` profile.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from http import HTTPStatus

from hypothesis import strategies as st

from sansio_http import (
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    RequestWriter,
    Response,
    ResponseWriter,
    serialize,
)

TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: Fields that change framing or the connection's behaviour: the message
#: strategies set them on purpose, never at random.
RESERVED_NAMES = frozenset(
    {b"content-length", b"transfer-encoding", b"host", b"connection", b"expect", b"upgrade"}
)

#: Methods the writer frames as chunked when no framing field is given,
#: and methods whose targets or framing follow rules of their own.
SPECIAL_METHODS = frozenset({b"POST", b"PUT", b"PATCH", b"CONNECT", b"HEAD", b"OPTIONS"})

tokens = st.text(TCHARS, min_size=1, max_size=6).map(str.encode)

methods = st.one_of(
    st.sampled_from([b"GET", b"DELETE", b"QUERY"]),
    tokens.filter(lambda method: method.upper() not in SPECIAL_METHODS),
)

field_names = tokens.filter(lambda name: name.lower() not in RESERVED_NAMES)

# field-vchar = VCHAR / obs-text, with SP and HTAB allowed inside a value.
_FIELD_VCHARS = "".join(map(chr, [*range(0x21, 0x7F), 0x80, 0xA0, 0xE9, 0xFF]))
field_values = st.text(_FIELD_VCHARS + " \t", max_size=8).map(
    lambda text: text.encode("latin-1").strip(b" \t")
)

fields = st.lists(st.tuples(field_names, field_values), max_size=3)

# pchar runs, "%XX" escapes and a query: origin-form (RFC 9112 §3.2.1).
_PCHARS = "abcXYZ019-._~!$&'()*+,;=:@/"
_segments = st.lists(
    st.one_of(st.text(_PCHARS, min_size=1, max_size=4), st.just("%2F"), st.just("%e9")),
    max_size=3,
)
origin_targets = st.builds(
    lambda path, query: ("/" + "".join(path) + (f"?{query}" if query is not None else "")).encode(),
    _segments,
    st.none() | st.text(_PCHARS + "?", max_size=4),
)

bodies = st.binary(max_size=24)


@st.composite
def pieces_of(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """``data`` cut at arbitrary points (possibly none, possibly empty pieces)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=4)))
    bounds = [0, *cuts, len(data)]
    return [data[start:end] for start, end in itertools.pairwise(bounds)]


def as_read(head: Request | Response | InformationalResponse) -> Event:
    if isinstance(head, Request) or head.reason:
        return head
    reason = HTTPStatus(head.status_code).phrase.encode("ascii")
    return type(head)(head.status_code, head.headers, reason, head.http_version)


@dataclass
class Message:
    """One message: the events that make it up, and how to frame its body."""

    head: Request | Response
    body: list[bytes] = field(default_factory=list)
    trailers: list[tuple[bytes, bytes]] = field(default_factory=list)
    #: Informational responses sent before the head (responses only).
    interim: list[InformationalResponse] = field(default_factory=list)
    #: The method of the request a response answers.
    method: bytes = b"GET"
    #: The body runs until the connection closes (responses only).
    until_close: bool = False

    def events(self) -> list[Event]:
        """The events a reader must give back, ``Data`` merged.

        A response head written without a reason phrase goes out with the
        standard one, so that is what comes back.
        """
        events: list[Event] = [*map(as_read, self.interim), as_read(self.head)]
        payload = b"".join(self.body)
        if payload:
            events.append(Data(payload))
        events.append(EndOfMessage(self.trailers))
        return events

    def wire_events(self) -> list[Event]:
        """The events a writer is given: ``Data`` as cut by the strategy."""
        return [
            *self.interim,
            self.head,
            *(Data(piece) for piece in self.body),
            EndOfMessage(self.trailers),
        ]

    def serialize(self) -> bytes:
        writer: RequestWriter | ResponseWriter
        if isinstance(self.head, Request):
            writer = RequestWriter()
        else:
            writer = ResponseWriter()
            writer.request_method = self.method
            writer.peer_http_version = b"1.0" if self.until_close else b"1.1"
        return b"".join(serialize(event, writer) for event in self.wire_events())


@st.composite
def _body_and_framing(
    draw: st.DrawFn, *, chunked_allowed: bool
) -> tuple[list[bytes], list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    """(body pieces, framing fields, trailers) for a message with a body."""
    body = draw(st.lists(bodies, max_size=3))
    if chunked_allowed and draw(st.booleans()):
        coding = draw(st.sampled_from([b"chunked", b"Chunked"]))
        return body, [(b"Transfer-Encoding", coding)], draw(fields)
    return body, [(b"Content-Length", b"%d" % sum(map(len, body)))], []


@st.composite
def requests(draw: st.DrawFn, *, http_version: bytes | None = None) -> Message:
    """A valid request with its body: sized, chunked (with trailers) or none."""
    version = http_version or draw(st.sampled_from([b"1.1", b"1.0"]))
    host = [] if version == b"1.0" and draw(st.booleans()) else [(b"Host", b"example.com")]
    extra = draw(fields)
    if draw(st.booleans()):
        method = draw(st.sampled_from([b"POST", b"PUT", b"PATCH"]))
        body, framing, trailers = draw(_body_and_framing(chunked_allowed=version == b"1.1"))
    else:
        method, body, framing, trailers = draw(methods), [], [], []
    target = draw(origin_targets)
    if method == b"GET" and draw(st.booleans()):
        target = b"http://example.com" + target
    order = draw(st.permutations([*host, *extra, *framing]))
    return Message(Request(method, target, order, version), body, trailers)


#: Final statuses that never have a body (RFC 9112 §6.3 ¶1).
NO_BODY_STATUSES = (204, 304)
final_statuses = st.sampled_from([200, 201, 204, 301, 304, 404, 418, 500, 503])


@st.composite
def responses(
    draw: st.DrawFn, *, method: bytes | None = None, allow_until_close: bool = True
) -> Message:
    """A valid response to ``method`` (else GET, POST or HEAD), maybe after 1xx.

    A body that runs until close is what an HTTP/1.0 client gets, so such
    a response has no 1xx before it (RFC 9110 §15.2).
    """
    method = method or draw(st.sampled_from([b"GET", b"POST", b"HEAD"]))
    status = draw(final_statuses)
    reason = draw(st.sampled_from([b"", b"Whatever It Says", b"caf\xe9"]))
    interim = [
        InformationalResponse(code, draw(fields))
        for code in draw(st.lists(st.sampled_from([100, 102, 103]), max_size=2))
    ]
    extra = draw(fields)
    until_close = False
    body: list[bytes] = []
    trailers: list[tuple[bytes, bytes]] = []
    if method == b"HEAD" or status in NO_BODY_STATUSES:
        # A HEAD or 304 response may state the length a GET would get.
        framing = [] if status == 204 else draw(st.sampled_from([[], [(b"Content-Length", b"7")]]))
    elif allow_until_close and draw(st.integers(0, 4)) == 0:
        body, framing = draw(st.lists(bodies, max_size=3)), []
        until_close = True
    else:
        body, framing, trailers = draw(_body_and_framing(chunked_allowed=True))
    head = Response(status, draw(st.permutations([*extra, *framing])), reason)
    return Message(head, body, trailers, [] if until_close else interim, method, until_close)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes inserted, deleted or replaced."""
    mutable = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(mutable)))
        octet = draw(st.sampled_from([0x00, 0x09, 0x0A, 0x0D, 0x20, 0x3A, 0x7F, 0x80, 0x30, 0x41]))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or position == len(mutable):
            mutable.insert(position, octet)
        elif action == "delete":
            del mutable[position]
        else:
            mutable[position] = octet
    return bytes(mutable)


@dataclass
class Exchange:
    """One request and its response, as a client and a server carry them."""

    request: Message
    response: Message
    #: The client sends ``Expect: 100-continue`` and waits for the 100.
    expect_continue: bool = False


@st.composite
def exchanges(draw: st.DrawFn) -> Exchange:
    """An HTTP/1.1 exchange whose response fits its request's method."""
    request = draw(requests(http_version=b"1.1"))
    head = request.head
    assert isinstance(head, Request)
    fields = list(head.headers.raw_items())
    expect_continue = head.method in (b"POST", b"PUT", b"PATCH") and draw(st.booleans())
    if expect_continue:
        fields.append((b"Expect", b"100-continue"))
    method = head.method
    if not request.body and draw(st.integers(0, 3)) == 0:
        method = b"HEAD"
    request.head = Request(method, head.target, fields, head.http_version)
    response = draw(responses(method=method, allow_until_close=False))
    return Exchange(request, response, expect_continue)
