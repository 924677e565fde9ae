"""The memos of parsed lines and checked fields: bounded, and invisible in the results."""

from __future__ import annotations

import pytest

from sansio_http import (
    Data,
    EndOfMessage,
    Headers,
    Limits,
    LocalProtocolError,
    RemoteProtocolError,
    Request,
    RequestParser,
    Response,
    ResponseParser,
)
from sansio_http import parse_into as parse
from sansio_http._headers import CHECKED_FIELDS
from sansio_http._memo import Memo
from sansio_http._readers._fields import FIELD_LINES
from sansio_http._readers._framing import CONTENT_LENGTHS
from sansio_http._readers._head import HOSTS, REQUEST_LINES, STATUS_LINES


def test_memo_returns_what_was_remembered() -> None:
    memo: Memo[bytes, int] = Memo(10_000)
    assert memo.get(b"line") is None
    memo.remember(b"line", 7, 4)
    assert memo.get(b"line") == 7
    assert len(memo) == 1


def test_memo_over_its_budget_starts_again() -> None:
    memo: Memo[bytes, int] = Memo(1_000)
    for number in range(100):
        line = b"line %d" % number
        memo.remember(line, number, len(line))
        # Each entry costs over 200 bytes: never more than four fit.
        assert len(memo) <= 4
    assert memo.get(b"line 99") == 99
    assert memo.get(b"line 0") is None


def test_a_line_larger_than_the_budget_is_not_kept() -> None:
    memo: Memo[bytes, int] = Memo(1_000)
    memo.remember(b"small", 1, 5)
    memo.remember(b"x" * 1_000, 2, 1_000)
    assert memo.get(b"x" * 1_000) is None
    assert memo.get(b"small") == 1


def _parse_request(data: bytes) -> list[object]:
    return list(parse(RequestParser(), bytearray(data)))


REQUEST = b"GET /memo-test HTTP/1.1\r\nHost: example.com\r\nX-Memo-Test: 1\r\n\r\n"


def test_a_request_parses_the_same_from_the_memo() -> None:
    first = _parse_request(REQUEST)
    assert REQUEST_LINES.get(b"GET /memo-test HTTP/1.1") == (b"GET", b"/memo-test", b"1.1")
    assert FIELD_LINES.get(b"X-Memo-Test: 1") == (b"x-memo-test", b"1")
    second = _parse_request(REQUEST)
    assert first == second
    request = second[0]
    assert isinstance(request, Request)
    assert request.headers.raw_items() == [(b"Host", b"example.com"), (b"X-Memo-Test", b"1")]


def test_a_response_parses_the_same_from_the_memo() -> None:
    data = b"HTTP/1.1 299 Memo\r\nContent-Length: 0\r\n\r\n"
    first = list(parse(ResponseParser(), bytearray(data)))
    assert STATUS_LINES.get(b"HTTP/1.1 299 Memo") == (b"1.1", 299, b"Memo")
    second = list(parse(ResponseParser(), bytearray(data)))
    assert first == second
    assert isinstance(second[0], Response)
    assert second[0].reason == b"Memo"


@pytest.mark.parametrize(
    ("head", "line"),
    [
        (b"GET /memo HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n", b"Bad Name: 1"),
        (b"GET /memo HTTP/1.1\r\nHost: a\r\nNo-Colon\r\n\r\n", b"No-Colon"),
        (b"GET  /memo HTTP/1.1\r\nHost: a\r\n\r\n", b"GET  /memo HTTP/1.1"),
        (b"GET /memo HTTP/2.0\r\nHost: a\r\n\r\n", b"GET /memo HTTP/2.0"),
    ],
)
def test_a_refused_line_is_refused_every_time(head: bytes, line: bytes) -> None:
    for _ in range(2):
        with pytest.raises(RemoteProtocolError):
            _parse_request(head)
    assert FIELD_LINES.get(line) is None
    assert REQUEST_LINES.get(line) is None


def test_a_host_is_checked_once_per_process_and_a_refused_one_every_time() -> None:
    good = b"GET / HTTP/1.1\r\nHost: memo-host.example:8080\r\n\r\n"
    # Two parsers, as two connections: the second takes the Host from the memo.
    assert _parse_request(good)
    assert HOSTS.get(b"memo-host.example:8080") is True
    assert _parse_request(good)
    bad = b"GET / HTTP/1.1\r\nHost: memo-host.example:80x\r\n\r\n"
    for _ in range(2):
        with pytest.raises(RemoteProtocolError, match="invalid Host"):
            _parse_request(bad)
    assert HOSTS.get(b"memo-host.example:80x") is None


def test_a_refused_section_is_refused_again_once_its_good_lines_are_known() -> None:
    # Lines are remembered one by one: the good neighbour may be known
    # afterwards, and the section must still be refused.
    data = b"GET / HTTP/1.1\r\nHost: a\r\nX-Good-Neighbour: 1\r\nBad Name: 1\r\n\r\n"
    for _ in range(3):
        with pytest.raises(RemoteProtocolError, match="invalid header name"):
            _parse_request(data)


def test_a_known_line_still_counts_against_the_limits() -> None:
    lines = b"".join(b"X-Count-%d: 1\r\n" % number for number in range(5))
    data = b"GET / HTTP/1.1\r\nHost: a\r\n" + lines + b"\r\n"
    assert _parse_request(data)
    with pytest.raises(RemoteProtocolError) as raised:
        parse(RequestParser(Limits(max_header_count=3)), bytearray(data))
    assert raised.value.status_code == 431


