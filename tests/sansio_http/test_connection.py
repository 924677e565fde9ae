"""``Connection``: the message cycle, from the outside.

Bytes in, events out; events in, bytes out. The states, keep-alive,
pipelining, 100-continue, protocol switches and early closes are
checked through the public contract only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest

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
    Response,
    Role,
    State,
)

from .helpers import normalize
from .test_readers import BAD_CHUNKED_BODIES, INVALID_REQUESTS

GET = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
HOST = (b"host", b"example.com")


def get(target: bytes = b"/", *fields: tuple[bytes, bytes]) -> Request:
    return Request(b"GET", target, [HOST, *fields])


def server_after(data: bytes) -> tuple[Connection, list[Event]]:
    conn = Connection(SERVER)
    return conn, conn.receive_data(data)


def states(conn: Connection) -> tuple[State, State]:
    return conn.our_state, conn.their_state


def snapshot(conn: Connection) -> tuple[object, ...]:
    return (
        conn.our_state,
        conn.their_state,
        conn.keep_alive,
        conn.they_are_waiting_for_100_continue,
        conn.trailing_data,
    )


def test_roles() -> None:
    assert SERVER is Role.SERVER
    assert CLIENT is Role.CLIENT
    with pytest.raises(LocalProtocolError):
        Connection("server")  # type: ignore[arg-type]
    assert "SERVER" in repr(Connection(SERVER))


# --- a server: pairing and keep-alive ----------------------------------------------------


def test_server_cycle() -> None:
    conn = Connection(SERVER)
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.receive_data(b"GET / HTTP/1.1\r\n") == []
    assert conn.receive_data(b"Host: example.com\r\n\r\n") == [get(), EndOfMessage()]
    assert states(conn) == (State.SEND_RESPONSE, State.DONE)
    head = conn.send(Response(200, [("Content-Length", "2")]))
    assert head == b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
    assert states(conn) == (State.SEND_BODY, State.DONE)
    assert conn.send(Data(b"ok")) == b"ok"
    assert conn.send(EndOfMessage()) == b""
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.keep_alive


def test_server_reads_a_request_body() -> None:
    conn = Connection(SERVER)
    events = conn.receive_data(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel")
    assert events[1:] == [Data(b"hel")]
    assert states(conn) == (State.SEND_RESPONSE, State.SEND_BODY)
    assert conn.receive_data(b"lo") == [Data(b"lo"), EndOfMessage()]
    assert conn.their_state is State.DONE


def test_server_may_answer_before_the_request_body_ends() -> None:
    """The body is still read to its end, so the next request starts where it should."""
    conn = Connection(SERVER)
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel")
    conn.send_complete(Response(200))
    assert states(conn) == (State.DONE, State.SEND_BODY)
    assert conn.receive_data(b"lo" + GET) == [Data(b"lo"), EndOfMessage()]
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.next_events() == [get(), EndOfMessage()]


@pytest.mark.parametrize(
    ("request_bytes", "added_field", "keep_alive"),
    [
        pytest.param(GET, b"", True, id="1.1-default-persists"),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            b"Connection: close\r\n",
            False,
            id="1.1-close",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, Close\r\n\r\n",
            b"Connection: close\r\n",
            False,
            id="1.1-close-among-options",
        ),
        pytest.param(
            b"GET / HTTP/1.0\r\n\r\n", b"Connection: close\r\n", False, id="1.0-default-closes"
        ),
        pytest.param(
            b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            b"Connection: keep-alive\r\n",
            True,
            id="1.0-keep-alive",
        ),
        pytest.param(
            b"GET / HTTP/1.0\r\nConnection: foo, Keep-Alive\r\n\r\n",
            b"Connection: keep-alive\r\n",
            True,
            id="1.0-keep-alive-among-options",
        ),
    ],
)
@pytest.mark.parametrize("complete", [False, True], ids=["send", "send_complete"])
def test_keep_alive_rules(
    request_bytes: bytes, added_field: bytes, keep_alive: bool, complete: bool
) -> None:
    """RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".

    The response says what the server decided, so the client need not
    guess: ``Connection: close``, or ``keep-alive`` for an HTTP/1.0 client.
    """
    conn, _ = server_after(request_bytes)
    if complete:
        data = conn.send_complete(Response(200), b"ok")
    else:
        data = conn.send(Response(200, [("Content-Length", "2")])) + conn.send(Data(b"ok"))
        data += conn.send(EndOfMessage())
    head = data.split(b"\r\n\r\n")[0] + b"\r\n"
    if added_field:
        assert head.endswith(added_field)
    else:
        assert b"Connection" not in head
    assert conn.keep_alive is keep_alive
    expected = State.IDLE if keep_alive else State.MUST_CLOSE
    assert states(conn) == (expected, expected)


def test_response_to_http_1_0_without_length_closes() -> None:
    """RFC 9112 §6.3 ¶8: without a length, an HTTP/1.0 client reads until close."""
    conn, _ = server_after(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    head = conn.send(Response(200))
    assert head == b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
    assert conn.send(Data(b"streamed")) == b"streamed"
    assert conn.send(EndOfMessage()) == b""
    assert not conn.keep_alive
    assert conn.our_state is State.MUST_CLOSE


def test_chunked_response_to_http_1_1() -> None:
    conn, _ = server_after(GET)
    data = conn.send(Response(200)) + conn.send(Data(b"abc")) + conn.send(EndOfMessage())
    assert data == b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    assert conn.keep_alive


@pytest.mark.parametrize("complete", [False, True], ids=["send", "send_complete"])
def test_server_closing_by_its_own_response(complete: bool) -> None:
    conn, _ = server_after(GET + GET)
    response = Response(200, [("Connection", "close"), ("Content-Length", "0")])
    data = conn.send_complete(response) if complete else conn.send(response)
    if not complete:
        data += conn.send(EndOfMessage())
    assert data.count(b"Connection") == 1
    assert not conn.keep_alive
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)
    assert conn.next_events() == []


def test_send_complete_adds_content_length() -> None:
    conn, _ = server_after(GET)
    assert conn.send_complete(Response(200), b"hello") == (
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    )
    assert states(conn) == (State.IDLE, State.IDLE)


def test_send_complete_to_head_sends_the_length_without_the_body() -> None:
    conn, _ = server_after(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert conn.send_complete(Response(200), b"hello") == (
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    )
    assert states(conn) == (State.IDLE, State.IDLE)


REQUESTS_TO_ANSWER = [
    pytest.param(GET, id="get"),
    pytest.param(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", id="head"),
    pytest.param(b"GET / HTTP/1.0\r\n\r\n", id="http-1.0"),
    pytest.param(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", id="http-1.0-keep-alive"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", id="close"),
    pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab", id="body-unread"),
    pytest.param(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n",
        id="expects-continue",
    ),
    pytest.param(b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", id="connect"),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n", id="upgrade"
    ),
]

HEADS_TO_SEND = [
    pytest.param(lambda: Response(200, [("Content-Type", "text/plain")], b"OK"), id="plain"),
    pytest.param(lambda: Response(404), id="404"),
    pytest.param(lambda: Response(204), id="204"),
    pytest.param(lambda: Response(304), id="304"),
    pytest.param(lambda: Response(200, [("Connection", "close")]), id="close"),
    pytest.param(lambda: Response(200, [("Connection", "keep-alive")]), id="keep-alive"),
    pytest.param(lambda: Response(200, [("Content-Length", "5")]), id="content-length"),
    pytest.param(lambda: Response(200, [("Transfer-Encoding", "chunked")]), id="chunked"),
    pytest.param(lambda: Response(200, http_version="1.0"), id="http-1.0"),
]


@pytest.mark.parametrize("body", [b"", b"hello"], ids=["empty", "body"])
@pytest.mark.parametrize("make_head", HEADS_TO_SEND)
@pytest.mark.parametrize("request_bytes", REQUESTS_TO_ANSWER)
def test_send_complete_of_a_head_sent_before_is_the_same(
    request_bytes: bytes, make_head: Callable[[], Response], body: bytes
) -> None:
    """A head object sent a second time (its wire facts kept) gives what a new one gives.

    The same bytes, the same states after it, and the same events for a
    request that follows: the shortcut for a cached head changes nothing.
    """
    sent_before = make_head()
    with contextlib.suppress(LocalProtocolError):
        server_after(GET)[0].send_complete(sent_before)
    outcomes = []
    for head in (make_head(), sent_before):
        conn, _ = server_after(request_bytes)
        try:
            data: bytes | str = conn.send_complete(head, body)
        except LocalProtocolError as error:
            data = str(error)
        outcome = [data, snapshot(conn)]
        if conn.our_state is State.IDLE:
            outcome.append(conn.receive_data(b"ab" + GET))
            outcome.append(snapshot(conn))
        outcomes.append(outcome)
    assert outcomes[0] == outcomes[1]


def test_send_head_response_without_body() -> None:
    conn, _ = server_after(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert conn.send(Response(200)) == b"HTTP/1.1 200 OK\r\n\r\n"
    with pytest.raises(LocalProtocolError):
        conn.send(Data(b"x"))
    assert conn.send(EndOfMessage()) == b""
    assert states(conn) == (State.IDLE, State.IDLE)


# --- a server: pipelining ------------------------------------------------------------------


def test_pipelined_requests_wait_for_the_response_before() -> None:
    """RFC 9112 §9.3.2: responses go out in request order, so requests come out one by one."""
    conn = Connection(SERVER)
    second = b"POST /2 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1\r\n\r\nx"
    assert conn.receive_data(GET + second + GET) == [get(), EndOfMessage()]
    assert conn.next_events() == []
    conn.send(Response(200, [("Content-Length", "0")]))
    assert conn.next_events() == []
    conn.send(EndOfMessage())
    assert conn.next_events() == [
        Request(b"POST", b"/2", [HOST, (b"content-length", b"1")]),
        Data(b"x"),
        EndOfMessage(),
    ]
    assert conn.next_events() == []
    conn.send_complete(Response(204))
    assert conn.next_events() == [get(), EndOfMessage()]
    conn.send_complete(Response(204))
    assert conn.next_events() == []
    assert states(conn) == (State.IDLE, State.IDLE)


def test_pipelined_request_after_close_is_not_read() -> None:
    """RFC 9112 §9.6: after answering a "close" request the server reads nothing more."""
    conn, events = server_after(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + GET)
    assert len(events) == 2
    conn.send_complete(Response(200))
    assert conn.next_events() == []
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)


def test_peer_close_with_a_pipelined_request_buffered() -> None:
    """The buffered request is still served; the close comes after it."""
    conn, _ = server_after(GET + GET)
    assert conn.receive_data(b"") == []
    conn.send_complete(Response(200))
    assert conn.next_events() == [get(), EndOfMessage()]
    conn.send_complete(Response(200))
    assert conn.next_events() == [ConnectionClosed()]
    assert states(conn) == (State.MUST_CLOSE, State.CLOSED)


def test_peer_close_after_a_pipelined_request_and_a_half() -> None:
    conn, _ = server_after(GET)
    conn.receive_data(GET + b"GET /3 HT")
    conn.receive_data(b"")
    conn.send_complete(Response(200))
    assert conn.next_events() == [get(), EndOfMessage()]
    conn.send_complete(Response(200))
    with pytest.raises(RemoteProtocolError):
        conn.next_events()


# --- a server: 100-continue ------------------------------------------------------------------

EXPECT = (
    b"POST / HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
)


def test_100_continue_ends_the_wait() -> None:
    """RFC 9110 §10.1.1: the client holds its body back until a 100 (or a timeout)."""
    conn, events = server_after(EXPECT)
    assert len(events) == 1
    assert conn.they_are_waiting_for_100_continue
    assert conn.send(InformationalResponse(100)) == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert not conn.they_are_waiting_for_100_continue
    assert conn.receive_data(b"abc") == [Data(b"abc"), EndOfMessage()]
    conn.send_complete(Response(200))
    assert conn.keep_alive
    assert states(conn) == (State.IDLE, State.IDLE)


def test_body_arriving_ends_the_wait() -> None:
    conn, _ = server_after(EXPECT)
    assert conn.receive_data(b"a") == [Data(b"a")]
    assert not conn.they_are_waiting_for_100_continue
    conn.receive_data(b"bc")
    conn.send_complete(Response(200))
    assert conn.keep_alive


@pytest.mark.parametrize("complete", [False, True], ids=["send", "send_complete"])
def test_final_response_while_they_wait_closes_the_connection(complete: bool) -> None:
    """Answering without the 100 leaves it unknown whether the body follows.

    The client may send the held-back body or not (RFC 9110 §10.1.1),
    so the server cannot tell where the next request would start: the
    connection must not be reused.
    """
    conn, _ = server_after(EXPECT)
    if complete:
        data = conn.send_complete(Response(417))
    else:
        data = conn.send(Response(417, [("Content-Length", "0")])) + conn.send(EndOfMessage())
    assert b"Connection: close\r\n" in data
    assert not conn.they_are_waiting_for_100_continue
    assert not conn.keep_alive
    assert conn.our_state is State.DONE
    assert conn.receive_data(b"abc") == [Data(b"abc"), EndOfMessage()]
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)


@pytest.mark.parametrize("complete", [False, True], ids=["send", "send_complete"])
def test_final_response_with_close_while_they_wait(complete: bool) -> None:
    conn, _ = server_after(EXPECT)
    response = Response(417, [("Connection", "close"), ("Content-Length", "0")])
    data = conn.send_complete(response) if complete else conn.send(response)
    assert data.count(b"Connection") == 1
    assert not conn.they_are_waiting_for_100_continue
    assert not conn.keep_alive


def test_expect_in_http_1_0_is_ignored() -> None:
    """RFC 9110 §10.1.1: a server MUST ignore a 100-continue from an HTTP/1.0 client."""
    conn, _ = server_after(EXPECT.replace(b"HTTP/1.1", b"HTTP/1.0"))
    assert not conn.they_are_waiting_for_100_continue


def test_expect_without_a_body_is_not_waiting() -> None:
    conn, events = server_after(b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n")
    assert events[-1] == EndOfMessage()
    assert not conn.they_are_waiting_for_100_continue


def test_unknown_expectation_is_not_100_continue() -> None:
    conn, _ = server_after(EXPECT.replace(b"100-continue", b"something-else"))
    assert not conn.they_are_waiting_for_100_continue


def test_repeated_expect_fields_are_joined() -> None:
    conn, _ = server_after(
        b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nX: 1\r\nX: 2\r\n"
        b"Content-Length: 1\r\n\r\n"
    )
    assert conn.they_are_waiting_for_100_continue


# --- a server: protocol switches ------------------------------------------------------------

UPGRADE = b"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
CONNECT = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"


def test_accepted_upgrade_hands_over_the_trailing_data() -> None:
    """RFC 9110 §7.8: after the 101, the bytes on the connection belong to the new protocol."""
    conn, events = server_after(UPGRADE + b"\x81\x05hello")
    assert len(events) == 2
    assert conn.their_state is State.MIGHT_SWITCH_PROTOCOL
    assert conn.next_events() == []
    data = conn.send(InformationalResponse(101, [("Upgrade", "websocket")]))
    assert data.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    assert states(conn) == (State.SWITCHED_PROTOCOL, State.SWITCHED_PROTOCOL)
    assert conn.trailing_data == b"\x81\x05hello"
    assert not conn.keep_alive
    with pytest.raises(LocalProtocolError):
        conn.receive_data(b"more")


def test_refused_upgrade_continues_as_http() -> None:
    conn, _ = server_after(UPGRADE + GET)
    conn.send_complete(Response(426))
    assert conn.trailing_data == b""
    assert conn.next_events() == [get(), EndOfMessage()]


def test_refused_upgrade_with_a_body_still_arriving_continues_as_http() -> None:
    conn, _ = server_after(
        b"POST / HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\nConnection: upgrade\r\n"
        b"Content-Length: 2\r\n\r\n"
    )
    conn.send_complete(Response(200))
    assert conn.receive_data(b"ab" + GET) == [Data(b"ab"), EndOfMessage()]
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.next_events() == [get(), EndOfMessage()]


def test_upgrade_in_http_1_0_is_ignored() -> None:
    """RFC 9110 §7.8: a server MUST ignore Upgrade received in an HTTP/1.0 request."""
    conn, events = server_after(
        b"GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade, keep-alive\r\n\r\n"
        b"GET /2 HTTP/1.0\r\n\r\n"
    )
    assert len(events) == 2
    assert conn.their_state is State.DONE
    with pytest.raises(LocalProtocolError):
        conn.send(InformationalResponse(101))
    conn.send_complete(Response(200))
    assert conn.next_events() == [Request(b"GET", b"/2", [], b"1.0"), EndOfMessage()]


def test_no_1xx_to_an_http_1_0_client() -> None:
    """RFC 9110 §15.2: a server MUST NOT send a 1xx response to an HTTP/1.0 client."""
    conn, _ = server_after(b"POST / HTTP/1.0\r\nContent-Length: 1\r\n\r\n")
    before = snapshot(conn)
    with pytest.raises(LocalProtocolError):
        conn.send(InformationalResponse(100))
    assert snapshot(conn) == before


def test_101_without_an_upgrade_request_is_refused() -> None:
    conn, _ = server_after(GET)
    before = snapshot(conn)
    with pytest.raises(LocalProtocolError):
        conn.send(InformationalResponse(101))
    assert snapshot(conn) == before
    conn.send_complete(Response(200))
    assert states(conn) == (State.IDLE, State.IDLE)


@pytest.mark.parametrize("complete", [False, True], ids=["send", "send_complete"])
def test_2xx_to_connect_opens_a_tunnel(complete: bool) -> None:
    """RFC 9110 §9.3.6: after a 2xx to CONNECT the connection is a tunnel."""
    conn, events = server_after(CONNECT + b"\x16\x03\x01")
    assert events[0] == Request(b"CONNECT", b"example.com:443", [(b"host", b"example.com:443")])
    response = Response(200, reason="Connection Established")
    data = conn.send_complete(response) if complete else conn.send(response)
    assert data == b"HTTP/1.1 200 Connection Established\r\n\r\n"
    assert states(conn) == (State.SWITCHED_PROTOCOL, State.SWITCHED_PROTOCOL)
    assert conn.trailing_data == b"\x16\x03\x01"


def test_refused_connect_continues_as_http() -> None:
    conn, _ = server_after(CONNECT + GET)
    conn.send_complete(Response(407), b"no")
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.next_events() == [get(), EndOfMessage()]


# --- a server: the peer closes -------------------------------------------------------------


def test_close_between_messages() -> None:
    conn = Connection(SERVER)
    assert conn.receive_data(b"") == [ConnectionClosed()]
    assert states(conn) == (State.MUST_CLOSE, State.CLOSED)
    assert conn.receive_data(b"") == []
    with pytest.raises(LocalProtocolError):
        conn.receive_data(b"late")


def test_close_after_a_complete_exchange() -> None:
    conn, _ = server_after(GET)
    conn.send_complete(Response(200))
    assert conn.receive_data(b"") == [ConnectionClosed()]
    assert states(conn) == (State.MUST_CLOSE, State.CLOSED)


def test_close_while_a_response_is_owed() -> None:
    """A client may half-close after its request; the response is still sent."""
    conn, _ = server_after(GET)
    assert conn.receive_data(b"") == [ConnectionClosed()]
    assert states(conn) == (State.SEND_RESPONSE, State.CLOSED)
    conn.send_complete(Response(200), b"late")
    assert conn.our_state is State.MUST_CLOSE


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"GET / HTTP/1.1\r\nHost", id="mid-head"),
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nab", id="mid-body"),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
            id="mid-chunk",
        ),
    ],
)
def test_close_inside_a_request_is_an_error(data: bytes) -> None:
    conn = Connection(SERVER)
    conn.receive_data(data)
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"")
    assert conn.their_state is State.ERROR
    assert not conn.keep_alive


# --- a server: after the peer's error ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "status"),
    [
        pytest.param(b"GET / HTTP/1.1\r\n\r\n", 400, id="no-host"),
        pytest.param(b"GET / HTTP/2.0\r\n\r\n", 505, id="version"),
        pytest.param(b"GET /" + b"a" * 9000, 414, id="request-line"),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            501,
            id="coding",
        ),
    ],
)
def test_server_answers_the_error_once_and_closes(data: bytes, status: int) -> None:
    """After a malformed request the framing of what follows is unknown: answer, then close."""
    conn = Connection(SERVER)
    with pytest.raises(RemoteProtocolError) as info:
        conn.receive_data(data)
    assert info.value.status_code == status
    assert states(conn) == (State.SEND_RESPONSE, State.ERROR)
    response = conn.send_complete(Response(status), b"bad request")
    assert response.startswith(b"HTTP/1.1 %d " % status)
    assert b"\r\nConnection: close\r\n" in response
    assert conn.our_state is State.MUST_CLOSE
    assert conn.next_events() == []
    assert conn.receive_data(b"more bytes") == []
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Response(400))


@pytest.mark.parametrize(("data", "status"), INVALID_REQUESTS)
def test_every_refused_request_leaves_the_connection_unusable(data: bytes, status: int) -> None:
    """The reader's refusals reach the embedder with their status, and end the connection."""
    conn = Connection(SERVER)
    with pytest.raises(RemoteProtocolError) as info:
        conn.receive_data(data)
    assert info.value.status_code == status
    assert conn.their_state is State.ERROR
    assert not conn.keep_alive
    assert b"\r\nConnection: close\r\n" in conn.send_complete(Response(status))
    assert conn.our_state is State.MUST_CLOSE


