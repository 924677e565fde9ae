"""The message cycle as data: which event moves a side to which state.

Each side of a connection (the one sending requests, the one sending
responses) has a state. The tables say where an event its sender sends
takes it; they know nothing of which side we play. Keep-alive, pausing
and protocol switches are the ``Connection``'s, which applies them on
top of these tables.
"""

from __future__ import annotations

import enum
from typing import Final

from ._events import Data, EndOfMessage, Event, InformationalResponse, Request, Response

__all__ = ["CLIENT", "SERVER", "Role", "State"]


class Role(enum.Enum):
    """Which side of the connection we are."""

    CLIENT = "client"
    SERVER = "server"


CLIENT: Final = Role.CLIENT
SERVER: Final = Role.SERVER


class State(enum.Enum):
    """Where one side of a connection is in the message cycle."""

    IDLE = "IDLE"
    SEND_RESPONSE = "SEND_RESPONSE"
    SEND_BODY = "SEND_BODY"
    DONE = "DONE"
    MUST_CLOSE = "MUST_CLOSE"
    CLOSED = "CLOSED"
    MIGHT_SWITCH_PROTOCOL = "MIGHT_SWITCH_PROTOCOL"
    SWITCHED_PROTOCOL = "SWITCHED_PROTOCOL"
    ERROR = "ERROR"


IDLE: Final = State.IDLE
SEND_RESPONSE: Final = State.SEND_RESPONSE
SEND_BODY: Final = State.SEND_BODY
DONE: Final = State.DONE
MUST_CLOSE: Final = State.MUST_CLOSE
CLOSED: Final = State.CLOSED
MIGHT_SWITCH_PROTOCOL: Final = State.MIGHT_SWITCH_PROTOCOL
SWITCHED_PROTOCOL: Final = State.SWITCHED_PROTOCOL
ERROR: Final = State.ERROR

#: (sender's role, sender's state, event type) -> sender's next state.
TRANSITIONS: Final[dict[tuple[Role, State, type[Event]], State]] = {
    (CLIENT, IDLE, Request): SEND_BODY,
    (CLIENT, SEND_BODY, Data): SEND_BODY,
    (CLIENT, SEND_BODY, EndOfMessage): DONE,
    (SERVER, SEND_RESPONSE, InformationalResponse): SEND_RESPONSE,
    (SERVER, SEND_RESPONSE, Response): SEND_BODY,
    (SERVER, SEND_BODY, Data): SEND_BODY,
    (SERVER, SEND_BODY, EndOfMessage): DONE,
}

#: States from which a side may close cleanly: between messages.
MAY_CLOSE: Final = frozenset({IDLE, DONE, MUST_CLOSE, CLOSED})