def test_known_and_new_lines_together_keep_their_order() -> None:
    _parse_request(b"GET / HTTP/1.1\r\nHost: mixed\r\nAccept: */*\r\n\r\n")
    data = b"GET / HTTP/1.1\r\nHost: mixed\r\nX-Request-Id: 41\r\nAccept: */*\r\nX-Trace: 9\r\n\r\n"
    request = _parse_request(data)[0]
    assert isinstance(request, Request)
    assert list(request.headers) == [
        (b"host", b"mixed"),
        (b"x-request-id", b"41"),
        (b"accept", b"*/*"),
        (b"x-trace", b"9"),
    ]
    assert FIELD_LINES.get(b"X-Request-Id: 41") == (b"x-request-id", b"41")


def test_a_bad_line_among_known_ones_is_refused() -> None:
    _parse_request(b"GET / HTTP/1.1\r\nHost: known\r\n\r\n")
    with pytest.raises(RemoteProtocolError, match="whitespace before the colon"):
        _parse_request(b"GET / HTTP/1.1\r\nHost: known\r\nX-Bad : 1\r\n\r\n")


@pytest.mark.parametrize("break_", [b"\n", b"\r"], ids=["bare-lf", "bare-cr"])
def test_a_bare_line_break_between_known_lines_is_refused(break_: bytes) -> None:
    """A head is split on CRLF only: a bare CR or LF leaves one line that is no known one.

    Split anywhere else, the head below would be two lines already known,
    and read as them.
    """
    _parse_request(b"GET / HTTP/1.1\r\nHost: split\r\nX-Split: 1\r\n\r\n")
    assert FIELD_LINES.get(b"Host: split") is not None
    data = b"GET / HTTP/1.1\r\nHost: split" + break_ + b"X-Split: 1\r\n\r\n"
    for _ in range(2):
        with pytest.raises(RemoteProtocolError) as raised:
            _parse_request(data)
        assert raised.value.status_code == 400
    assert FIELD_LINES.get(b"Host: split" + break_ + b"X-Split: 1") is None


def test_a_known_content_length_still_counts_against_max_body() -> None:
    """A Content-Length looked up rather than read is held to each parser's limit."""
    data = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\nmemo-cl"
    assert _parse_request(data)[1] == Data(b"memo-cl")
    assert CONTENT_LENGTHS.get(b"7") == 7
    with pytest.raises(RemoteProtocolError) as raised:
        parse(RequestParser(Limits(max_body=6)), bytearray(data))
    assert raised.value.status_code == 413
    assert list(parse(RequestParser(Limits(max_body=7)), bytearray(data)))[1] == Data(b"memo-cl")
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nmemo-cl"
    with pytest.raises(RemoteProtocolError) as raised:
        parse(ResponseParser(Limits(max_body=6)), bytearray(response))
    assert raised.value.status_code == 413


@pytest.mark.parametrize("length", [b"+7", b"7,7", b"0x7", b"1" * 19])
def test_a_refused_content_length_is_refused_every_time(length: bytes) -> None:
    data = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + length + b"\r\n\r\nmemo-cl"
    for _ in range(2):
        with pytest.raises(RemoteProtocolError):
            _parse_request(data)
    assert CONTENT_LENGTHS.get(length) is None


def test_content_lengths_spelled_differently_read_the_same() -> None:
    for length in [b"7", b"07", b"0" * 30 + b"7", b"7"]:
        data = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + length + b"\r\n\r\nmemo-cl"
        assert _parse_request(data)[1:] == [Data(b"memo-cl"), EndOfMessage()]


def test_a_field_given_again_is_taken_from_the_memo() -> None:
    field = (b"X-Memo-Given", b" value ")
    first = Headers([field])
    assert CHECKED_FIELDS.get(field) == ((b"x-memo-given", b"value"), b"X-Memo-Given")
    second = Headers([field])
    assert first == second == [(b"x-memo-given", b"value")]
    assert second.raw_items() == [(b"X-Memo-Given", b"value")]


def test_a_field_as_str_and_as_bytes_give_the_same_headers() -> None:
    assert Headers([("X-Memo-Str", "v")]) == Headers([(b"X-Memo-Str", b"v")])
    assert Headers([("X-Memo-Str", "v")]) == Headers([(b"X-Memo-Str", b"v")])


@pytest.mark.parametrize(
    "field",
    [(b"Bad Name", b"v"), (b"X-Bad-Value", b"a\r\nInjected: 1"), ("X-Non-Ascii", "caf\u00e9")],
)
def test_a_refused_field_is_refused_every_time(field: tuple[bytes | str, bytes | str]) -> None:
    for _ in range(2):
        with pytest.raises(LocalProtocolError):
            Headers([field])
    assert CHECKED_FIELDS.get(field) is None


def test_unhashable_fields_are_checked_and_not_remembered() -> None:
    listed = Headers([[b"X-Memo-List", b"1"]])  # type: ignore[list-item]
    assert listed == [(b"x-memo-list", b"1")]
    mutable = Headers([(b"X-Memo-Mutable", bytearray(b"1"))])  # type: ignore[list-item]
    assert mutable == [(b"x-memo-mutable", b"1")]
    with pytest.raises(LocalProtocolError):
        Headers([(b"X-Memo-Mutable", bytearray(b"\x00"))])  # type: ignore[list-item]
