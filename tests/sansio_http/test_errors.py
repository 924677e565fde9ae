"""The two exception families, and how messages quote bad input."""

from __future__ import annotations

import pytest

from sansio_http import (
    LocalProtocolError,
    ProtocolError,
    RemoteProtocolError,
    RequestParser,
    parse_into,
)
from sansio_http._errors import MAX_QUOTED_BYTES, quote


def test_the_families_share_only_their_base() -> None:
    assert issubclass(RemoteProtocolError, ProtocolError)
    assert issubclass(LocalProtocolError, ProtocolError)
    assert not issubclass(RemoteProtocolError, LocalProtocolError)
    assert not issubclass(LocalProtocolError, RemoteProtocolError)


def test_remote_error_carries_a_status() -> None:
    assert RemoteProtocolError("bad").status_code == 400
    error = RemoteProtocolError("too big", 413)
    assert error.status_code == 413
    assert str(error) == "too big"


def test_quote_shows_at_most_40_bytes() -> None:
    assert MAX_QUOTED_BYTES == 40
    assert quote(b"short\r\n") == "b'short\\r\\n'"
    assert quote(bytearray(b"x" * 40)) == repr(b"x" * 40)
    assert quote(b"y" * 1000) == repr(b"y" * 40) + "..."


def test_error_messages_quote_a_bounded_part_of_the_input() -> None:
    """A peer must not be able to flood a log through our error messages."""
    data = b"GET / HTTP/1.1\r\nHost: " + b"\x00" * 5000 + b"\r\n\r\n"
    with pytest.raises(RemoteProtocolError) as info:
        parse_into(RequestParser(), bytearray(data))
    assert len(str(info.value)) < 200
