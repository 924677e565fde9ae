"""``Connection``: one parser and one writer, held to the message cycle.

An embedder feeds what the socket read to ``receive_data``, acts on the
events, and writes what ``send`` returns. The connection pairs requests
with responses, decides keep-alive (RFC 9112 §9.3), pauses a server
between pipelined requests until each response is sent (RFC 9112 §9.3.2:
responses go out in request order), tracks ``Expect: 100-continue``
(RFC 9110 §10.1.1), and hands over the bytes that follow an accepted
Upgrade or CONNECT untouched in ``trailing_data``.
"""

from __future__ import annotations

from collections import deque

from ._errors import LocalProtocolError, RemoteProtocolError
from ._events import (
    CONNECTION_CLOSED,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
)
from ._limits import Limits
from ._readers import RequestParser, ResponseParser, parse_into
from ._state import (
    CLIENT,
    CLOSED,
    DONE,
    ERROR,
    IDLE,
    MAY_CLOSE,
    MIGHT_SWITCH_PROTOCOL,
    MUST_CLOSE,
    SEND_BODY,
    SEND_RESPONSE,
    SERVER,
    SWITCHED_PROTOCOL,
    TRANSITIONS,
    Role,
    State,
)
from ._writers import (
    LENGTH,
    UNTIL_CLOSE,
    RequestWriter,
    ResponseWriter,
    connection_options,
    request_framing,
    response_facts,
    response_framing,
    serialize,
    serialize_complete,
    write_request_head,
    write_response_head,
)

__all__ = ["Connection"]

_CLOSE_FIELD = b"Connection: close\r\n"
_KEEP_ALIVE_FIELD = b"Connection: keep-alive\r\n"