@pytest.mark.parametrize(("body", "status"), BAD_CHUNKED_BODIES)
def test_every_refused_chunked_body_leaves_the_connection_unusable(
    body: bytes, status: int
) -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
    with pytest.raises(RemoteProtocolError) as info:
        conn.receive_data(body)
    assert info.value.status_code == status
    assert not conn.keep_alive
    conn.send_complete(Response(status))
    assert states(conn) == (State.MUST_CLOSE, State.ERROR)


def test_server_answers_an_error_in_the_body_with_send() -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"zz\r\n")
    data = conn.send(Response(400, [("Content-Length", "0")])) + conn.send(EndOfMessage())
    assert data == b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    assert conn.our_state is State.MUST_CLOSE


def test_error_response_to_a_failed_http_1_0_request() -> None:
    """The request never parsed, so the response is framed as for HTTP/1.1 (with a length)."""
    conn = Connection(SERVER)
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"GET / HTTP/1.0\r\nBad Name: x\r\n\r\n")
    response = conn.send_complete(Response(400), b"bad")
    assert b"Content-Length: 3\r\n" in response


def test_limits_are_applied() -> None:
    conn = Connection(SERVER, limits=Limits(max_body=2))
    with pytest.raises(RemoteProtocolError) as info:
        conn.receive_data(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n")
    assert info.value.status_code == 413


# --- a server: the wrong event changes nothing ------------------------------------------------


def _server_in_state(name: str) -> Connection:
    conn = Connection(SERVER)
    if name == "idle":
        return conn
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n")
    if name == "receiving":
        return conn
    conn.receive_data(b"x")
    if name == "send_response":
        return conn
    conn.send(Response(200, [("Content-Length", "2")]))
    return conn


WRONG_SERVER_EVENTS = [
    pytest.param("idle", Response(200), id="response-before-request"),
    pytest.param("idle", InformationalResponse(100), id="1xx-before-request"),
    pytest.param("idle", Data(b"x"), id="data-before-request"),
    pytest.param("idle", EndOfMessage(), id="end-before-request"),
    pytest.param("idle", Request("GET", "/", [HOST]), id="request-from-server"),
    pytest.param("receiving", Data(b"x"), id="data-before-response"),
    pytest.param("send_response", EndOfMessage(), id="end-before-response"),
    pytest.param("send_response", ConnectionClosed(), id="close-while-owing"),
    pytest.param("send_response", Response(204, [("Content-Length", "1")]), id="bad-framing"),
    pytest.param("send_body", Response(200), id="second-head"),
    pytest.param("send_body", InformationalResponse(100), id="1xx-after-head"),
    pytest.param("send_body", Data(b"toolong"), id="data-past-length"),
    pytest.param("send_body", EndOfMessage(), id="end-before-length"),
    pytest.param("send_body", EndOfMessage([("X", "y")]), id="trailers-without-chunked"),
    pytest.param("send_body", ConnectionClosed(), id="close-mid-body"),
]


@pytest.mark.parametrize(("state", "event"), WRONG_SERVER_EVENTS)
def test_wrong_event_for_the_state_changes_nothing(state: str, event: Event) -> None:
    conn = _server_in_state(state)
    before = snapshot(conn)
    with pytest.raises(LocalProtocolError):
        conn.send(event)
    assert snapshot(conn) == before
    # The next correct event still works.
    if state in ("idle", "receiving"):
        conn.receive_data(b"x" if state == "receiving" else GET)
        assert conn.our_state is State.SEND_RESPONSE
    elif state == "send_response":
        assert conn.send_complete(Response(200), b"ok").endswith(b"\r\n\r\nok")
    else:
        assert conn.send(Data(b"ok")) == b"ok"
        assert conn.send(EndOfMessage()) == b""
    assert conn.our_state in (State.SEND_RESPONSE, State.IDLE)


@pytest.mark.parametrize("state", ["idle", "send_body"])
def test_send_complete_in_the_wrong_state_changes_nothing(state: str) -> None:
    conn = _server_in_state(state)
    before = snapshot(conn)
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Response(200), b"x")
    assert snapshot(conn) == before


