"""The server's loggers, and the escaping that keeps peer bytes out of log syntax.

A request target or header is chosen by the client. Written raw into a log
line, a CR/LF forges a second line and an ESC sequence rewrites a
terminal (CWE-117), so every logged value from the wire passes
``escape_control`` first.
"""

from __future__ import annotations

import logging
import re
from typing import Final

error_logger: Final = logging.getLogger("asyncio_adapter.error")
access_logger: Final = logging.getLogger("asyncio_adapter.access")

LOG_LEVELS: Final = ("critical", "error", "warning", "info", "debug")

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


def _escape_match(match: re.Match[str]) -> str:
    char = match.group()
    return "\\\\" if char == "\\" else f"\\x{ord(char):02x}"


def escape_control(value: str) -> str:
    """Replace C0/C1 controls (and the backslash, to stay unambiguous) with ``\\xNN``."""
    return _CONTROL.sub(_escape_match, value)


def log_access(
    client: tuple[str, int] | None,
    method: str,
    target: str,
    http_version: str,
    status: int,
    size: int,
    duration: float,
) -> None:
    """Write one access log line: client, request line, status, bytes, duration."""
    # The host may come from X-Forwarded-For (--proxy-headers): escape it too.
    address = f"{client[0]}:{client[1]}" if client is not None else "-"
    access_logger.info(
        '%s - "%s %s HTTP/%s" %d %d %.2fms',
        escape_control(address),
        escape_control(method),
        escape_control(target),
        escape_control(http_version),
        status,
        size,
        duration * 1000.0,
    )


def configure_logging(level: str) -> None:
    """Give the root logger a stderr handler at ``level`` unless one is set up.

    The CLI and ``App.start_server`` call this; an embedding program that
    configured logging itself keeps its configuration.
    """
    if level not in LOG_LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}")
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("asyncio_adapter").setLevel(level.upper())
