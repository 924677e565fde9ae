"""The grammar fragments: each accepts what its ABNF rule says and no more."""

from __future__ import annotations

import re

from sansio_http._abnf import (
    ABSOLUTE_FORM_RE,
    AUTHORITY_FORM_RE,
    CHUNK_LINE_RE,
    CONTENT_LENGTH_RE,
    FIELD_NAME_RE,
    FIELD_OCTETS,
    FIELD_VALUE_RE,
    HOST_RE,
    METHOD_RE,
    REQUEST_LINE_RE,
    STATUS_LINE_RE,
    TCHARS_LOWER,
)


def _check(pattern: re.Pattern[bytes], good: list[bytes], bad: list[bytes]) -> None:
    for text in good:
        assert pattern.fullmatch(text), text
    for text in bad:
        assert pattern.fullmatch(text) is None, text


TCHARS = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def test_token() -> None:
    """RFC 9110 §5.6.2: token = 1*tchar."""
    tchars = TCHARS
    _check(FIELD_NAME_RE, [tchars, b"x"], [b"", b"a b", b"a:", b'"a"', b"(a)", b"a\x00", b"\xe9"])
    for octet in range(256):
        is_tchar = bytes([octet]) in tchars
        assert (METHOD_RE.fullmatch(bytes([octet])) is not None) is is_tchar, octet


def test_tchars_lower_are_the_lowercase_tchars() -> None:
    assert len(TCHARS_LOWER) == len(set(TCHARS_LOWER))
    assert set(TCHARS_LOWER) == set(TCHARS.lower())


def test_field_octets() -> None:
    """RFC 9110 §5.5: field-vchar, SP and HTAB; never CR, LF, NUL or DEL."""
    assert b"\t" in FIELD_OCTETS
    assert b" " in FIELD_OCTETS
    assert b"\xff" in FIELD_OCTETS
    for octet in b"\r\n\x00\x7f\x01\x1f":
        assert bytes([octet]) not in FIELD_OCTETS


def test_field_value() -> None:
    """RFC 9110 §5.5: no leading or trailing whitespace, no CTL but HTAB inside."""
    _check(
        FIELD_VALUE_RE,
        [b"", b"a", b"a b\tc", b"\x80\xff", b'"quoted, ok"'],
        [b" a", b"a ", b"\ta", b"a\r\nb", b"a\x00", b"a\x7f"],
    )


def test_request_line() -> None:
    """RFC 9112 §3: method SP request-target SP HTTP-version, single spaces."""
    match = REQUEST_LINE_RE.fullmatch(b"GET /a%20b?c=d HTTP/1.1")
    assert match is not None
    assert match.groups() == (b"GET", b"/a%20b?c=d", None, b"1", b"1")
    match = REQUEST_LINE_RE.fullmatch(b"OPTIONS * HTTP/1.0")
    assert match is not None
    assert match.groups() == (b"OPTIONS", None, b"*", b"1", b"0")
    for line in [
        b"GET / HTTP/1.1 ",
        b"GET  / HTTP/1.1",
        b"GET / HTTP/1.11",
        b"GET / HTTP/1",
        b"GET /",
        b"GET / FTP/1.1",
        b"GET\t/ HTTP/1.1",
    ]:
        assert REQUEST_LINE_RE.fullmatch(line) is None, line


def test_origin_form_falls_back_to_the_other_group() -> None:
    """A target that is not origin-form is captured for the cold path to judge."""
    match = REQUEST_LINE_RE.fullmatch(b"GET /%zz HTTP/1.1")
    assert match is not None
    assert match.group(2) is None
    assert match.group(3) == b"/%zz"


def test_status_line() -> None:
    """RFC 9112 §4, with the SP before an empty reason optional."""
    _check(
        STATUS_LINE_RE,
        [b"HTTP/1.1 200 OK", b"HTTP/1.1 200", b"HTTP/1.1 200 ", b"HTTP/1.0 404 Not\tFound \xe9"],
        [b"HTTP/1.1 20 OK", b"HTTP/1.1 2000 OK", b"HTTP/1.1  200 OK", b"HTTP/1.1 200 O\rK"],
    )