def test_send_complete_refusing_the_body_changes_nothing() -> None:
    conn = _server_in_state("send_response")
    before = snapshot(conn)
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Response(204), b"body")
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Response(200, [("Content-Length", "9")]), b"body")
    with pytest.raises(LocalProtocolError):
        conn.send_complete(InformationalResponse(100))  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Request("GET", "/", [HOST]))
    assert snapshot(conn) == before
    conn.send_complete(Response(204))
    assert conn.our_state is State.IDLE


def test_closing_our_side() -> None:
    conn = Connection(SERVER)
    assert conn.send(ConnectionClosed()) == b""
    assert conn.our_state is State.CLOSED
    assert not conn.keep_alive
    conn, _ = server_after(GET)
    conn.send_complete(Response(200))
    conn.send(ConnectionClosed())
    assert conn.our_state is State.CLOSED


# --- a client ----------------------------------------------------------------------------------


def client_after(*requests: Request) -> Connection:
    conn = Connection(CLIENT)
    for request in requests:
        conn.send_complete(request)
    return conn


def test_client_cycle() -> None:
    conn = Connection(CLIENT)
    data = conn.send(Request("POST", "/", [HOST, ("Content-Length", "3")]))
    assert data == b"POST / HTTP/1.1\r\nhost: example.com\r\nContent-Length: 3\r\n\r\n"
    assert states(conn) == (State.SEND_BODY, State.IDLE)
    assert conn.send(Data(b"abc")) + conn.send(EndOfMessage()) == b"abc"
    assert states(conn) == (State.DONE, State.IDLE)
    events = conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    assert events == [
        Response(200, [(b"content-length", b"2")], b"OK"),
        Data(b"ok"),
        EndOfMessage(),
    ]
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.keep_alive


