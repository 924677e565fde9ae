"""A strict, fast, IO-free HTTP/1.1 implementation: bytes in, events out.

Two levels, both pure. The functional core: ``parse_into(parser,
buffer)`` turns a receive buffer into events, ``serialize(event,
writer)`` turns events into bytes. Above it, ``Connection(role)`` pairs a
parser and a writer for the CLIENT or SERVER role and enforces the
message cycle.
"""

from __future__ import annotations

from ._connection import Connection
from ._errors import LocalProtocolError, ProtocolError, RemoteProtocolError
from ._events import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
)
from ._headers import Headers
from ._limits import Limits
from ._readers import RequestParser, ResponseParser, parse_into
from ._state import CLIENT, SERVER, Role, State
from ._writers import RequestWriter, ResponseWriter, serialize

__all__ = [
    "CLIENT",
    "SERVER",
    "Connection",
    "ConnectionClosed",
    "Data",
    "EndOfMessage",
    "Event",
    "Headers",
    "InformationalResponse",
    "Limits",
    "LocalProtocolError",
    "ProtocolError",
    "RemoteProtocolError",
    "Request",
    "RequestParser",
    "RequestWriter",
    "Response",
    "ResponseParser",
    "ResponseWriter",
    "Role",
    "State",
    "parse_into",
    "serialize",
]
