"""Properties: what holds for every message, every split, every input.

1. A valid message, serialized and cut anywhere, reads back as the
   events it was written from, however it is cut.
2. Any bytes at all give events or a ``RemoteProtocolError``, never
   another exception and never a hang.
3. A CLIENT and a SERVER ``Connection`` wired back to back carry any
   sequence of exchanges unchanged.

Example counts come from the profile in tests/conftest.py; nothing here
raises them.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sansio_http import (
    CLIENT,
    SERVER,
    Connection,
    ConnectionClosed,
    EndOfMessage,
    Event,
    InformationalResponse,
    Limits,
    RemoteProtocolError,
    Request,
    RequestParser,
    Response,
    ResponseParser,
    State,
    parse_into,
)

from .helpers import feed, normalize
from .strategies import (
    Exchange,
    Message,
    as_read,
    exchanges,
    mutated,
    pieces_of,
    requests,
    responses,
)

# --- 1. any split gives the same events ----------------------------------------------------


@given(st.lists(requests(), min_size=1, max_size=3), st.data())
def test_requests_read_back_the_same_however_they_are_cut(
    messages: list[Message], data: st.DataObject
) -> None:
    wire = b"".join(message.serialize() for message in messages)
    expected = [event for message in messages for event in message.events()]
    whole, rest = feed(RequestParser(), [wire])
    assert normalize(whole) == expected
    assert rest == b""
    split, split_rest = feed(RequestParser(), data.draw(pieces_of(wire), label="pieces"))
    assert normalize(split) == expected
    assert split_rest == b""


@given(
    st.lists(responses(allow_until_close=False), max_size=2),
    responses(),
    st.data(),
)
def test_responses_read_back_the_same_however_they_are_cut(
    first: list[Message], last: Message, data: st.DataObject
) -> None:
    messages = [*first, last]
    wire = b"".join(message.serialize() for message in messages)
    expected = [event for message in messages for event in message.events()]
    expected.append(ConnectionClosed())

    def parser() -> ResponseParser:
        parser = ResponseParser()
        for message in messages:
            parser.expect_response_to(message.method)
        return parser

    whole, _ = feed(parser(), [wire], eof=True)
    assert normalize(whole) == expected
    split, _ = feed(parser(), data.draw(pieces_of(wire), label="pieces"), eof=True)
    assert normalize(split) == expected


# --- 2. any bytes: events or RemoteProtocolError ------------------------------------------------

random_bytes = st.binary(max_size=160)
hostile_requests = st.one_of(
    random_bytes,
    requests().map(Message.serialize).flatmap(mutated),
    st.lists(st.sampled_from([b"GET / HTTP/1.1\r\n", b"Host: a\r\n", b"\r\n", b"0\r\n"])).map(
        b"".join
    ),
)
hostile_responses = st.one_of(
    random_bytes,
    responses().map(Message.serialize).flatmap(mutated),
)
methods = st.lists(st.sampled_from([b"GET", b"HEAD", b"POST", b"CONNECT"]), max_size=3)
#: The defaults, and limits small enough for random input to cross them.
limits = st.sampled_from(
    [
        None,
        Limits(
            max_request_line=24,
            max_header_line=16,
            max_header_count=2,
            max_header_block=40,
            max_chunk_line=6,
            max_trailer_block=12,
            max_body=8,
        ),
    ]
)


def _read_or_refuse(parser: RequestParser | ResponseParser, pieces: list[bytes]) -> None:
    buffer = bytearray()
    status = None
    try:
        for piece in pieces:
            buffer += piece
            events = parse_into(parser, buffer)
            assert all(isinstance(event, Event) for event in events)
        parser.feed_eof()
        parse_into(parser, buffer)
    except RemoteProtocolError as error:
        status = error.status_code
    assert status in (None, 400, 413, 414, 431, 501, 505)


@given(hostile_requests, limits, st.data())
def test_any_bytes_to_a_request_parser(
    wire: bytes, limit: Limits | None, data: st.DataObject
) -> None:
    _read_or_refuse(RequestParser(limit), data.draw(pieces_of(wire), label="pieces"))


@given(hostile_responses, methods, limits, st.data())
def test_any_bytes_to_a_response_parser(
    wire: bytes, queued: list[bytes], limit: Limits | None, data: st.DataObject
) -> None:
    parser = ResponseParser(limit)
    for method in queued:
        parser.expect_response_to(method)
    _read_or_refuse(parser, data.draw(pieces_of(wire), label="pieces"))


def _nonempty(pieces: list[bytes]) -> list[bytes]:
    """Pieces for ``receive_data``, where ``b""`` would mean the peer closed."""
    return [piece for piece in pieces if piece]


def _serve(conn: Connection, events: list[Event]) -> None:
    """Answer every complete request, then read on, as an embedder would."""
    while True:
        if conn.their_state is State.SWITCHED_PROTOCOL:
            return
        if conn.our_state is State.SEND_RESPONSE and conn.their_state is not State.SEND_BODY:
            conn.send_complete(Response(200), b"ok")
        events = conn.next_events()
        if not events:
            return


@given(hostile_requests, limits, st.data())
def test_any_bytes_to_a_server_connection(
    wire: bytes, limit: Limits | None, data: st.DataObject
) -> None:
    conn = Connection(SERVER, limits=limit)
    try:
        for piece in [*_nonempty(data.draw(pieces_of(wire), label="pieces")), b""]:
            if conn.their_state is State.SWITCHED_PROTOCOL:
                break
            _serve(conn, conn.receive_data(piece))
    except RemoteProtocolError:
        if conn.our_state is State.SEND_RESPONSE:
            answer = conn.send_complete(Response(400))
            assert b"\r\nConnection: close\r\n" in answer
        assert not conn.keep_alive


@given(hostile_responses, methods, st.data())
def test_any_bytes_to_a_client_connection(
    wire: bytes, queued: list[bytes], data: st.DataObject
) -> None:
    conn = Connection(CLIENT)
    # Nothing may be pipelined behind a CONNECT: it goes last, once.
    queued = [method for method in queued if method != b"CONNECT"] + [b"CONNECT"] * (
        b"CONNECT" in queued
    )
    for method in queued:
        target = b"example.com:443" if method == b"CONNECT" else b"/"
        conn.send_complete(Request(method, target, [(b"Host", b"example.com")]))
    try:
        for piece in [*_nonempty(data.draw(pieces_of(wire), label="pieces")), b""]:
            if conn.their_state is State.SWITCHED_PROTOCOL:
                break
            conn.receive_data(piece)
            conn.next_events()
    except RemoteProtocolError:
        assert conn.their_state is State.ERROR


# --- 3. a client and a server back to back ------------------------------------------------------


class _Wire:
    """A CLIENT and a SERVER connection joined by two byte queues."""

    def __init__(self, data: st.DataObject, exchanges: list[Exchange]) -> None:
        self.data = data
        self.client = Connection(CLIENT)
        self.server = Connection(SERVER)
        self.to_server = bytearray()
        self.to_client = bytearray()
        self.server_received: list[Event] = []
        self.server_sent: list[Event] = []
        self.client_received: list[Event] = []
        self.responses = [exchange.response for exchange in exchanges]

    def client_sends(self, event: Event) -> None:
        self.to_server += self.client.send(event)

    def server_sends(self, event: Event) -> None:
        self.to_client += self.server.send(event)
        self.server_sent.append(event)

    def deliver_to_server(self) -> None:
        pieces = self.data.draw(pieces_of(bytes(self.to_server)), label="to server")
        self.to_server.clear()
        for piece in _nonempty(pieces):
            self._serve(self.server.receive_data(piece))

    def _serve(self, events: list[Event]) -> None:
        while events:
            self.server_received += events
            if self.server.they_are_waiting_for_100_continue:
                self.server_sends(InformationalResponse(100))
            if isinstance(events[-1], EndOfMessage):
                response = self.responses.pop(0)
                for event in response.wire_events():
                    self.server_sends(event)
            events = self.server.next_events()

    def deliver_to_client(self) -> None:
        pieces = self.data.draw(pieces_of(bytes(self.to_client)), label="to client")
        self.to_client.clear()
        for piece in _nonempty(pieces):
            self.client_received += self.client.receive_data(piece)


def _same_response_events(received: list[Event], sent: list[Event]) -> None:
    """What the client read is what the server sent, plus the server's Connection field."""
    assert len(received) == len(sent)
    for got, want in zip(received, sent, strict=True):
        if isinstance(want, Response):
            assert isinstance(got, Response)
            added = got.headers[len(want.headers) :]
            assert got.headers[: len(want.headers)] == list(want.headers)
            assert added in ([], [(b"connection", b"close")])
            assert Response(got.status_code, want.headers, got.reason, got.http_version) == (
                as_read(want)
            )
        elif isinstance(want, InformationalResponse):
            assert got == as_read(want)
        else:
            assert got == want


