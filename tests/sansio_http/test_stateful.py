"""A CLIENT and a SERVER ``Connection`` back to back, driven by hypothesis.

The state machine sends random requests (pipelined or one at a time,
HTTP/1.1 and HTTP/1.0, with ``Connection: close`` now and then), answers
them with random responses (1xx first, sized, chunked with trailers, no
body for HEAD, 204 and 304, until close for HTTP/1.0), delivers the bytes
in random cuts, and closes either side when it may. After every step:

- what each side read is what the other sent, so far, with only the
  fields the sender's ``Connection`` adds (its framing and ``Connection``
  fields) and the standard reason phrase where none was given;
- once nothing is in flight and every request is answered, both sides
  agree on whether the connection can carry another exchange
  (RFC 9112 §9.3), and their states say the same.

Example and step counts come from the profile in tests/conftest.py.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sansio_http import (
    CLIENT,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    Request,
    Response,
    State,
)

from .helpers import normalize
from .strategies import as_read, bodies, fields, final_statuses, requests

#: The fields a sending ``Connection`` may add to a head it was given.
ADDED_TO_REQUESTS = [(b"transfer-encoding", b"chunked")]
ADDED_TO_RESPONSES = [
    (b"transfer-encoding", b"chunked"),
    (b"connection", b"close"),
    (b"connection", b"keep-alive"),
]
#: States a side settles in once an exchange is over.
SETTLED = (State.IDLE, State.MUST_CLOSE, State.CLOSED)


def _same_head(sent: Event, read: Event, added: list[tuple[bytes, bytes]]) -> bool:
    """``read`` is ``sent`` as it comes out of the other side's parser."""
    if type(read) is not type(sent):
        return False
    assert isinstance(sent, Request | Response | InformationalResponse)
    assert isinstance(read, Request | Response | InformationalResponse)
    count = len(sent.headers)
    if list(read.headers)[:count] != list(sent.headers):
        return False
    if any(field not in added for field in list(read.headers)[count:]):
        return False
    if isinstance(sent, Request):
        assert isinstance(read, Request)
        return (read.method, read.target, read.http_version) == (
            sent.method,
            sent.target,
            sent.http_version,
        )
    expected = as_read(sent)
    assert isinstance(expected, Response | InformationalResponse)
    assert isinstance(read, Response | InformationalResponse)
    return (read.status_code, read.reason, read.http_version) == (
        expected.status_code,
        expected.reason,
        expected.http_version,
    )


def _arrived_so_far(read: list[Event], sent: list[Event], added: list[tuple[bytes, bytes]]) -> None:
    """What was read is a prefix of what was sent (the last body maybe cut short)."""
    read = normalize([event for event in read if not isinstance(event, ConnectionClosed)])
    sent = normalize(sent)
    assert len(read) <= len(sent), (read, sent)
    for index, (got, want) in enumerate(zip(read, sent, strict=False)):
        if isinstance(want, Request | Response | InformationalResponse):
            assert _same_head(want, got, added), (want, got)
        elif isinstance(want, Data) and index == len(read) - 1:
            assert isinstance(got, Data)
            assert want.data.startswith(got.data)
        else:
            assert got == want


