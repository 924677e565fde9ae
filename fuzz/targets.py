"""The fuzz targets: each takes the fuzzer's bytes and fails loudly.

A target fails (raises anything but the errors below) on:

- an exception other than ``RemoteProtocolError`` (the peer's fault) or
  ``LocalProtocolError`` (a send the state refuses), and for the router
  other than ``NotFound`` / ``MethodNotAllowed``;
- a receive buffer that holds more than the limits let a reader keep;
- a broken promise of the contract, checked as it goes: the same events
  (or the same error status) whatever the split of the input; a refused
  ``send`` that changed anything; bytes our writer produced that our
  parser refuses or reads back differently; a compiled route lookup that
  disagrees with the tree walk or with ``url_for``.

A call that takes over one second is libFuzzer's ``-timeout=1`` (see
``run.py``): an input is a series of calls, so no call can exceed it
unseen.

Inputs of the wire targets start with four bytes that seed the random
choices (where the input is cut, what is sent back); the response and
client targets take one more byte that says which requests the responses
answer (``methods_byte``). ``seeds.py`` writes the seed corpus in this
format.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final

from messages import METHODS, BytesSource, Message, RandomSource, Source, request, response

from router import Match, MethodNotAllowed, NotFound, Route, Router
from sansio_http import (
    CLIENT,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Limits,
    LocalProtocolError,
    RemoteProtocolError,
    Request,
    RequestParser,
    RequestWriter,
    Response,
    ResponseParser,
    ResponseWriter,
    State,
    parse_into,
    serialize,
)
from sansio_http._readers import _parser as reader_states
from sansio_http._writers import REASONS

#: Small enough that random input crosses every limit.
SMALL_LIMITS: Final = Limits(
    max_request_line=64,
    max_header_line=48,
    max_header_count=6,
    max_header_block=160,
    max_chunk_line=16,
    max_trailer_block=48,
    max_body=256,
)
DEFAULT_LIMITS: Final = Limits()
#: Larger than any input: only faults that are not sizes remain.
UNLIMITED: Final = Limits(*[1 << 30] * 6)
#: The statuses of a size over its limit.
SIZE_STATUSES: Final = frozenset({413, 414, 431})
#: Methods a response can answer, as ``methods_byte`` numbers them.
RESPONSE_METHODS: Final = (b"GET", b"HEAD", b"POST", b"CONNECT")
SEED_SIZE: Final = 4
STATUSES: Final = (200, 204, 304, 404, 500)

Parser = RequestParser | ResponseParser


class Broken(AssertionError):
    """A target found a broken promise (not an exception of the library)."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise Broken(message)


# --- shared pieces ---------------------------------------------------------------


def split(source: Source, payload: bytes) -> list[bytes]:
    """``payload`` cut at random points: mostly small pieces, sometimes the rest."""
    pieces = []
    position = 0
    while position < len(payload):
        size = len(payload) if source.chance(8) else 1 + source.integer(24)
        pieces.append(payload[position : position + size])
        position += size
    return pieces


def normalize(events: list[Event]) -> list[Event]:
    """Adjacent ``Data`` merged, empty ones dropped: how bytes arrive is not an event."""
    merged: list[Event] = []
    for event in events:
        if isinstance(event, Data):
            if not event.data:
                continue
            last = merged[-1] if merged else None
            if isinstance(last, Data):
                merged[-1] = Data(last.data + event.data)
                continue
        merged.append(event)
    return merged


def buffer_bound(parser: Parser) -> int | None:
    """The most a reader may leave buffered in its state; ``None``: not reading."""
    state = parser._state
    limits = parser.limits
    if state == reader_states.HEAD:
        # A partial head: the start line and the header block, each at its limit.
        return limits.max_request_line + limits.max_header_block + 4
    if state == reader_states.CHUNK_LINE:
        return limits.max_chunk_line + 1
    if state == reader_states.TRAILERS:
        return limits.max_trailer_block + 4
    if state == reader_states.CHUNK_END:
        return 1
    if state in (reader_states.PAUSED, reader_states.CLOSED, reader_states.ERROR):
        return None
    return 0  # body readers take all they are given


