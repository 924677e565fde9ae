"""How long a body is, from the head that announces it (RFC 9112 §6)."""

from __future__ import annotations

from typing import Final

from .._abnf import MAX_LENGTH_DIGITS
from .._errors import RemoteProtocolError, quote
from .._headers import list_elements
from .._memo import Memo
from ._parser import CHUNK_LINE, UNTIL_CLOSE, Parser

#: Accepted Content-Length values and the sizes they stand for: a peer
#: sends few distinct ones, as a client posting the same form does (see
#: ``_memo``). Measured with callgrind on bench/parser.py case (c), the
#: lookup in the head reader, without the call of ``body_size``, against
#: the checks and ``int()`` in it: 35.3k -> 33.5k instructions per message.
CONTENT_LENGTHS: Final[Memo[bytes, int]] = Memo(16 * 1024)


def keep_alive(version: bytes, connection: bytes) -> bool:
    """RFC 9112 §9.3: whether a message with a Connection field lets the connection persist.

    Without the field it persists in HTTP/1.1 only: the head readers
    decide that case themselves, without a call.
    """
    # The two values nearly every client sends, without building a list.
    option = connection.lower()
    if option == b"keep-alive":
        return True
    if option == b"close":
        return False
    options = list_elements(connection)
    if b"close" in options:
        return False
    return version == b"1.1" or b"keep-alive" in options


def start_request_coding(
    parser: Parser, coding: bytes, length: bytes | None, version: bytes
) -> None:
    """Frame a request that has Transfer-Encoding (RFC 9112 §6.1, §6.3).

    Only a final ``chunked`` frames a request; anything else leaves its
    length unknowable, which is the opening request smuggling needs.
    """
    if version == b"1.0":
        # RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
        raise RemoteProtocolError("Transfer-Encoding in an HTTP/1.0 request")
    if length is not None:
        raise RemoteProtocolError("both Transfer-Encoding and Content-Length")
    # The value nearly every client sends needs no list.
    if coding != b"chunked":
        _check_request_codings(coding)
    parser._state = CHUNK_LINE
    parser._body_seen = 0


def _check_request_codings(coding: bytes) -> None:
    """Refuse every Transfer-Encoding of a request but a plain ``chunked``."""
    codings = list_elements(coding)
    if not codings or codings[-1] != b"chunked":
        raise RemoteProtocolError(f"Transfer-Encoding {quote(coding)} does not end in chunked")
    if b"chunked" in codings[:-1]:
        raise RemoteProtocolError("chunked applied more than once")
    if len(codings) > 1:
        raise RemoteProtocolError(f"transfer coding {quote(codings[0])} is not implemented", 501)


def start_response_coding(
    parser: Parser, coding: bytes, length: bytes | None, version: bytes
) -> None:
    """Frame a response that has Transfer-Encoding (RFC 9112 §6.3 ¶4).

    Chunked last: read the chunks. Not chunked last (``gzip``, ``chunked,
    gzip``, a coding nobody registered): the body runs until the server
    closes, which no reader can take two ways. Either way what the other
    codings did to the content is left to the caller, who sees the
    header: a client has no status to answer an unknown coding with (the
    501 of RFC 9112 §6.1 is a server's).
    """
    if version == b"1.0":
        raise RemoteProtocolError("Transfer-Encoding in an HTTP/1.0 response")
    if length is not None:
        raise RemoteProtocolError("both Transfer-Encoding and Content-Length")
    codings = list_elements(coding)
    if codings.count(b"chunked") > 1:
        # RFC 9112 §6.1: a sender MUST NOT apply chunked more than once.
        raise RemoteProtocolError(f"chunked applied more than once in {quote(coding)}")
    parser._body_seen = 0
    if codings and codings[-1] == b"chunked":
        parser._state = CHUNK_LINE
    else:
        parser.keep_alive = False
        parser._state = UNTIL_CLOSE


def body_size(parser: Parser, length: bytes) -> int:
    """The size of a body framed by Content-Length (RFC 9110 §8.6, RFC 9112 §6.3 ¶5).

    Anything but plain digits is refused, including a list of repeated
    values that RFC 9112 lets a recipient collapse: a front end that reads
    the list differently is how requests get smuggled. A value accepted
    once is looked up after: the head readers try ``CONTENT_LENGTHS``
    first, and call this only for a value not seen yet or under a
    ``max_body``.
    """
    size = CONTENT_LENGTHS.get(length)
    if size is None:
        # ``bytes.isdigit`` is ASCII-only and false for b"": exactly 1*DIGIT.
        if not length.isdigit():
            raise RemoteProtocolError(f"invalid Content-Length {quote(length)}")
        digits = length
        if len(digits) > MAX_LENGTH_DIGITS:
            # Leading zeros are valid (1*DIGIT) and add nothing to the size.
            digits = digits.lstrip(b"0") or b"0"
            if len(digits) > MAX_LENGTH_DIGITS:
                raise RemoteProtocolError("Content-Length is too large", 413)
        size = int(digits)
        CONTENT_LENGTHS.remember(length, size, len(length))
    max_body = parser.limits.max_body
    if max_body is not None and size > max_body:
        raise RemoteProtocolError(f"body of {size} bytes is over the limit of {max_body}", 413)
    return size