class Connection:
    """The HTTP/1.1 state of one connection, for the CLIENT or SERVER role."""

    __slots__ = (
        "_buffer",
        "_outstanding",
        "_parser",
        "_switch_requested",
        "_their_eof",
        "_writer",
        "keep_alive",
        "our_role",
        "our_state",
        "their_role",
        "their_state",
        "they_are_waiting_for_100_continue",
        "trailing_data",
    )

    def __init__(self, role: Role, *, limits: Limits | None = None) -> None:
        if not isinstance(role, Role):
            raise LocalProtocolError(f"role must be CLIENT or SERVER, got {role!r}")
        self.our_role = role
        self.their_role = CLIENT if role is SERVER else SERVER
        self._parser: RequestParser | ResponseParser
        self._writer: RequestWriter | ResponseWriter
        if role is SERVER:
            self._parser = RequestParser(limits)
            self._writer = ResponseWriter()
        else:
            self._parser = ResponseParser(limits)
            self._writer = RequestWriter()
            # The client's requests whose responses have not ended yet, in
            # order. Only a client's code reads it: a server does without
            # the deque. Measured with callgrind on bench/server_inprocess.py
            # "ours", connection per request: 1.0k instructions less per
            # connection.
            self._outstanding: deque[bytes] = deque()
        self._parser.pause_after_message = True
        self._buffer = bytearray()
        self.our_state: State = IDLE
        self.their_state: State = IDLE
        #: Whether the connection can carry another exchange after this one.
        #: A plain attribute, as the states are: read per request by a
        #: server, and a property read costs 0.6k instructions more
        #: (callgrind on bench/server_inprocess.py "ours").
        self.keep_alive = True
        self.they_are_waiting_for_100_continue = False
        #: After an accepted Upgrade or CONNECT: the bytes that followed
        #: the handshake, which belong to the new protocol.
        self.trailing_data = b""
        self._their_eof = False
        # The current request asked to switch protocols (CONNECT, Upgrade).
        self._switch_requested = False

    def __repr__(self) -> str:
        return (
            f"<Connection {self.our_role.name} our_state={self.our_state.name} "
            f"their_state={self.their_state.name} keep_alive={self.keep_alive}>"
        )

    @property
    def buffered_bytes(self) -> int:
        """How many received bytes are not handed out as events yet.

        An embedder tells by it an idle keep-alive connection from one whose
        next request has begun to arrive in the same read as the last one:
        the second gets a head timeout (and a 408), not an idle close.
        """
        return len(self._buffer)

    # --- receiving ------------------------------------------------------------

    def receive_data(self, data: bytes) -> list[Event]:
        """Buffer what the socket read; return every event now complete.

        ``b""`` means the peer closed its side: a complete message is then
        followed by ``ConnectionClosed()``, a half-received one raises
        ``RemoteProtocolError``.
        """
        # The common case, bytes for a side that is read from: next_events'
        # reading inlined, without its call and checks. Measured with
        # callgrind on bench/server_inprocess.py "ours": 0.6k instructions
        # less per request.
        their_state = self.their_state
        if data and (their_state is IDLE or their_state is SEND_BODY) and not self._their_eof:
            buffer = self._buffer
            buffer += data
            try:
                events = parse_into(self._parser, buffer)
            except RemoteProtocolError:
                self._fail()
                raise
            if events:
                if self.our_role is SERVER:
                    self._on_request_events(events)
                else:
                    events = self._on_response_events(events)
            return events
        if their_state is SWITCHED_PROTOCOL:
            raise LocalProtocolError("the protocol was switched: read on from trailing_data")
        if self._their_eof:
            if data:
                raise LocalProtocolError("data received after the peer closed")
            # Another b"" changes nothing, but must not hide what is due:
            # a loop that reads b"" again waits for ConnectionClosed.
            return self.next_events()
        if data:
            self._buffer += data
        else:
            self._their_eof = True
            self._parser.feed_eof()
        return self.next_events()

    def next_events(self) -> list[Event]:
        """The events that the bytes already buffered complete now.

        A server returns nothing of a pipelined request until the response
        to the one before it is completely sent.
        """
        # They are read from only while IDLE or SEND_BODY. Identity tests,
        # not a set: an Enum member's hash is a Python-level call. Measured
        # on bench/server_inprocess.py: 0.3 us less per request.
        their_state = self.their_state
        if their_state is not IDLE and their_state is not SEND_BODY:
            return self._events_while_not_reading()
        # With nothing buffered no reader has anything to do until the
        # input ends (see parse_into); a server asks once after each
        # response. Measured on bench/server_inprocess.py: 0.4 us less per
        # request.
        if not self._buffer and not self._their_eof:
            return []
        try:
            events = parse_into(self._parser, self._buffer)
        except RemoteProtocolError:
            self._fail()
            raise
        if events:
            if self.our_role is SERVER:
                self._on_request_events(events)
            else:
                events = self._on_response_events(events)
        return events

    def _events_while_not_reading(self) -> list[Event]:
        """While paused or done, report only the peer's clean close."""
        if self._their_eof and not self._buffer and self.their_state not in (CLOSED, ERROR):
            self.their_state = CLOSED
            self.keep_alive = False
            self._settle()
            return [CONNECTION_CLOSED]
        return []

    def _fail(self) -> None:
        """The peer broke the protocol: nothing more is read from it.

        A server that has not begun a response may still send one (the
        error status), which is why its state moves to SEND_RESPONSE.
        """
        self.their_state = ERROR
        self.keep_alive = False
        if self.our_role is SERVER and self.our_state is IDLE:
            self.our_state = SEND_RESPONSE
            writer = self._writer
            assert isinstance(writer, ResponseWriter)
            writer.request_method = b"GET"
            writer.peer_http_version = b"1.1"

    def _on_request_events(self, events: list[Event]) -> None:
        parser = self._parser
        if len(events) == 2:
            # The common case, a whole request without a body: the loop's
            # two passes below, straight. Measured with callgrind on
            # bench/server_inprocess.py "ours": 0.8k instructions less per
            # request.
            request, end = events
            if type(request) is Request and type(end) is EndOfMessage:
                writer = self._writer
                assert isinstance(writer, ResponseWriter)
                writer.request_method = request.method
                writer.peer_http_version = request.http_version
                if not parser.keep_alive:
                    self.keep_alive = False
                self.they_are_waiting_for_100_continue = False
                self._switch_requested = switch = parser.may_switch
                self.their_state = MIGHT_SWITCH_PROTOCOL if switch else DONE
                if self.our_state is not CLOSED:
                    self.our_state = SEND_RESPONSE
                return
        for event in events:
            kind = type(event)
            if kind is Request:
                assert isinstance(event, Request)
                self.their_state = SEND_BODY
                # Once we closed, a request that crossed our close is read
                # but never answered (as in h11): CLOSED stays CLOSED.
                if self.our_state is not CLOSED:
                    self.our_state = SEND_RESPONSE
                writer = self._writer
                assert isinstance(writer, ResponseWriter)
                writer.request_method = event.method
                writer.peer_http_version = event.http_version
                if not parser.keep_alive:
                    self.keep_alive = False
                self.they_are_waiting_for_100_continue = parser.expects_continue
                self._switch_requested = parser.may_switch
            elif kind is EndOfMessage:
                self.they_are_waiting_for_100_continue = False
                self.their_state = MIGHT_SWITCH_PROTOCOL if self._switch_requested else DONE
                # _settle acts only once our response is done too, which it
                # seldom is when a request ends: no call for nothing.
                # Measured with callgrind on bench/server_inprocess.py
                # "ours": 0.7k instructions less per request.
                if self.our_state is DONE:
                    self._settle()
            elif kind is Data:
                # The client stopped waiting and sent its body anyway.
                self.they_are_waiting_for_100_continue = False
            elif kind is ConnectionClosed:
                self.their_state = CLOSED
                self.keep_alive = False
                self._settle()

    def _on_response_events(self, events: list[Event]) -> list[Event]:
        """Apply a client's received events; read on through pipelined ones."""
        parser = self._parser
        assert isinstance(parser, ResponseParser)
        all_events = events
        while True:
            for event in events:
                kind = type(event)
                if kind is Response or kind is InformationalResponse:
                    assert isinstance(event, Response | InformationalResponse)
                    if not self._outstanding:
                        self._fail()
                        raise RemoteProtocolError("a response arrived with no request to answer")
                    if kind is Response:
                        self.their_state = SEND_BODY
                        if not parser.keep_alive:
                            self.keep_alive = False
                    elif event.status_code == 101:
                        # RFC 9110 §15.2.2: only to the request that asked to
                        # Upgrade (the last one sent); CONNECT is answered 2xx.
                        outstanding = self._outstanding
                        self._switch(
                            expected=self._switch_requested
                            and len(outstanding) == 1
                            and outstanding[0] != b"CONNECT"
                        )
                        return all_events
                elif kind is EndOfMessage:
                    self._outstanding.popleft()
                    if parser.paused:  # a 2xx to CONNECT
                        self._switch(expected=True)
                        return all_events
                    self.their_state = DONE
                elif kind is ConnectionClosed:
                    self.their_state = CLOSED
                    self.keep_alive = False
            self._settle()
            if not (self.their_state is IDLE and self._outstanding and self._buffer):
                return all_events
            try:
                events = parse_into(parser, self._buffer)
            except RemoteProtocolError:
                self._fail()
                raise
            if not events:
                return all_events
            all_events = all_events + events

    def _switch(self, *, expected: bool) -> None:
        """Both sides leave HTTP/1.1; what is buffered belongs to the new protocol.

        A 101 the client did not ask for is the server's error: reading
        its bytes as the response would let it smuggle one (RFC 9110
        §15.2.2 ties 101 to an Upgrade request).
        """
        if not expected:
            self._fail()
            raise RemoteProtocolError("101 Switching Protocols without an Upgrade request")
        self.our_state = self.their_state = SWITCHED_PROTOCOL
        self.keep_alive = False
        self.trailing_data = bytes(self._buffer)
        self._buffer.clear()

    def _settle(self) -> None:
        """Restart the cycle, or mark it over, once both sides are done."""
        our_state = self.our_state
        their_state = self.their_state
        if our_state is IDLE and their_state is CLOSED:
            # Nothing is owed and nothing more will come.
            self.our_state = MUST_CLOSE
            return
        if self.our_role is CLIENT:
            if their_state is DONE and self._outstanding:
                # Pipelined: the next response is read while we wait,
                # unless the response just read was the server's last. Our
                # own "close" on a later request does not count: the
                # responses to it and to those before it are still owed.
                if self._parser.keep_alive:
                    self.their_state = IDLE
                    return
                their_state = self.their_state = MUST_CLOSE
            if our_state is DONE and their_state is DONE:
                if self.keep_alive:
                    self.our_state = self.their_state = IDLE
                else:
                    self.our_state = self.their_state = MUST_CLOSE
            elif their_state is DONE and not self.keep_alive:
                self.their_state = MUST_CLOSE
            elif our_state is DONE and (their_state is CLOSED or their_state is MUST_CLOSE):
                # The server closed, or said its last response was its
                # last: we may send nothing more, as on the server side.
                self.our_state = MUST_CLOSE
            return
        if our_state is DONE:
            if their_state is DONE and self.keep_alive:
                self.our_state = self.their_state = IDLE
            elif their_state in (DONE, CLOSED, ERROR, MUST_CLOSE, MIGHT_SWITCH_PROTOCOL):
                self.our_state = MUST_CLOSE
                if their_state is DONE:
                    self.their_state = MUST_CLOSE

    # --- sending ----------------------------------------------------------------

    def send(self, event: Event) -> bytes:
        """The bytes to write for ``event``.

        Raises ``LocalProtocolError``, changing nothing, when the event does
        not fit the state of the connection.
        """
        kind = type(event)
        if kind is ConnectionClosed:
            if self.our_state not in MAY_CLOSE and self.our_state is not ERROR:
                raise LocalProtocolError(f"cannot close cleanly in state {self.our_state.name}")
            self.our_state = CLOSED
            self.keep_alive = False
            return b""
        role = self.our_role
        next_state: State | None
        if kind is Request and role is CLIENT and self.our_state is DONE:
            self._check_can_pipeline()
            next_state = SEND_BODY
        else:
            next_state = TRANSITIONS.get((role, self.our_state, kind))
        if next_state is None:
            raise LocalProtocolError(
                f"cannot send {kind.__name__} as {role.name} in state {self.our_state.name}"
            )
        if kind is Response:
            assert isinstance(event, Response)
            data = self._send_response_head(event)
        elif kind is Request:
            assert isinstance(event, Request)
            data = self._send_request_head(event)
        elif kind is InformationalResponse:
            assert isinstance(event, InformationalResponse)
            return self._send_informational(event)
        else:
            data = serialize(event, self._writer)
        self.our_state = next_state
        if kind is EndOfMessage:
            self._end_of_our_message()
        elif kind is Response and self._switch_requested:
            self._answer_switch(event)  # type: ignore[arg-type]
        return data

    def send_complete(self, head: Request | Response, body: bytes = b"") -> bytes:
        """A whole message in one call: ``head``, ``body`` and its end.

        The fast path for a body known up front: it adds
        ``Content-Length`` when the head has no framing header. For a
        response to HEAD pass the body the GET would have had; its length
        is sent and its bytes are not.
        """
        # The common case first: a head sent before (its facts are kept,
        # see response_facts) with no framing or Connection field, to an
        # HTTP/1.1 request that is not HEAD, 100-continue or a protocol
        # switch: the bytes and states of the general path below, without
        # its calls. Measured with callgrind on bench/server_inprocess.py
        # "ours": 10.2k instructions less per keep-alive request (83.6k to
        # 73.4k), and the "Connection: close" branch 9.4k less per
        # connection that carries one request.
        if type(head) is Response and self.our_state is SEND_RESPONSE:
            facts = head._wire
            writer = self._writer
            assert isinstance(writer, ResponseWriter)
            if (
                facts is not None
                and facts[1] is None
                and facts[2] is None
                and not facts[3]
                and not self.they_are_waiting_for_100_continue
                and not self._switch_requested
                and writer.peer_http_version == b"1.1"
                and writer.request_method != b"HEAD"
                and head.status_code != 204
                and head.status_code != 304
            ):
                writer._framing = LENGTH
                keep_alive = self.keep_alive
                if keep_alive and self.their_state is DONE:
                    self.our_state = self.their_state = IDLE  # _settle, for a request read whole
                else:
                    self.our_state = DONE
                    self._settle()
                if keep_alive:
                    return b"%sContent-Length: %d\r\n\r\n%s" % (facts[0], len(body), body)
                # The request said close: the general path's field.
                return b"%sContent-Length: %d\r\n%s\r\n%s" % (
                    facts[0],
                    len(body),
                    _CLOSE_FIELD,
                    body,
                )
        role = self.our_role
        if isinstance(head, Response):
            if role is not SERVER or self.our_state is not SEND_RESPONSE:
                raise LocalProtocolError(
                    f"cannot send a Response as {role.name} in state {self.our_state.name}"
                )
            options = response_facts(head)[3]
            extra = self._response_connection_field(options, will_close=False)
            data = serialize_complete(head, body, self._writer, extra)
            if extra == _CLOSE_FIELD or b"close" in options:
                self.keep_alive = False
            # A final response ends the wait for 100-continue, as in send().
            self.they_are_waiting_for_100_continue = False
            self.our_state = DONE
            if self._switch_requested:
                self._answer_switch(head)
                if self.our_state is SWITCHED_PROTOCOL:
                    return data
            self._end_of_our_message()
            return data
        if not isinstance(head, Request):
            raise LocalProtocolError("send_complete takes a Request or a Response")
        if role is not CLIENT:
            raise LocalProtocolError("only a client sends requests")
        if self.our_state is DONE:
            self._check_can_pipeline()
        elif self.our_state is not IDLE:
            raise LocalProtocolError(f"cannot send a Request in state {self.our_state.name}")
        data = serialize_complete(head, body, self._writer)
        self._note_request(head)
        self.our_state = DONE
        self._end_of_our_message()
        return data

    def _check_can_pipeline(self) -> None:
        if not self.keep_alive or self._switch_requested:
            raise LocalProtocolError("cannot send another request on this connection")

    def _send_request_head(self, event: Request) -> bytes:
        # The transition table already refused a head while a body is open.
        data = write_request_head(self._writer, event, request_framing(event))
        self._note_request(event)
        return data

    def _note_request(self, event: Request) -> None:
        parser = self._parser
        assert isinstance(parser, ResponseParser)
        parser.expect_response_to(event.method)
        self._outstanding.append(event.method)
        if b"close" in connection_options(event.headers):
            self.keep_alive = False
        self._switch_requested = event.method == b"CONNECT" or (
            event.headers.get(b"upgrade") is not None
        )
        if self.their_state is DONE or self.their_state is IDLE:
            self.their_state = IDLE

    def _send_informational(self, event: InformationalResponse) -> bytes:
        writer = self._writer
        assert isinstance(writer, ResponseWriter)
        # RFC 9110 §15.2.2: a 101 answers an Upgrade; CONNECT is answered 2xx.
        if event.status_code == 101 and (
            self.their_state is not MIGHT_SWITCH_PROTOCOL or writer.request_method == b"CONNECT"
        ):
            raise LocalProtocolError("101 answers only a complete request that asked to Upgrade")
        data = serialize(event, writer)
        if event.status_code == 101:
            self._switch(expected=True)
        elif event.status_code == 100:
            self.they_are_waiting_for_100_continue = False
        return data

    def _response_connection_field(self, options: frozenset[bytes], *, will_close: bool) -> bytes:
        """The Connection field the response needs, if it lacks it.

        A final response sent while the client still waits for
        100-continue ends the connection: the client may or may not send
        the body it held back, so neither side can tell where the next
        request would start.
        """
        if b"close" in options:
            return b""
        if will_close or not self.keep_alive or self.they_are_waiting_for_100_continue:
            return _CLOSE_FIELD
        writer = self._writer
        assert isinstance(writer, ResponseWriter)
        if writer.peer_http_version == b"1.0" and b"keep-alive" not in options:
            return _KEEP_ALIVE_FIELD
        return b""

    def _send_response_head(self, event: Response) -> bytes:
        writer = self._writer
        assert isinstance(writer, ResponseWriter)
        framing = response_framing(event, writer.request_method, writer.peer_http_version)
        options = response_facts(event)[3]
        extra = self._response_connection_field(options, will_close=framing[0] == UNTIL_CLOSE)
        data = write_response_head(writer, event, framing, extra)
        if extra == _CLOSE_FIELD or b"close" in options:
            self.keep_alive = False
        self.they_are_waiting_for_100_continue = False
        return data

    def _answer_switch(self, event: Response) -> None:
        """A response to CONNECT or Upgrade: tunnel on a 2xx to CONNECT."""
        writer = self._writer
        assert isinstance(writer, ResponseWriter)
        if writer.request_method == b"CONNECT" and 200 <= event.status_code < 300:
            if self.their_state is MIGHT_SWITCH_PROTOCOL:
                self._switch(expected=True)
            return
        # Refused: the request was an ordinary one after all.
        self._switch_requested = False
        self._parser.resume()
        if self.their_state is MIGHT_SWITCH_PROTOCOL:
            self.their_state = DONE

    def _end_of_our_message(self) -> None:
        if self._writer._framing == UNTIL_CLOSE:
            self.keep_alive = False
        self._settle()
