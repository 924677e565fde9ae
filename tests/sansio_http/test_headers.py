"""``Headers``: validated, normalized, ordered, duplicates kept."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, Sequence

import pytest

from sansio_http import Headers, LocalProtocolError, RequestParser, parse_into


def test_names_are_lowered_and_values_stripped() -> None:
    headers = Headers([("Content-Type", " text/plain \t"), (b"X-Empty", b"")])
    assert list(headers) == [(b"content-type", b"text/plain"), (b"x-empty", b"")]


def test_order_and_duplicates_are_kept() -> None:
    """RFC 9110 §5.3: merging would be wrong for Set-Cookie, and would hide a repeated field."""
    headers = Headers([("Set-Cookie", "a=1"), ("X", "y"), ("set-cookie", "b=2")])
    assert headers.get_all("SET-COOKIE") == [b"a=1", b"b=2"]
    assert headers.get("set-cookie") == b"a=1"
    assert len(headers) == 3
    assert headers[1] == (b"x", b"y")
    assert headers[::2] == [(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]


def test_lookups_are_case_insensitive() -> None:
    headers = Headers([("ETag", '"x"')])
    assert headers.get("etag") == headers.get(b"ETAG") == b'"x"'
    assert headers.get("missing") is None
    assert headers.get("missing", b"default") == b"default"
    assert headers.get_all("missing") == []


def test_raw_items_keep_the_original_spelling() -> None:
    headers = Headers([("X-CamelCase", " v "), (b"lower", b"w")])
    assert headers.raw_items() == [(b"X-CamelCase", b"v"), (b"lower", b"w")]


def test_equality_and_hash() -> None:
    one = Headers([("A", "1")])
    assert one == Headers([(b"a", b"1")])
    assert one == [(b"a", b"1")]
    assert one == ((b"a", b"1"),)
    assert one != [(b"a", b"2")]
    assert one != "a: 1"
    assert hash(one) == hash(Headers([("a", "1")]))
    assert repr(one) == "Headers([(b'a', b'1')])"


def test_copying_headers_keeps_their_fields_and_spelling() -> None:
    original = Headers([("X-A", "1")])
    copy = Headers(original)
    assert copy == original
    assert copy.raw_items() == [(b"X-A", b"1")]


_CHANGES: list[tuple[str, Callable[[Headers], object]]] = [
    ("setitem", lambda h: h.__setitem__(0, (b"a", b"2"))),
    ("delitem", lambda h: h.__delitem__(0)),
    ("iadd", lambda h: h.__iadd__([(b"b", b"2")])),
    ("imul", lambda h: h.__imul__(2)),
    ("append", lambda h: h.append((b"b", b"2"))),
    ("extend", lambda h: h.extend([(b"b", b"2")])),
    ("insert", lambda h: h.insert(0, (b"b", b"2"))),
    ("pop", lambda h: h.pop()),
    ("remove", lambda h: h.remove((b"a", b"1"))),
    ("clear", lambda h: h.clear()),
    ("sort", lambda h: h.sort()),
    ("reverse", lambda h: h.reverse()),
    ("init-again", lambda h: h.__init__([("B", "2")])),  # type: ignore[misc]
]


@pytest.mark.parametrize(("_", "change"), _CHANGES, ids=[name for name, _ in _CHANGES])
def test_headers_cannot_be_changed(_: str, change: Callable[[Headers], object]) -> None:
    headers = Headers([("A", "1"), ("C", "3")])
    with pytest.raises(TypeError, match="immutable"):
        change(headers)
    assert headers == [(b"a", b"1"), (b"c", b"3")]


def test_the_headers_of_parsed_events_cannot_be_built_again() -> None:
    parser = RequestParser()
    request, end = parse_into(parser, bytearray(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
    for headers in (request.headers, end.headers):  # type: ignore[attr-defined]
        before = list(headers)
        with pytest.raises(TypeError, match="immutable"):
            headers.__init__([("Host", "evil")])
        assert list(headers) == before


def test_headers_are_a_sequence_and_combine_into_plain_lists() -> None:
    headers = Headers([("A", "1")])
    assert isinstance(headers, Sequence)
    combined = headers + [(b"b", b"2")]  # noqa: RUF005 (what + gives is the point)
    assert type(combined) is list
    assert combined == [(b"a", b"1"), (b"b", b"2")]
    assert headers == [(b"a", b"1")]


def test_copies_and_pickles_keep_fields_and_spelling() -> None:
    parser = RequestParser()
    (request, _) = parse_into(parser, bytearray(b"GET / HTTP/1.1\r\nHost: h\r\nX-Camel: v\r\n\r\n"))
    parsed = request.headers  # type: ignore[attr-defined]
    for headers in (Headers([("X-A", "1"), ("x-a", "2")]), parsed):
        for again in (
            copy.copy(headers),
            copy.deepcopy(headers),
            pickle.loads(pickle.dumps(headers)),
        ):
            assert type(again) is Headers
            assert again == headers
            assert again.raw_items() == headers.raw_items()
            assert again.get("x-a") == headers.get("x-a")
    assert parsed.raw_items() == [(b"Host", b"h"), (b"X-Camel", b"v")]


def test_bytearray_is_accepted() -> None:
    assert Headers([(bytearray(b"A"), bytearray(b"b"))]) == [(b"a", b"b")]


def test_obs_text_and_inner_whitespace_are_valid_values() -> None:
    headers = Headers([("X", b"caf\xe9 \t au lait")])
    assert headers.get("x") == b"caf\xe9 \t au lait"


@pytest.mark.parametrize(
    "field",
    [
        pytest.param(("", "v"), id="empty-name"),
        pytest.param(("A B", "v"), id="space-in-name"),
        pytest.param(("A:", "v"), id="colon-in-name"),
        pytest.param(("A\x00", "v"), id="nul-in-name"),
        pytest.param((b"caf\xe9", "v"), id="obs-text-in-name"),
        pytest.param(("A", "v\r\nB: w"), id="crlf-in-value"),
        pytest.param(("A", "v\nw"), id="lf-in-value"),
        pytest.param(("A", "v\rw"), id="cr-in-value"),
        pytest.param(("A", "v\x00"), id="nul-in-value"),
        pytest.param(("A", "v\x7fw"), id="del-in-value"),
        pytest.param(("A", "v\x01w"), id="ctl-in-value"),
        pytest.param(("Ä", "v"), id="non-ascii-str-name"),
        pytest.param(("A", "é"), id="non-ascii-str-value"),
        pytest.param((1, "v"), id="int-name"),
        pytest.param(("A", None), id="none-value"),
        pytest.param(("A",), id="one-element"),
        pytest.param(("A", "v", "w"), id="three-elements"),
        pytest.param(42, id="not-a-pair"),
    ],
)
def test_invalid_fields_are_refused(field: object) -> None:
    with pytest.raises(LocalProtocolError):
        Headers([field])  # type: ignore[list-item]


def test_lookup_name_must_be_bytes_or_ascii() -> None:
    with pytest.raises(LocalProtocolError):
        Headers().get("é")