def _check_buffer(parser: Parser, buffer: bytearray) -> None:
    bound = buffer_bound(parser)
    _check(
        bound is None or len(buffer) <= bound,
        f"{len(buffer)} bytes left buffered in reader state {parser._state} (bound {bound})",
    )


def _parse(parser: Parser, pieces: list[bytes]) -> tuple[list[Event], int | None, bytes]:
    """Feed ``pieces`` then the close; (events, error status or None, left over)."""
    buffer = bytearray()
    events: list[Event] = []
    try:
        for piece in pieces:
            buffer += piece
            events += parse_into(parser, buffer)
            _check_buffer(parser, buffer)
        parser.feed_eof()
        events += parse_into(parser, buffer)
    except RemoteProtocolError as error:
        _check(error.status_code in (400, 413, 414, 431, 501, 505), f"status {error.status_code}")
        return events, error.status_code, bytes(buffer)
    return events, None, bytes(buffer)


def _compare_feedings(
    make: Callable[[Limits], Parser], limits: Limits, source: Source, payload: bytes
) -> None:
    """Whole and cut, the input gives the same events, or the same error status.

    The one exception: an input with two faults, one of them a size over
    its limit, may be refused for either, whichever the reader saw first
    (fuzz/README.md, "Which fault is reported"). Without limits it must
    then still be refused, for the other fault.
    """
    whole_events, whole_status, whole_rest = _parse(make(limits), [payload] if payload else [])
    events, status, rest = _parse(make(limits), split(source, payload))
    if status is None or whole_status is None:
        _check(status == whole_status, f"error status {status} cut, {whole_status} whole")
        _check(normalize(events) == normalize(whole_events), "events differ with the cut")
        _check(rest == whole_rest, "the bytes left over differ with the cut")
    elif status != whole_status:
        unlimited = _parse(make(UNLIMITED), [payload])[1]
        _check(
            unlimited is not None
            and unlimited not in SIZE_STATUSES
            and {status, whole_status} - {unlimited} <= SIZE_STATUSES,
            f"error status {status} cut, {whole_status} whole, {unlimited} without limits",
        )


def _limits(source: Source) -> Limits:
    return SMALL_LIMITS if source.chance(2) else DEFAULT_LIMITS


def methods_of(code: int) -> list[bytes]:
    """``methods_byte``: two low bits a count (0-3), then two bits per method."""
    return [RESPONSE_METHODS[(code >> (2 + 2 * index)) & 3] for index in range(code & 3)]


def methods_byte(methods: list[bytes]) -> int:
    """The inverse of ``methods_of`` for up to three methods."""
    code = len(methods)
    for index, method in enumerate(methods):
        code |= RESPONSE_METHODS.index(method) << (2 + 2 * index)
    return code


def _wire_input(data: bytes) -> tuple[RandomSource, bytes]:
    return RandomSource(data[:SEED_SIZE]), data[SEED_SIZE:]


# --- the parsers ---------------------------------------------------------------


def request_parser(data: bytes) -> None:
    """``parse_into`` on requests, whole and cut, with small or default limits."""
    source, payload = _wire_input(data)
    _compare_feedings(RequestParser, _limits(source), source, payload)


def response_parser(data: bytes) -> None:
    """``parse_into`` on responses to the methods ``methods_byte`` names (HEAD, CONNECT...)."""
    source, payload = _wire_input(data)
    methods = methods_of(payload[0]) if payload else []

    def make(limits: Limits) -> ResponseParser:
        parser = ResponseParser(limits)
        for method in methods:
            parser.expect_response_to(method)
        return parser

    _compare_feedings(make, _limits(source), source, payload[1:])


# --- the connections --------------------------------------------------------------