def test_client_send_complete() -> None:
    conn = Connection(CLIENT)
    data = conn.send_complete(Request("PUT", "/x", [HOST]), b"body")
    assert data == b"PUT /x HTTP/1.1\r\nhost: example.com\r\nContent-Length: 4\r\n\r\nbody"
    assert conn.our_state is State.DONE


def test_client_send_complete_http_1_0_post() -> None:
    conn = Connection(CLIENT)
    data = conn.send_complete(Request("POST", "/", [], "1.0"), b"abc")
    assert data == b"POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"


def test_client_reads_informational_responses() -> None:
    conn = client_after(Request("POST", "/", [HOST, ("Expect", "100-continue")]))
    events = conn.receive_data(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    )
    assert events == [
        InformationalResponse(100, [], b"Continue"),
        Response(201, [(b"content-length", b"0")], b"Created"),
        EndOfMessage(),
    ]


@pytest.mark.parametrize(
    ("method", "response"),
    [
        (b"HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"),
        (b"GET", b"HTTP/1.1 204 No Content\r\n\r\n"),
        (b"GET", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"),
    ],
)
def test_client_responses_without_body(method: bytes, response: bytes) -> None:
    """RFC 9112 §6.3 ¶1-2: what follows such a response is the next response, not its body."""
    conn = client_after(Request(method, "/", [HOST]))
    events = conn.receive_data(response + b"HTTP/1.1 200 OK\r\n")
    assert len(events) == 2
    assert isinstance(events[-1], EndOfMessage)
    assert states(conn) == (State.IDLE, State.IDLE)


def test_client_pipelines_and_reads_every_response() -> None:
    conn = client_after(
        Request("GET", "/1", [HOST]), Request("HEAD", "/2", [HOST]), Request("GET", "/3", [HOST])
    )
    events = conn.receive_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nc\r\n0\r\n\r\n"
    )
    assert [type(event).__name__ for event in normalize(events)] == [
        "Response", "Data", "EndOfMessage",
        "Response", "EndOfMessage",
        "Response", "Data", "EndOfMessage",
    ]  # fmt: skip
    assert states(conn) == (State.IDLE, State.IDLE)


