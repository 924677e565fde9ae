"""Every size a peer controls, with defaults a public server can live with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DEFAULT_MAX_REQUEST_LINE: Final = 8 * 1024
DEFAULT_MAX_HEADER_LINE: Final = 8 * 1024
DEFAULT_MAX_HEADER_COUNT: Final = 100
DEFAULT_MAX_HEADER_BLOCK: Final = 64 * 1024
DEFAULT_MAX_CHUNK_LINE: Final = 4 * 1024
DEFAULT_MAX_TRAILER_BLOCK: Final = 16 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The most the parser buffers or accepts of each part of a message.

    Without limits a peer decides how much memory we spend: a request line
    or a header that never ends, a million header fields, an endless chunk
    extension. Each limit is checked before the bytes it covers are
    parsed, and as soon as the buffer alone proves it is exceeded.

    - ``max_request_line``: the start line (request line, or status line
      for a client); past it a request gets 414.
    - ``max_header_line``: one field line; past it 431.
    - ``max_header_count``: field lines in the header section, and in the
      trailer section; past it 431.
    - ``max_header_block``: the header section, start line excluded; 431.
    - ``max_chunk_line``: one chunk-size line with its extensions; 413,
      since the line is part of the chunked content.
    - ``max_trailer_block``: the trailer section; 431.
    - ``max_body``: the content of one message, ``None`` for no limit (the
      core streams bodies, so it need not hold them); past it 413.
    """

    max_request_line: int = DEFAULT_MAX_REQUEST_LINE
    max_header_line: int = DEFAULT_MAX_HEADER_LINE
    max_header_count: int = DEFAULT_MAX_HEADER_COUNT
    max_header_block: int = DEFAULT_MAX_HEADER_BLOCK
    max_chunk_line: int = DEFAULT_MAX_CHUNK_LINE
    max_trailer_block: int = DEFAULT_MAX_TRAILER_BLOCK
    max_body: int | None = None

    def __post_init__(self) -> None:
        for name in (
            "max_request_line",
            "max_header_line",
            "max_header_count",
            "max_header_block",
            "max_chunk_line",
            "max_trailer_block",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"Limits.{name} must be at least 1")
        if self.max_body is not None and self.max_body < 0:
            raise ValueError("Limits.max_body must be None or at least 0")
