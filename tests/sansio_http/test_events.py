"""The events: small immutable values that validate what they are given."""

from __future__ import annotations

import pytest

from sansio_http import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    Headers,
    InformationalResponse,
    LocalProtocolError,
    Request,
    Response,
)

HOST = [("Host", "example.com")]


def test_request_fields_and_defaults() -> None:
    request = Request("GET", "/a?b", HOST)
    assert request.method == b"GET"
    assert request.target == b"/a?b"
    assert request.headers == [(b"host", b"example.com")]
    assert isinstance(request.headers, Headers)
    assert request.http_version == b"1.1"


def test_events_compare_by_type_and_fields() -> None:
    assert Request("GET", "/", HOST) == Request(b"GET", b"/", [(b"host", b"example.com")])
    assert Request("GET", "/", HOST) != Request("GET", "/x", HOST)
    assert Response(200) != InformationalResponse(100)
    assert Response(200) == Response(200, [], b"", b"1.1")
    assert Response(200) != Response(200, reason="OK")
    assert Data(b"x") != EndOfMessage()
    assert Data(b"x") != b"x"
    assert EndOfMessage() == EndOfMessage([])
    assert ConnectionClosed() == ConnectionClosed()
    assert len({Data(b"x"), Data(b"x"), EndOfMessage(), ConnectionClosed()}) == 3


def test_events_are_immutable() -> None:
    for event in (Request("GET", "/", HOST), Response(200), Data(b"x"), EndOfMessage()):
        with pytest.raises(AttributeError):
            event.headers = Headers()  # type: ignore[misc,union-attr]
        with pytest.raises(AttributeError):
            del event.extra  # type: ignore[attr-defined]
        with pytest.raises(AttributeError):
            event.__dict__  # noqa: B018


def test_events_have_slots() -> None:
    for cls in (Request, InformationalResponse, Response, Data, EndOfMessage, ConnectionClosed):
        assert "__slots__" in vars(cls)
        assert issubclass(cls, Event)


def test_repr_is_readable() -> None:
    assert repr(Data(b"x")) == "Data(data=b'x')"
    assert repr(ConnectionClosed()) == "ConnectionClosed()"
    assert repr(Response(204, reason="No Content")) == (
        "Response(status_code=204, headers=Headers([]), reason=b'No Content', http_version=b'1.1')"
    )
    assert repr(Request("GET", "/", HOST)).startswith("Request(method=b'GET', target=b'/', ")


def test_data_accepts_bytes_like() -> None:
    assert Data(bytearray(b"ab")).data == b"ab"
    assert Data(memoryview(b"ab")).data == b"ab"
    assert type(Data(bytearray(b"ab")).data) is bytes
    with pytest.raises(LocalProtocolError):
        Data("text")  # type: ignore[arg-type]


def test_end_of_message_carries_trailers() -> None:
    assert EndOfMessage([("Checksum", "abc")]).headers == [(b"checksum", b"abc")]
    with pytest.raises(LocalProtocolError):
        EndOfMessage([("Bad Name", "x")])


@pytest.mark.parametrize(
    ("method", "target"),
    [
        pytest.param("", "/", id="empty-method"),
        pytest.param("GE T", "/", id="space-in-method"),
        pytest.param("GET\r\n", "/", id="crlf-in-method"),
        pytest.param("GET", "", id="empty-target"),
        pytest.param("GET", "/a b", id="space-in-target"),
        pytest.param("GET", "/a\r\nHost: evil", id="crlf-in-target"),
        pytest.param("GET", "/\x7f", id="del-in-target"),
        pytest.param("GET", b"/\xe9", id="non-ascii-target"),
        pytest.param("GÉT", "/", id="non-ascii-method"),
    ],
)
def test_request_refuses_what_would_break_the_request_line(method: str, target: str) -> None:
    with pytest.raises(LocalProtocolError):
        Request(method, target, HOST)


def test_http_1_1_request_needs_exactly_one_host() -> None:
    """RFC 9112 §3.2: a client MUST send exactly one Host in HTTP/1.1."""
    with pytest.raises(LocalProtocolError):
        Request("GET", "/")
    with pytest.raises(LocalProtocolError):
        Request("GET", "/", [("Host", "a"), ("Host", "b")])
    assert Request("GET", "/", [], "1.0").headers == []
    with pytest.raises(LocalProtocolError):
        Request("GET", "/", [("Host", "a"), ("Host", "b")], "1.0")


@pytest.mark.parametrize("version", ["1.2", "2.0", "2", "", "HTTP/1.1", 1.1])
def test_only_http_1_0_and_1_1_are_built(version: object) -> None:
    with pytest.raises(LocalProtocolError):
        Request("GET", "/", HOST, version)  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError):
        Response(200, http_version=version)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cls", "good", "bad"),
    [
        (InformationalResponse, [100, 101, 103, 199], [99, 200, 204, 600]),
        (Response, [200, 204, 404, 599], [100, 199, 600, 1000]),
    ],
)
def test_status_code_ranges(
    cls: type[InformationalResponse | Response], good: list[int], bad: list[int]
) -> None:
    for status in good:
        assert cls(status).status_code == status
    for status in bad:
        with pytest.raises(LocalProtocolError):
            cls(status)


@pytest.mark.parametrize("status", ["200", 200.0, True, None])
def test_status_code_must_be_an_int(status: object) -> None:
    with pytest.raises(LocalProtocolError):
        Response(status)  # type: ignore[arg-type]


def test_reason_phrase() -> None:
    """RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )."""
    assert Response(200, reason=b"All \tgood \xe9").reason == b"All \tgood \xe9"
    for reason in (b"a\r\nb", b"a\nb", b"\x00", b"\x7f"):
        with pytest.raises(LocalProtocolError):
            Response(200, reason=reason)