def test_client_pipelined_responses_arriving_in_pieces() -> None:
    conn = client_after(Request("GET", "/1", [HOST]), Request("GET", "/2", [HOST]))
    first = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
    assert normalize(conn.receive_data(first + b"HTTP/1.1 200")) == [
        Response(200, [(b"content-length", b"1")], b"OK"),
        Data(b"a"),
        EndOfMessage(),
    ]
    assert conn.their_state is State.IDLE
    assert conn.receive_data(b" OK\r\nContent-Length: 0\r\n\r\n")[-1] == EndOfMessage()
    assert states(conn) == (State.IDLE, State.IDLE)


def test_client_cannot_pipeline_after_close() -> None:
    conn = client_after(Request("GET", "/", [HOST, ("Connection", "close")]))
    assert not conn.keep_alive
    with pytest.raises(LocalProtocolError):
        conn.send(Request("GET", "/", [HOST]))
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Request("GET", "/", [HOST]))
    conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)
    assert conn.receive_data(b"") == [ConnectionClosed()]


def test_client_cannot_pipeline_behind_a_protocol_switch() -> None:
    conn = client_after(Request("GET", "/", [HOST, ("Upgrade", "websocket")]))
    with pytest.raises(LocalProtocolError):
        conn.send(Request("GET", "/", [HOST]))


