"""The exceptions of the core, in two families that never mix.

Exception tree::

    ProtocolError                 base class; never raised itself
    ├── RemoteProtocolError       the peer sent something HTTP/1.1 forbids;
    │                             ``status_code`` is what a server answers
    └── LocalProtocolError        the caller used the API out of order or
                                  asked to send something invalid

Keeping the two apart tells an embedder whom to blame: a
``RemoteProtocolError`` is answered (a server sends ``status_code``, then
closes); a ``LocalProtocolError`` is a bug in the calling code.
"""

from __future__ import annotations

from typing import Final

__all__ = ["LocalProtocolError", "ProtocolError", "RemoteProtocolError"]

#: How much of a bad input an error message quotes: enough to recognise
#: it, never enough to flood a log with what a peer chose to send.
MAX_QUOTED_BYTES: Final = 40


def quote(data: bytes | bytearray) -> str:
    """Show at most ``MAX_QUOTED_BYTES`` of ``data`` safely, via ``repr``."""
    shown = repr(bytes(data[:MAX_QUOTED_BYTES]))
    return shown + "..." if len(data) > MAX_QUOTED_BYTES else shown


class ProtocolError(Exception):
    """Base of both families, for code that treats every HTTP fault alike."""


class RemoteProtocolError(ProtocolError):
    """The peer broke HTTP/1.1; the connection cannot be trusted any more.

    ``status_code`` is the response a server should send before closing:
    400 for a malformed message, 413 for a body over its limit, 414 for a
    request line over its limit, 431 for a header field or block over its
    limit, 501 for a transfer coding we do not implement, 505 for an HTTP
    version we do not speak.
    """

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


class LocalProtocolError(ProtocolError):
    """The caller asked for something HTTP/1.1 or the API forbids."""