@given(st.lists(exchanges(), min_size=1, max_size=4), st.booleans(), st.booleans(), st.data())
def test_client_and_server_carry_any_exchanges(
    exchange_list: list[Exchange], pipelined: bool, close_last: bool, data: st.DataObject
) -> None:
    if close_last:
        last = exchange_list[-1].request
        head = last.head
        assert isinstance(head, Request)
        fields = [*head.headers.raw_items(), (b"Connection", b"close")]
        last.head = Request(head.method, head.target, fields, head.http_version)
    wire = _Wire(data, exchange_list)
    for exchange in exchange_list:
        head, *rest = exchange.request.wire_events()
        wire.client_sends(head)
        if exchange.expect_continue and not pipelined:
            # RFC 9110 §10.1.1: the client holds its body back for the 100.
            wire.deliver_to_server()
            wire.deliver_to_client()
        for event in rest:
            wire.client_sends(event)
        if not pipelined:
            wire.deliver_to_server()
            wire.deliver_to_client()
    wire.deliver_to_server()
    wire.deliver_to_client()

    expected_requests = [e for exchange in exchange_list for e in exchange.request.events()]
    assert normalize(wire.server_received) == expected_requests
    _same_response_events(normalize(wire.client_received), normalize(wire.server_sent))
    assert wire.responses == []
    final = State.MUST_CLOSE if close_last else State.IDLE
    assert (wire.server.our_state, wire.server.their_state) == (final, final)
    assert (wire.client.our_state, wire.client.their_state) == (final, final)
    assert wire.client.keep_alive is wire.server.keep_alive is not close_last