def snapshot(conn: Connection) -> tuple[object, ...]:
    """Everything a refused ``send`` must leave as it was."""
    writer = conn._writer
    return (
        conn.our_state,
        conn.their_state,
        conn.keep_alive,
        conn.they_are_waiting_for_100_continue,
        conn.trailing_data,
        writer._in_body,
        writer._framing,
        writer._remaining,
        # Only a client keeps the requests whose responses are owed.
        len(conn._outstanding) if conn.our_role is CLIENT else 0,
    )


def send(conn: Connection, event: Event, sent: list[bytes]) -> bool:
    """``conn.send(event)``; a refusal must change nothing. Whether it was sent."""
    before = snapshot(conn)
    try:
        sent.append(conn.send(event))
    except LocalProtocolError:
        _check(snapshot(conn) == before, f"a refused {event!r} changed the connection")
        return False
    return True


def send_message(conn: Connection, source: Source, message: Message, sent: list[bytes]) -> bool:
    """Send ``message`` event by event, or in one ``send_complete``; whether all went."""
    head = message.head
    if not message.interim and not message.trailers and source.chance(3):
        before = snapshot(conn)
        try:
            sent.append(conn.send_complete(head, b"".join(message.body)))
        except LocalProtocolError:
            _check(snapshot(conn) == before, "a refused send_complete changed the connection")
            return False
        return True
    return all(send(conn, event, sent) for event in message.events())


def random_event(source: Source) -> Event:
    """Any event at all, to send in whatever state the connection is."""
    kind = source.integer(7)
    if kind == 0:
        return Data(source.raw(4))
    if kind == 1:
        return EndOfMessage([(b"X", b"y")] if source.chance(2) else [])
    if kind == 2:
        return ConnectionClosed()
    if kind == 3:
        return InformationalResponse(100 + source.integer(4))
    if kind == 4:
        return Response(STATUSES[source.integer(len(STATUSES))])
    return Request(source.pick(METHODS[:5]), b"/", [(b"Host", b"a")])


def _check_connection_buffer(conn: Connection) -> None:
    """The bound of the reader, while the connection reads.

    It does not while a server owes a response (pipelined requests wait),
    nor while a client has no request outstanding: what the server sent
    then waits for the next ``receive_data``, which refuses it.
    """
    if conn.their_state in (State.IDLE, State.SEND_BODY) and (
        conn.our_role is SERVER or conn._outstanding
    ):
        _check_buffer(conn._parser, conn._buffer)


def _switched(conn: Connection) -> bool:
    return conn.our_state is State.SWITCHED_PROTOCOL


class _Server:
    """Drives a SERVER connection as an embedder would, with random replies."""

    def __init__(self, source: RandomSource, limits: Limits) -> None:
        self.source = source
        self.conn = Connection(SERVER, limits=limits)
        self.sent: list[bytes] = []
        self.request: Request | None = None
        self.stopped = False

    def receive(self, piece: bytes) -> None:
        conn = self.conn
        try:
            events = conn.receive_data(piece)
        except RemoteProtocolError as error:
            self.refuse(error)
            return
        while events and not self.stopped:
            for event in events:
                if isinstance(event, Request):
                    self.request = event
            self.act()
            if conn.their_state is State.SWITCHED_PROTOCOL or self.stopped:
                return
            try:
                events = conn.next_events()
            except RemoteProtocolError as error:
                self.refuse(error)
                return
        # Everything that could be read was: what is left must fit the limits.
        _check_connection_buffer(conn)

    def refuse(self, error: RemoteProtocolError) -> None:
        """Every refusal ends the connection; a server owing a response sends the status."""
        conn = self.conn
        _check(not conn.keep_alive, "the connection stays alive after a refused request")
        if conn.our_state is State.SEND_RESPONSE:
            answer = conn.send_complete(Response(error.status_code))
            _check(b"\r\nConnection: close\r\n" in answer, "the error response does not close")
        self.stopped = True

    def act(self) -> None:
        conn = self.conn
        source = self.source
        if source.chance(10):
            send(conn, random_event(source), self.sent)
        if conn.they_are_waiting_for_100_continue and source.chance(2):
            send(conn, InformationalResponse(100), self.sent)
        if conn.our_state is not State.SEND_RESPONSE or self.request is None:
            return
        done = conn.their_state in (State.DONE, State.MIGHT_SWITCH_PROTOCOL)
        if not done and not source.chance(6):
            return  # answer once the request has ended, mostly
        if conn.their_state is State.MIGHT_SWITCH_PROTOCOL and source.chance(2):
            if self.request.method == b"CONNECT":
                sent = send(conn, Response(200), self.sent)
            else:
                switch = InformationalResponse(101, [(b"Upgrade", b"websocket")])
                sent = send(conn, switch, self.sent)
            _check(sent, "the switch was refused")
            _check(_switched(conn), "the switch did not happen")
            return
        try:
            message = response(source, self.request.method, self.request.http_version)
        except LocalProtocolError:
            return
        if not send_message(conn, source, message, self.sent):
            self.stopped = True  # a message half sent: nothing sensible follows