def test_client_cannot_send_a_request_while_sending_one() -> None:
    conn = Connection(CLIENT)
    conn.send(Request("POST", "/", [HOST]))
    before = snapshot(conn)
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Request("GET", "/", [HOST]))
    with pytest.raises(LocalProtocolError):
        conn.send(Response(200))
    with pytest.raises(LocalProtocolError):
        conn.send_complete(Response(200))
    assert snapshot(conn) == before


def test_client_refused_request_changes_nothing() -> None:
    conn = Connection(CLIENT)
    with pytest.raises(LocalProtocolError):
        conn.send(Request("POST", "/", [("Transfer-Encoding", "chunked")], "1.0"))
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.send(Request("GET", "/", [HOST])).startswith(b"GET / HTTP/1.1")


def test_client_response_with_close() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    conn.receive_data(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    assert not conn.keep_alive
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)


def test_client_http_1_0_response_closes() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    conn.receive_data(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert not conn.keep_alive


def test_client_body_until_close() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    assert conn.receive_data(b"HTTP/1.1 200 OK\r\n\r\nsome")[1:] == [Data(b"some")]
    assert conn.receive_data(b" more") == [Data(b" more")]
    assert conn.receive_data(b"") == [EndOfMessage(), ConnectionClosed()]
    assert states(conn) == (State.MUST_CLOSE, State.CLOSED)
    assert not conn.keep_alive


def test_client_close_before_the_response() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    assert conn.receive_data(b"") == [ConnectionClosed()]
    assert states(conn) == (State.MUST_CLOSE, State.CLOSED)


def test_client_close_mid_response_is_an_error() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab")
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"")
    assert conn.their_state is State.ERROR


def test_response_with_no_request_outstanding_is_refused() -> None:
    conn = Connection(CLIENT)
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert conn.their_state is State.ERROR
    assert not conn.keep_alive


def test_extra_pipelined_response_is_refused() -> None:
    """The response that answers nothing is refused when it is read, not before."""
    conn = client_after(Request("GET", "/", [HOST]))
    one = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    assert len(conn.receive_data(one + one)) == 2
    with pytest.raises(RemoteProtocolError):
        conn.next_events()


def test_client_refuses_content_length_with_transfer_encoding() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
    assert conn.their_state is State.ERROR


