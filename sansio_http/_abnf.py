"""The RFC 9110/9112 grammar as named, compiled fragments.

Each fragment carries the ABNF rule it encodes in the comment above it.
Quantifiers inside repetitions are possessive (``*+``, ``++``, Python
3.11+) so that no input can make a pattern backtrack exponentially: a
peer controls every byte these patterns see.
"""

from __future__ import annotations

import re
from typing import Final

# tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
#         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA        (RFC 9110 §5.6.2)
TCHAR: Final = rb"[-!#$%&'*+.^_`|~0-9A-Za-z]"
# token = 1*tchar
TOKEN: Final = TCHAR + rb"++"

#: Every tchar once, lower case only: field names are compared after
#: ``bytes.lower()``, and ``translate(None, TCHARS_LOWER)`` leaves exactly
#: the bytes that are not tchar.
TCHARS_LOWER: Final = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"

#: The octets a header section may hold outside its CRLF line ends:
#: field-vchar, SP and HTAB (RFC 9110 §5.5: field-vchar = VCHAR / obs-text).
#: Deleting them with ``bytes.translate`` leaves only CR, LF and the
#: control octets (NUL, bare CR, bare LF, DEL...) that no field may carry.
FIELD_OCTETS: Final = bytes(b for b in range(256) if (b >= 0x20 or b == 0x09) and b != 0x7F)

# field-value   = *field-content
# field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
# field-vchar   = VCHAR / obs-text                          (RFC 9110 §5.5)
FIELD_VALUE: Final = rb"(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?"
FIELD_NAME_RE: Final = re.compile(TOKEN)
FIELD_VALUE_RE: Final = re.compile(FIELD_VALUE)

# method = token                                            (RFC 9110 §9.1)
METHOD_RE: Final = re.compile(TOKEN)

# pct-encoded = "%" HEXDIG HEXDIG
# pchar       = unreserved / pct-encoded / sub-delims / ":" / "@"
# query       = *( pchar / "/" / "?" )                      (RFC 3986 §3.3-3.4)
_PCHAR_RUN: Final = rb"[-A-Za-z0-9._~!$&'()*+,;=:@/]"
_PCT: Final = rb"%[0-9A-Fa-f]{2}"
# origin-form = absolute-path [ "?" query ]                 (RFC 9112 §3.2.1)
ORIGIN_FORM: Final = (
    rb"/(?:" + _PCHAR_RUN + rb"++|" + _PCT + rb")*+"
    rb"(?:\?(?:" + _PCHAR_RUN + rb"++|\?|" + _PCT + rb")*+)?"
)
# absolute-form = absolute-URI = scheme ":" hier-part [ "?" query ]
# scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )       (RFC 9112 §3.2.2)
ABSOLUTE_FORM_RE: Final = re.compile(
    rb"[A-Za-z][-A-Za-z0-9+.]*+:(?:[-A-Za-z0-9._~!$&'()*+,;=:@/?\[\]]++|" + _PCT + rb")*+"
)
# h16         = 1*4HEXDIG
# ls32        = ( h16 ":" h16 ) / IPv4address
# IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet
# dec-octet   = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT
#             / "25" %x30-35                                (RFC 3986 §3.2.2)
_H16: Final = rb"[0-9A-Fa-f]{1,4}"
_DEC_OCTET: Final = rb"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_LS32: Final = (
    rb"(?:" + _H16 + rb":" + _H16 + rb"|" + _DEC_OCTET + (rb"\." + _DEC_OCTET) * 3 + rb")"
)


def _ipv6_address() -> bytes:
    """RFC 3986 §3.2.2's IPv6address: eight 16-bit pieces, the last two maybe an IPv4address.

    Its nine forms: all pieces written, or one ``::`` standing for the
    zero pieces left out, with at most ``left`` pieces before it and a
    fixed number after it (fewer the more may come before), e.g.
    ``[ *2( h16 ":" ) h16 ] "::" 2( h16 ":" ) ls32``. A literal is at
    most 45 octets between its brackets, so the alternatives' backtracking
    is bounded.
    """
    after = [(_H16 + rb":") * count + _LS32 for count in (5, 4, 3, 2, 1, 0)] + [_H16, b""]
    forms = [(_H16 + rb":") * 6 + _LS32]
    for left, tail in enumerate(after):
        before = rb"(?:(?:" + _H16 + rb":){0,%d}" % (left - 1) + _H16 + rb")?" if left else b""
        forms.append(before + rb"::" + tail)
    return rb"(?:" + rb"|".join(forms) + rb")"