def server_connection(data: bytes) -> None:
    """A SERVER ``Connection`` fed random splits, replying with random ``send`` calls."""
    source, payload = _wire_input(data)
    server = _Server(source, _limits(source))
    for piece in [*split(source, payload), b""]:
        if server.stopped or server.conn.their_state is State.SWITCHED_PROTOCOL:
            return
        server.receive(piece)


class _Client:
    """Drives a CLIENT connection: random requests, pipelined or not."""

    def __init__(self, source: RandomSource, limits: Limits) -> None:
        self.source = source
        self.conn = Connection(CLIENT, limits=limits)
        self.sent: list[bytes] = []
        self.stopped = False

    def send_request(self, method: bytes | None = None) -> None:
        conn = self.conn
        source = self.source
        try:
            if method is None:
                message = request(source)
            else:
                target = b"example.com:443" if method == b"CONNECT" else b"/"
                message = Message(Request(method, target, [(b"Host", b"example.com")]))
        except LocalProtocolError:
            return
        if not send_message(conn, source, message, self.sent):
            # A refused head changes nothing; a refused body leaves one half sent.
            self.stopped = conn.our_state is State.SEND_BODY

    def receive(self, piece: bytes) -> None:
        conn = self.conn
        try:
            conn.receive_data(piece)
            while conn.next_events():
                pass
            _check_connection_buffer(conn)
        except RemoteProtocolError:
            _check(conn.their_state is State.ERROR, "a refused response left the peer readable")
            _check(not conn.keep_alive, "the connection stays alive after a refused response")
            self.stopped = True
            return
        if conn.their_state is State.SWITCHED_PROTOCOL:
            self.stopped = True
            return
        if self.source.chance(8):
            send(conn, random_event(self.source), self.sent)
        if self.source.chance(6) and conn.our_state in (State.IDLE, State.DONE):
            self.send_request()


def client_connection(data: bytes) -> None:
    """A CLIENT ``Connection`` that sent the requests ``methods_byte`` names, reading responses."""
    source, payload = _wire_input(data)
    client = _Client(source, _limits(source))
    for method in methods_of(payload[0]) if payload else []:
        if client.conn.our_state in (State.IDLE, State.DONE):
            client.send_request(method)
    if source.chance(4):
        client.send_request()
    for piece in [*split(source, payload[1:]), b""]:
        if client.stopped:
            return
        client.receive(piece)


# --- serialize, then parse ------------------------------------------------------------


Head = Request | Response | InformationalResponse


def _written_back(sent: Head, read: Event, added: list[tuple[bytes, bytes]]) -> None:
    """A head read back: the fields sent, then only those the writer may add."""
    _check(type(read) is type(sent), f"{read!r} read for {sent!r}")
    assert isinstance(read, Request | Response | InformationalResponse)
    sent_fields = list(sent.headers)
    read_fields = list(read.headers)
    _check(read_fields[: len(sent_fields)] == sent_fields, f"fields of {sent!r} read as {read!r}")
    extra = read_fields[len(sent_fields) :]
    _check(all(field in added for field in extra), f"{extra!r} added to {sent!r}")
    if isinstance(sent, Request):
        assert isinstance(read, Request)
        _check(
            (read.method, read.target, read.http_version)
            == (sent.method, sent.target, sent.http_version),
            f"{sent!r} read as {read!r}",
        )
    else:
        assert isinstance(sent, Response | InformationalResponse)
        assert isinstance(read, Response | InformationalResponse)
        reason = sent.reason or REASONS.get(sent.status_code, b"")
        _check(
            (read.status_code, read.reason, read.http_version)
            == (sent.status_code, reason, sent.http_version),
            f"{sent!r} read as {read!r}",
        )