def test_client_refuses_an_error_in_a_pipelined_response() -> None:
    conn = client_after(Request("GET", "/1", [HOST]), Request("GET", "/2", [HOST]))
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"
        )
    assert conn.their_state is State.ERROR


def test_client_accepted_upgrade() -> None:
    conn = client_after(Request("GET", "/chat", [HOST, ("Upgrade", "websocket")]))
    events = conn.receive_data(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81"
    )
    assert events == [
        InformationalResponse(101, [(b"upgrade", b"websocket")], b"Switching Protocols")
    ]
    assert states(conn) == (State.SWITCHED_PROTOCOL, State.SWITCHED_PROTOCOL)
    assert conn.trailing_data == b"\x81"


def test_client_refused_upgrade_continues() -> None:
    conn = client_after(Request("GET", "/chat", [HOST, ("Upgrade", "websocket")]))
    conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert states(conn) == (State.IDLE, State.IDLE)
    conn.send_complete(Request("GET", "/", [HOST]))
    assert conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")[-1] == EndOfMessage()


def test_client_unexpected_101_is_refused() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"HTTP/1.1 101 Switching Protocols\r\n\r\n")
    assert conn.their_state is State.ERROR


def test_client_connect_tunnel() -> None:
    conn = client_after(Request("CONNECT", "example.com:443", [("Host", "example.com:443")]))
    events = conn.receive_data(b"HTTP/1.1 200 OK\r\n\r\n\x16\x03\x01")
    assert events == [Response(200, [], b"OK"), EndOfMessage()]
    assert states(conn) == (State.SWITCHED_PROTOCOL, State.SWITCHED_PROTOCOL)
    assert conn.trailing_data == b"\x16\x03\x01"


def test_client_refused_connect() -> None:
    conn = client_after(Request("CONNECT", "example.com:443", [("Host", "example.com:443")]))
    events = conn.receive_data(b"HTTP/1.1 407 Proxy Auth\r\nContent-Length: 2\r\n\r\nno")
    assert events[1:] == [Data(b"no"), EndOfMessage()]
    assert states(conn) == (State.IDLE, State.IDLE)
    assert conn.trailing_data == b""


def test_client_error_leaves_nothing_to_read() -> None:
    conn = client_after(Request("GET", "/", [HOST]))
    with pytest.raises(RemoteProtocolError):
        conn.receive_data(b"HTTP/9.9 200 OK\r\n\r\n")
    assert conn.receive_data(b"HTTP/1.1 200 OK\r\n\r\n") == []
    assert conn.receive_data(b"") == []
    assert conn.their_state is State.ERROR


def test_client_pipelines_with_send() -> None:
    conn = Connection(CLIENT)
    conn.send(Request("GET", "/1", [HOST]))
    conn.send(EndOfMessage())
    assert conn.send(Request("GET", "/2", [HOST])).startswith(b"GET /2 ")
    conn.send(EndOfMessage())
    events = conn.receive_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    )
    assert len(events) == 4
    assert states(conn) == (State.IDLE, State.IDLE)


def test_client_pipelines_while_a_response_arrives() -> None:
    conn = client_after(Request("GET", "/1", [HOST]))
    conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab")
    assert conn.their_state is State.SEND_BODY
    conn.send_complete(Request("GET", "/2", [HOST]))
    assert conn.their_state is State.SEND_BODY
    events = conn.receive_data(b"cdHTTP/1.1 204 No Content\r\n\r\n")
    assert events == [
        Data(b"cd"),
        EndOfMessage(),
        Response(204, [], b"No Content"),
        EndOfMessage(),
    ]
    assert states(conn) == (State.IDLE, State.IDLE)


def test_client_early_response_that_closes() -> None:
    """A server may answer (and close) before the request body is sent (RFC 9112 §9.3)."""
    conn = Connection(CLIENT)
    conn.send(Request("POST", "/", [HOST, ("Content-Length", "10")]))
    conn.receive_data(b"HTTP/1.1 413 Too Big\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    assert states(conn) == (State.SEND_BODY, State.MUST_CLOSE)
    assert not conn.keep_alive
    conn.send(Data(b"0123456789"))
    conn.send(EndOfMessage())
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)


def test_client_early_response_that_keeps_alive() -> None:
    conn = Connection(CLIENT)
    conn.send(Request("POST", "/", [HOST, ("Content-Length", "1")]))
    conn.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert states(conn) == (State.SEND_BODY, State.DONE)
    conn.send(Data(b"x"))
    conn.send(EndOfMessage())
    assert states(conn) == (State.IDLE, State.IDLE)


def test_server_sends_other_informational_responses() -> None:
    conn, _ = server_after(EXPECT)
    assert conn.send(InformationalResponse(103, [("Link", "</a>")])).startswith(b"HTTP/1.1 103")
    assert conn.they_are_waiting_for_100_continue
    assert conn.our_state is State.SEND_RESPONSE


def test_client_reads_every_response_when_its_last_pipelined_request_closes() -> None:
    """Our "close" on the last request ends the connection after its response, not before.

    RFC 9112 §9.6: the responses to the requests sent before it, and to
    it, are still owed and read.
    """
    conn = client_after(
        Request("GET", "/1", [HOST]), Request("GET", "/2", [HOST, ("Connection", "close")])
    )
    events = conn.receive_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nb"
    )
    assert [event for event in events if isinstance(event, Data)] == [Data(b"a"), Data(b"b")]
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)


