"""The user-facing ``Response``, and how a handler's result becomes one.

As in Starlette, the body is settled when it is set: text is encoded once,
JSON is dumped once, so the server's hot path only copies bytes. Framing
(Content-Length or chunked) is left to ``sansio_http``, which owns every
protocol decision; a ``Response`` only says whether its body is a fixed
byte string or a stream.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Final, TypeAlias

from ._errors import HTTPError

TEXT_TYPE: Final = "text/plain; charset=utf-8"
HTML_TYPE: Final = "text/html; charset=utf-8"
BINARY_TYPE: Final = "application/octet-stream"
JSON_TYPE: Final = "application/json"

#: A JSON document as handlers return it (``dict`` or ``list`` at the top).
JSONDocument: TypeAlias = dict[str, object] | list[object]

#: What a ``Response`` body may be: text, bytes, a JSON document, or a stream.
Body: TypeAlias = str | bytes | JSONDocument | AsyncIterable[bytes | str]

HeaderSource: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]

# RFC 9110 §15: statuses that never carry content.
_NO_CONTENT: Final = frozenset({204, 304})


def encode_json(document: object) -> bytes:
    """Dump a JSON document compactly; UTF-8 is JSON's only encoding (RFC 8259 §8.1)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Response:
    """A status, headers and a body that a handler returns.

    ``body`` may be ``str`` (sent as UTF-8, ``text/plain`` unless told
    otherwise), ``bytes`` (``application/octet-stream``), a ``dict`` or
    ``list`` (JSON), or an async iterable of ``bytes``/``str`` chunks, which
    is streamed (chunked unless a Content-Length header is set).
    """

    __slots__ = ("_body", "_stream", "code", "headers")

    def __init__(
        self,
        body: Body = "",
        code: int = 200,
        headers: HeaderSource | None = None,
        content_type: str | None = None,
    ) -> None:
        # A final response: 1xx are the server's to send (100 Continue), and
        # RFC 9110 §15 defines no code past 599.
        if not 200 <= code <= 599:
            raise ValueError(f"a response's status code must be 200-599, got {code!r}")
        self.code = code
        self.headers: list[tuple[str, str]] = []
        if headers is not None:
            items = headers.items() if isinstance(headers, Mapping) else headers
            for name, value in items:
                self.headers.append((name, value))
        if content_type is not None:
            self.set_header("Content-Type", content_type)
        self._body = b""
        self._stream: AsyncIterable[bytes | str] | None = None
        self.body = body

    @property
    def body(self) -> bytes | AsyncIterable[bytes | str]:
        """The settled body: ``bytes``, or the async iterable to stream."""
        return self._body if self._stream is None else self._stream

    @body.setter
    def body(self, body: Body) -> None:
        stream: AsyncIterable[bytes | str] | None = None
        if isinstance(body, str):
            data, default_type = body.encode("utf-8"), TEXT_TYPE
        elif isinstance(body, bytes | bytearray | memoryview):
            data, default_type = bytes(body), BINARY_TYPE
        elif isinstance(body, dict | list):
            data, default_type = encode_json(body), JSON_TYPE
        elif isinstance(body, AsyncIterable):
            data, default_type, stream = b"", BINARY_TYPE, body
        else:
            raise TypeError(f"unsupported response body type: {type(body).__name__}")
        if self.code in _NO_CONTENT and (data or stream is not None):
            # RFC 9110 §15.3.5/§15.4.5: 204 and 304 end at the header section.
            raise ValueError(f"a {self.code} response cannot have a body")
        self._body, self._stream = data, stream
        if (data or stream is not None) and self.get_header("content-type") is None:
            self.headers.append(("content-type", default_type))

    @property
    def is_streaming(self) -> bool:
        """Whether the body is an async iterable sent as it is produced."""
        return self._stream is not None

    def get_header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        """Replace every header called ``name`` (case-insensitive) with one value."""
        lowered = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lowered]
        self.headers.append((name, value))

    def add_header(self, name: str, value: str) -> None:
        """Append a header, keeping others of that name (``Set-Cookie`` needs this)."""
        self.headers.append((name, value))

    def __repr__(self) -> str:
        kind = "stream" if self._stream is not None else f"{len(self._body)} bytes"
        return f"<Response {self.code} {kind}>"


def to_response(result: object) -> Response:
    """Turn what a handler returned into a ``Response`` (DESIGN.md's return types)."""
    if isinstance(result, Response):
        return result
    if isinstance(result, str | bytes | dict | list):
        return Response(result)
    raise TypeError(
        f"a handler must return str, bytes, dict, list or Response, not {type(result).__name__}"
    )


def error_response(error: HTTPError) -> Response:
    """The plain-text response that an ``HTTPError`` stands for."""
    return Response(error.detail, code=error.status_code, headers=error.headers)