# IP-literal = "[" ( IPv6address / IPvFuture ) "]"
# IPvFuture  = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
# reg-name   = *( unreserved / pct-encoded / sub-delims )
# uri-host   = IP-literal / IPv4address / reg-name          (RFC 3986 §3.2.2)
# (an IPv4address is also a reg-name, so that branch is the reg-name's)
_URI_HOST: Final = (
    rb"(?:\[" + _ipv6_address() + rb"\]|\[[vV][0-9A-Fa-f]++\.[-A-Za-z0-9._~!$&'()*+,;=:]++\]"
    rb"|(?:[-A-Za-z0-9._~!$&'()*+,;=]++|" + _PCT + rb")*+)"
)
#: unreserved / sub-delims (RFC 3986 §2.2, §2.3): what a reg-name holds
#: besides pct-encoded octets. ``translate(None, REG_NAME_OCTETS)`` leaves
#: nothing of a plain host name, which is then valid without ``HOST_RE``.
REG_NAME_OCTETS: Final = (
    b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~!$&'()*+,;="
)
# authority-form = uri-host ":" port ; port = *DIGIT        (RFC 9112 §3.2.3)
AUTHORITY_FORM_RE: Final = re.compile(_URI_HOST + rb":[0-9]*+")
# Host = uri-host [ ":" port ]                              (RFC 9110 §7.2)
HOST_RE: Final = re.compile(_URI_HOST + rb"(?::[0-9]*+)?")

# request-line = method SP request-target SP HTTP-version
# HTTP-version = HTTP-name "/" DIGIT "." DIGIT              (RFC 9112 §3, §2.3)
# The target is captured as origin-form when it is one (the common case,
# validated here in one pass), otherwise as any run of VCHAR, to be told
# apart by the method in the cold path.
REQUEST_LINE_RE: Final = re.compile(
    rb"(" + TOKEN + rb") (?:(" + ORIGIN_FORM + rb")|([\x21-\x7e]++)) HTTP/([0-9])\.([0-9])"
)
# status-line   = HTTP-version SP status-code SP [ reason-phrase ]
# reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )        (RFC 9112 §4)
# The SP before an empty reason phrase is optional here: servers drop it,
# and its absence cannot make the message read two ways.
STATUS_LINE_RE: Final = re.compile(
    rb"HTTP/([0-9])\.([0-9]) ([0-9]{3})(?: ([\t\x20-\x7e\x80-\xff]*+))?"
)

# chunk      = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
# chunk-size = 1*HEXDIG
# chunk-ext  = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
# chunk-ext-val = token / quoted-string                     (RFC 9112 §7.1)
# quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE   (RFC 9110 §5.6.4)
_QUOTED_STRING: Final = (
    rb'"(?:[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]++|\\[\t\x20-\x7e\x80-\xff])*+"'
)
_CHUNK_EXT: Final = (
    rb"(?:[ \t]*+;[ \t]*+"
    + TOKEN
    + rb"(?:[ \t]*+=[ \t]*+(?:"
    + TOKEN
    + rb"|"
    + _QUOTED_STRING
    + rb"))?)*+"
)
CHUNK_LINE_RE: Final = re.compile(rb"([0-9A-Fa-f]++)(" + _CHUNK_EXT + rb")")

# Content-Length = 1*DIGIT                                  (RFC 9110 §8.6)
CONTENT_LENGTH_RE: Final = re.compile(rb"[0-9]++")

#: The longest Content-Length or chunk size we read, in significant
#: digits: big enough for any real body (10^18 bytes; 15 hex digits are
#: 2^60), small enough that no peer makes us convert a megabyte of digits
#: into an integer, and below 2^63, so that every position in a buffer
#: stays a C ``Py_ssize_t`` (16 hex digits overflowed ``bytearray``'s
#: methods: fuzz/README.md, crashes).
MAX_LENGTH_DIGITS: Final = 18
MAX_CHUNK_SIZE_DIGITS: Final = 15

# The CRLF that ends a chunk's data, then the next chunk-size line as
# nearly every sender writes it: 1*HEXDIG, no chunk-ext, CRLF. Entry
# ``n - 1`` takes at most ``n`` digits, so that a ``max_chunk_line``
# below 16 keeps its meaning: longer lines go the general way.
NEXT_PLAIN_CHUNK_LINE_RES: Final = tuple(
    re.compile(rb"\r\n([0-9A-Fa-f]{1,%d}+)\r\n" % digits)
    for digits in range(1, MAX_CHUNK_SIZE_DIGITS + 1)
)
#: The same without the CRLF before it: the first chunk-size line of a body.
PLAIN_CHUNK_LINE_RES: Final = tuple(
    re.compile(rb"([0-9A-Fa-f]{1,%d}+)\r\n" % digits)
    for digits in range(1, MAX_CHUNK_SIZE_DIGITS + 1)
)