def test_client_stops_reading_after_the_servers_last_response() -> None:
    """RFC 9112 §9.6: after a response with "close" the server answers nothing more."""
    conn = client_after(Request("GET", "/1", [HOST]), Request("GET", "/2", [HOST]))
    events = conn.receive_data(
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    )
    assert len(events) == 2
    assert states(conn) == (State.MUST_CLOSE, State.MUST_CLOSE)
    assert not conn.keep_alive
    assert conn.next_events() == []


@pytest.mark.parametrize("blank_lines", [b"", b"\r\n", b"\r\n\r\n"])
def test_close_after_blank_lines_is_reported_once_the_response_is_sent(blank_lines) -> None:
    """RFC 9112 §2.2: empty lines before a request line are ignored, so a
    close that follows them is a clean close, reported as ConnectionClosed."""
    conn = Connection(SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" + blank_lines)
    events = conn.receive_data(b"")
    conn.send_complete(Response(200, [("Content-Length", "0")]))
    events += conn.next_events() + conn.receive_data(b"") + conn.receive_data(b"")
    assert events == [ConnectionClosed()]
    assert conn.their_state is State.CLOSED


def test_a_reused_response_head_frames_each_response_for_its_request() -> None:
    """A Response sent again is framed anew: what is kept on it is only what its fields say."""
    head = Response(200, [("Content-Type", "text/plain")])
    conn, _ = server_after(GET)
    first = conn.send_complete(head, b"hello")
    conn.receive_data(b"HEAD / HTTP/1.0\r\n\r\n")
    second = conn.send_complete(head, b"hello")
    assert first == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
    )
    assert second == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
        b"Connection: close\r\n\r\n"
    )
    assert not conn.keep_alive
    assert head == Response(200, [("Content-Type", "text/plain")])


def test_a_refused_response_head_is_refused_every_time() -> None:
    head = Response(200, [("Content-Length", "1"), ("Content-Length", "1")])
    for _ in range(2):
        conn, _ = server_after(GET)
        with pytest.raises(LocalProtocolError, match="more than one Content-Length"):
            conn.send_complete(head, b"x")
        assert conn.our_state is State.SEND_RESPONSE


def test_a_reused_response_head_with_connection_close_closes_each_time() -> None:
    head = Response(200, [("Connection", "close")])
    for _ in range(2):
        conn, _ = server_after(GET)
        conn.send(head)
        assert not conn.keep_alive


def test_each_host_on_a_keep_alive_connection_is_checked() -> None:
    """The Host checked on one request does not vouch for a different one on the next."""
    conn, _ = server_after(b"GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n")
    conn.send_complete(Response(200))
    assert conn.next_events() == []
    with pytest.raises(RemoteProtocolError) as caught:
        conn.receive_data(b"GET / HTTP/1.1\r\nHost: exa{mple.com\r\n\r\n")
    assert caught.value.status_code == 400


def test_close_on_a_second_connection_line_ends_keep_alive_on_both_sides() -> None:
    """RFC 9110 §5.3: the lines of a list-valued field make one list, so
    ``close`` on a second Connection line counts for us as it does for the peer."""
    server, client = Connection(SERVER), Connection(CLIENT)
    server.receive_data(client.send_complete(Request("GET", "/", [("Host", "a")])))
    wire = server.send_complete(
        Response(
            200, [("Content-Length", "0"), ("Connection", "keep-alive"), ("Connection", "close")]
        )
    )
    client.receive_data(wire)
    assert server.keep_alive is False
    assert client.keep_alive is False
    assert server.our_state is State.MUST_CLOSE


@pytest.mark.parametrize("field", [("Content-Length", "5"), ("Transfer-Encoding", "chunked")])
def test_a_tunnel_response_carries_no_framing_field(field) -> None:
    """RFC 9110 §9.3.6: a server MUST NOT send Content-Length or
    Transfer-Encoding in a 2xx response to CONNECT."""
    conn = Connection(SERVER)
    conn.receive_data(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    with pytest.raises(LocalProtocolError):
        conn.send(Response(200, [field]))
    assert conn.our_state is State.SEND_RESPONSE
    conn.send(Response(200))
    assert conn.our_state is State.SWITCHED_PROTOCOL


def test_an_informational_response_carries_no_transfer_encoding() -> None:
    """RFC 9112 §6.1: a server MUST NOT send Transfer-Encoding in a 1xx response."""
    conn = Connection(SERVER)
    conn.receive_data(
        b"PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"
    )
    with pytest.raises(LocalProtocolError):
        conn.send(InformationalResponse(100, [("Transfer-Encoding", "chunked")]))
    assert conn.they_are_waiting_for_100_continue
    assert conn.send(InformationalResponse(100)) == b"HTTP/1.1 100 Continue\r\n\r\n"


def test_buffered_bytes_counts_what_is_not_handed_out_yet() -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HT")
    assert conn.buffered_bytes == len(b"GET / HT")
    conn.send_complete(Response(200))
    conn.receive_data(b"TP/1.1\r\nHost: a\r\n\r\n")
    assert conn.buffered_bytes == 0


@pytest.mark.parametrize(
    "fields",
    [
        b"Expect: 100-continue,\r\n",
        b"Expect: , 100-Continue\r\n",
        b"Expect: 100-continue\r\nExpect: 100-continue\r\n",
    ],
)
def test_an_expect_list_of_only_100_continue_asks_for_it(fields: bytes) -> None:
    """RFC 9110 §10.1.1: Expect is a list; empty elements are ignored (§5.6.1)
    and repeated lines join into one list (§5.3). Found by a conformance audit."""
    conn, _ = server_after(
        b"POST / HTTP/1.1\r\nHost: a\r\n" + fields + b"Content-Length: 1\r\n\r\n"
    )
    assert conn.they_are_waiting_for_100_continue