ADDED_FIELDS: Final = [(b"transfer-encoding", b"chunked")]


def _expected(message: Message) -> list[Event]:
    return [
        *message.interim,
        message.head,
        Data(b"".join(message.body)),
        EndOfMessage(message.trailers),
    ]


def _compare_read(sent: list[Message], read: list[Event]) -> None:
    expected = normalize([event for message in sent for event in _expected(message)])
    read = normalize([event for event in read if type(event) is not ConnectionClosed])
    _check(len(read) == len(expected), f"{len(read)} events read for {len(expected)} sent")
    for want, got in zip(expected, read, strict=True):
        if isinstance(want, Request | Response | InformationalResponse):
            _written_back(want, got, ADDED_FIELDS)
        else:
            _check(got == want, f"{got!r} read for {want!r}")


def _write(messages: list[Message], writer: RequestWriter | ResponseWriter) -> bytes | None:
    """The bytes of ``messages``, or ``None`` if the writer refused one of them."""
    try:
        return b"".join(
            serialize(event, writer) for message in messages for event in message.events()
        )
    except LocalProtocolError:
        return None


def _codings_refused(messages: list[Message], status: int | None) -> bool:
    """A coding before chunked that our reader does not implement (501) is no round-trip break."""
    return status == 501 and any(
        b"gzip" in (message.head.headers.get(b"transfer-encoding") or b"") for message in messages
    )


def round_trip(data: bytes) -> None:
    """Random events, serialized, cut and parsed back, must come back unchanged.

    One input in eight instead gives a writer events in random order: each
    refused one must leave the writer as it was.
    """
    source = BytesSource(data)
    kind = source.integer(8)
    if kind == 0:
        _misuse_writers(source)
    elif kind % 2:
        _round_trip_requests(source)
    else:
        _round_trip_responses(source)


def _misuse_writers(source: BytesSource) -> None:
    writer: RequestWriter | ResponseWriter
    if source.chance(2):
        writer = RequestWriter()
    else:
        writer = ResponseWriter()
        writer.request_method = source.pick(RESPONSE_METHODS)
        writer.peer_http_version = b"1.0" if source.chance(4) else b"1.1"
    for _ in range(1 + source.integer(8)):
        try:
            if source.chance(3):
                event = random_event(source)
            elif isinstance(writer, RequestWriter):
                event = request(source).head
            else:
                event = response(source, writer.request_method).head
        except LocalProtocolError:
            continue
        before = (writer._in_body, writer._framing, writer._remaining)
        try:
            serialize(event, writer)
        except LocalProtocolError:
            after = (writer._in_body, writer._framing, writer._remaining)
            _check(after == before, f"a refused {event!r} changed the writer")


def _round_trip_requests(source: BytesSource) -> None:
    messages = []
    for _ in range(1 + source.integer(3)):
        try:
            messages.append(request(source))
        except LocalProtocolError:
            return
        if _write(messages, RequestWriter()) is None:
            messages.pop()
            break
    wire = _write(messages, RequestWriter())
    if not messages or wire is None:
        return
    parser = RequestParser()
    buffer = bytearray()
    events: list[Event] = []
    try:
        for piece in split(source, wire):
            buffer += piece
            events += parse_into(parser, buffer)
            if parser.paused and buffer:
                parser.resume()  # the Upgrade is refused: read on
                events += parse_into(parser, buffer)
        if parser.paused:
            parser.resume()
            events += parse_into(parser, buffer)
    except RemoteProtocolError as error:
        _check(_codings_refused(messages, error.status_code), f"our own requests refused: {error}")
        return
    _check(not buffer, f"{len(buffer)} bytes of our own requests left unread")
    _compare_read(messages, events)