class BackToBack(RuleBasedStateMachine):
    """Two connections joined by two byte queues."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Connection(CLIENT)
        self.server = Connection(SERVER)
        self.to_server = bytearray()
        self.to_client = bytearray()
        self.client_closed = False
        self.server_closed = False
        self.client_sent: list[Event] = []
        self.server_read: list[Event] = []
        self.server_sent: list[Event] = []
        self.client_read: list[Event] = []
        #: (method, HTTP version) of each request the server read and has not answered.
        self.unanswered: list[tuple[bytes, bytes]] = []
        self.requests_sent = 0
        self.responses_read = 0

    # --- the client -------------------------------------------------------------------

    @precondition(
        lambda self: (
            not self.client_closed
            and self.client.our_state in (State.IDLE, State.DONE)
            and self.client.their_state not in (State.MUST_CLOSE, State.CLOSED)
        )
    )
    @rule(data=st.data(), close=st.booleans(), head=st.booleans(), one_call=st.booleans())
    def client_sends_a_request(
        self, data: st.DataObject, close: bool, head: bool, one_call: bool
    ) -> None:
        message = data.draw(requests(), label="request")
        request = message.head
        assert isinstance(request, Request)
        extra = [(b"Connection", b"close")] if close else []
        method = b"HEAD" if head and not message.body else request.method
        request = Request(
            method, request.target, [*request.headers.raw_items(), *extra], request.http_version
        )
        trailers = EndOfMessage(message.trailers)
        events: list[Event] = [request, *(Data(piece) for piece in message.body), trailers]
        before = (self.client.our_state, self.client.their_state, self.client.keep_alive)
        try:
            if one_call and not message.trailers:
                self.to_server += self.client.send_complete(request, b"".join(message.body))
            else:
                self.to_server += self.client.send(request)
                for event in events[1:]:
                    self.to_server += self.client.send(event)
        except LocalProtocolError:
            # Only the head can be refused here (no pipelining after close):
            # then nothing changed.
            assert (self.client.our_state, self.client.their_state) == before[:2]
            assert self.client.keep_alive == before[2]
            return
        self.client_sent += events
        self.requests_sent += 1

    @precondition(lambda self: self.to_client)
    @rule(data=st.data())
    def deliver_to_client(self, data: st.DataObject) -> None:
        size = data.draw(st.integers(1, len(self.to_client)), label="cut")
        piece = bytes(self.to_client[:size])
        del self.to_client[:size]
        events = self.client.receive_data(piece)
        self._client_read(events)

    def _client_read(self, events: list[Event]) -> None:
        self.client_read += events
        self.responses_read += sum(isinstance(event, EndOfMessage) for event in events)

    @precondition(
        lambda self: (
            not self.client_closed
            and not self.to_client
            and self.client.our_state in (State.IDLE, State.MUST_CLOSE)
            and self.requests_sent == self.responses_read
        )
    )
    @rule()
    def client_closes(self) -> None:
        assert self.client.send(ConnectionClosed()) == b""
        self.client_closed = True

    # --- the server -------------------------------------------------------------------

    @precondition(lambda self: self.to_server)
    @rule(data=st.data())
    def deliver_to_server(self, data: st.DataObject) -> None:
        size = data.draw(st.integers(1, len(self.to_server)), label="cut")
        piece = bytes(self.to_server[:size])
        del self.to_server[:size]
        self._server_read(self.server.receive_data(piece))

    def _server_read(self, events: list[Event]) -> None:
        self.server_read += events
        for event in events:
            if isinstance(event, Request):
                self.unanswered.append((event.method, event.http_version))

    @precondition(
        lambda self: (
            self.server.our_state is State.SEND_RESPONSE and self.server.their_state is State.DONE
        )
    )
    @rule(data=st.data(), close=st.booleans(), interim=st.booleans())
    def server_answers(self, data: st.DataObject, close: bool, interim: bool) -> None:
        method, version = self.unanswered.pop(0)
        events: list[Event] = []
        if interim and version == b"1.1":
            events.append(InformationalResponse(103, data.draw(fields, label="1xx fields")))
        status = data.draw(final_statuses, label="status")
        headers = data.draw(fields, label="fields")
        body: list[bytes] = []
        trailers: list[tuple[bytes, bytes]] = []
        if method == b"HEAD" or status in (204, 304):
            if status != 204 and data.draw(st.booleans(), label="length of a GET"):
                headers.append((b"Content-Length", b"7"))
        else:
            body = data.draw(st.lists(bodies, max_size=3), label="body")
            framing = data.draw(st.sampled_from(["length", "chunked", "writer"]), label="framing")
            if framing == "length":
                headers.append((b"Content-Length", b"%d" % sum(map(len, body))))
            elif framing == "chunked" and version == b"1.1":
                headers.append((b"Transfer-Encoding", b"chunked"))
                trailers = data.draw(fields, label="trailers")
        if close:
            headers.append((b"Connection", b"close"))
        events += [Response(status, headers), *map(Data, body), EndOfMessage(trailers)]
        for event in events:
            self.to_client += self.server.send(event)
        self.server_sent += events
        # The cycle restarts by itself: a pipelined request may be waiting.
        self._server_read(self.server.next_events())

    @precondition(
        lambda self: (
            self.server.they_are_waiting_for_100_continue
            and self.server.our_state is State.SEND_RESPONSE
        )
    )
    @rule()
    def server_sends_100_continue(self) -> None:
        continue_ = InformationalResponse(100)
        self.to_client += self.server.send(continue_)
        self.server_sent.append(continue_)

    @precondition(
        lambda self: (
            not self.server_closed
            and self.server.our_state in (State.IDLE, State.MUST_CLOSE)
            and not self.unanswered
        )
    )
    @rule()
    def server_closes(self) -> None:
        assert self.server.send(ConnectionClosed()) == b""
        self.server_closed = True

    @precondition(lambda self: self.server_closed and not self.to_client and not self.client_eof)
    @rule()
    def client_reads_the_close(self) -> None:
        """The server's close reaches the client once every byte before it has."""
        self.client_eof = True
        self._client_read(self.client.receive_data(b""))

    @precondition(
        lambda self: (
            self.client_closed
            and not self.to_server
            and not self.server_eof
            and self.server.their_state is not State.ERROR
        )
    )
    @rule()
    def server_reads_the_close(self) -> None:
        self.server_eof = True
        self._server_read(self.server.receive_data(b""))

    client_eof = False
    server_eof = False

    @rule()
    def look(self) -> None:
        """Always possible, so that a machine whose sides both closed can still step."""
        assert "CLIENT" in repr(self.client)
        assert "SERVER" in repr(self.server)

    # --- what must hold -----------------------------------------------------------------

    @invariant()
    def every_message_arrives_unchanged(self) -> None:
        _arrived_so_far(self.server_read, self.client_sent, ADDED_TO_REQUESTS)
        _arrived_so_far(self.client_read, self.server_sent, ADDED_TO_RESPONSES)

    @invariant()
    def both_sides_agree_on_reuse(self) -> None:
        """RFC 9112 §9.3: with every exchange over, both know whether another may follow."""
        quiet = (
            not self.to_server
            and not self.to_client
            and not self.unanswered
            and self.requests_sent == self.responses_read
            and not self.client_closed
            and not self.server_closed
        )
        if not quiet:
            return
        client, server = self.client, self.server
        assert client.keep_alive == server.keep_alive
        states = {client.our_state, client.their_state, server.our_state, server.their_state}
        if client.keep_alive:
            assert states == {State.IDLE}
        else:
            assert states <= {State.MUST_CLOSE, State.CLOSED}


BackToBack.TestCase.settings = settings(BackToBack.TestCase.settings, stateful_step_count=30)
test_client_and_server_back_to_back = BackToBack.TestCase