def test_absolute_form() -> None:
    """RFC 9112 §3.2.2: absolute-URI, scheme first."""
    _check(
        ABSOLUTE_FORM_RE,
        [b"http://example.com/a?b", b"https://[::1]:8443/", b"urn:isbn:123", b"h+t.t-p:x"],
        [b"/path", b"1http://a", b"http://a b", b"http://a/#frag", b"://a"],
    )


def test_authority_form() -> None:
    """RFC 9112 §3.2.3: uri-host ":" port, nothing else."""
    _check(
        AUTHORITY_FORM_RE,
        [b"example.com:443", b"127.0.0.1:80", b"[::1]:443", b"[v1.x]:1", b"host:"],
        [b"example.com", b"user@host:443", b"host:443/path", b"host:abc", b"[::1"],
    )


def test_host() -> None:
    """RFC 9110 §7.2: uri-host [ ":" port ], possibly empty."""
    _check(
        HOST_RE,
        [b"", b"example.com", b"example.com:8080", b"[::1]", b"[::1]:80", b"%41.com"],
        [b"a b", b"a/b", b"a@b", b"a:b", b"[::1", b"a:1:2"],
    )


def test_ipv6_literals_follow_rfc_3986() -> None:
    """RFC 3986 §3.2.2: eight pieces, or fewer around one "::"; an IPv4 tail; nothing else."""
    valid = [
        b"::", b"::1", b"1::", b"2001:db8::1", b"1:2:3:4:5:6:7:8", b"1:2:3:4:5:6:7::",
        b"::2:3:4:5:6:7:8", b"::ffff:192.0.2.1", b"1:2:3:4:5:6:1.2.3.4", b"a:b::c:1.2.3.4",
        b"0001:0:0:0:0:0:0:1", b"FE80::A",
    ]  # fmt: skip
    invalid = [
        b"", b":", b":::", b"::1::", b"1::2::3", b":1::", b"1:2:3:4:5:6:7",
        b"1:2:3:4:5:6:7:8:9", b"1:2:3:4:5:6:7:8::", b"12345::", b"g::", b"1.2.3.4",
        b"::256.1.1.1", b"::1.2.3", b"::01.2.3.4", b"1:2:3:4:5:6:7:1.2.3.4",
    ]  # fmt: skip
    for pattern, suffix in ((HOST_RE, b""), (HOST_RE, b":80"), (AUTHORITY_FORM_RE, b":443")):
        _check(
            pattern,
            [b"[" + literal + b"]" + suffix for literal in valid],
            [b"[" + literal + b"]" + suffix for literal in invalid],
        )


def test_chunk_line() -> None:
    """RFC 9112 §7.1: chunk-size [ chunk-ext ], BWS around ";" and "="."""
    _check(
        CHUNK_LINE_RE,
        [
            b"0",
            b"fF09",
            b"5;a",
            b"5;a=b",
            b'5 ; a = "q \\" s" ;b',
            b"5\t;\ta\t=\tb",
        ],
        [b"", b"g", b"-1", b"5 ", b"5;", b"5;a=", b'5;a="open', b"5;a=b c", b"0x5", b"5\r"],
    )


def test_content_length() -> None:
    """RFC 9110 §8.6: Content-Length = 1*DIGIT."""
    _check(CONTENT_LENGTH_RE, [b"0", b"0012", b"123"], [b"", b"+1", b"-1", b"1,1", b"1 ", b"1e3"])


def test_patterns_do_not_backtrack_on_hostile_input() -> None:
    """Possessive repetitions fail fast on a long input that almost matches.

    Without them these inputs would take exponential or quadratic time;
    the test would then not finish rather than fail, which is still a
    signal nothing else gives.
    """
    long = 20_000
    assert CHUNK_LINE_RE.fullmatch(b"1" + b";a=b" * long + b";") is None
    assert REQUEST_LINE_RE.fullmatch(b"GET /" + b"a/" * long + b" HTTP/1.1 ") is None
    assert ABSOLUTE_FORM_RE.fullmatch(b"http:" + b"%41" * long + b"%") is None
    assert FIELD_VALUE_RE.fullmatch(b"a " * long + b"\x00") is None
    assert HOST_RE.fullmatch(b"a" * long + b"/") is None