def _round_trip_responses(source: BytesSource) -> None:
    peer_version = b"1.0" if source.chance(5) else b"1.1"
    writer = ResponseWriter()
    writer.peer_http_version = peer_version
    parser = ResponseParser()
    messages: list[Message] = []
    wire = bytearray()
    for _ in range(1 + source.integer(3)):
        method = source.pick(RESPONSE_METHODS)
        writer.request_method = method
        try:
            message = response(source, method, peer_version)
        except LocalProtocolError:
            break
        written = _write([message], writer)
        if written is None:
            break
        messages.append(message)
        parser.expect_response_to(method)
        wire += written
        head = message.head
        tunnel = method == b"CONNECT" and isinstance(head, Response) and head.status_code < 300
        if writer.closes_connection or tunnel:
            break  # nothing HTTP/1.1 follows a body until close, or a tunnel
    if not messages:
        return
    events: list[Event] = []
    buffer = bytearray()
    try:
        for piece in split(source, bytes(wire)):
            buffer += piece
            events += parse_into(parser, buffer)
        parser.feed_eof()
        events += parse_into(parser, buffer)
    except RemoteProtocolError as error:
        _check(_codings_refused(messages, error.status_code), f"our own responses refused: {error}")
        return
    _check(not buffer, f"{len(buffer)} bytes of our own responses left unread")
    _compare_read(messages, events)


# --- the router ------------------------------------------------------------------------

#: The repository is a clone with the shared folder beside it, here and in CI.
ROUTES: Final = Path(__file__).resolve().parents[1].parent / "shared" / "routes"
ROUTER_METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get")


def _handler() -> None:
    """Routes are told apart by identity."""


def load_router() -> Router:
    router = Router()
    for line in (ROUTES / "large.txt").read_text().splitlines():
        method, template = line.split(" ", 1)
        router.add_route(template, _handler, methods=[method], name=line)
    return router


ROUTER: Final = load_router()


Lookup = tuple[Route | str, dict[str, object] | tuple[str, ...] | str | None]


def _lookup(match: Callable[[str, str], Match], method: str, path: str) -> Lookup:
    """What a lookup gives, as a comparable value."""
    try:
        found = match(method, path)
    except NotFound as error:
        return ("404", error.redirect_to)
    except MethodNotAllowed as error:
        return ("405", error.allowed)
    return (found.route, found.params)


def router_match(data: bytes) -> None:
    """``router.match`` on random paths against large.txt, checked against the tree walk.

    The first byte picks the method and how the path bytes are decoded;
    a path that matches must be built again by ``url_for`` and match the
    same route with the same parameters.
    """
    if not data:
        return
    method = ROUTER_METHODS[data[0] % len(ROUTER_METHODS)]
    raw = data[1:]
    path = raw.decode("utf-8", "replace") if data[0] & 0x80 else raw.decode("latin-1")
    if data[0] & 0x40:
        path = "/" + path
    fast = _lookup(ROUTER.match, method, path)
    slow = _lookup(ROUTER._match_slowly, method, path)
    _check(fast == slow, f"compiled {fast!r}, walked {slow!r} for {method} {path!r}")
    route, params = fast
    if not isinstance(route, Route) or route.name is None or not isinstance(params, dict):
        return
    built = ROUTER.url_for(route.name, **params)
    again = _lookup(ROUTER.match, method, built)
    _check(again == fast, f"{path!r} matched {fast!r}, url_for gave {built!r}: {again!r}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "request_parser": request_parser,
    "response_parser": response_parser,
    "server_connection": server_connection,
    "client_connection": client_connection,
    "round_trip": round_trip,
    "router_match": router_match,
}

if __name__ == "__main__":
    # ``python fuzz/targets.py TARGET FILE...``: run inputs once, without atheris.
    for name in sys.argv[2:]:
        TARGETS[sys.argv[1]](Path(name).read_bytes())
