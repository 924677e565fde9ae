"""The user-facing ``Request``: what a handler reads about one HTTP request.

As in Starlette, everything that costs something to compute (headers as a
mapping, ``query_params``, ``cookies``, the parsed ``body``) is built on
first use and cached: most handlers touch one or two of them, and the hot
path should not pay for the others.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Protocol
from urllib.parse import parse_qs

from ._errors import HTTPError, RequestBodyTooLarge

FORM_TYPE: Final = "application/x-www-form-urlencoded"
MULTIPART_TYPE: Final = "multipart/form-data"


class BodySource(Protocol):
    """Where ``request.stream()`` gets the part of a body that was not buffered."""

    async def read_body_chunk(self) -> bytes:
        """The next chunk of the body, ``b""`` once it has ended."""
        ...


class RequestHeaders(Mapping[str, str]):
    """Request header fields, looked up case-insensitively, in wire order.

    ``headers[name]`` and ``get`` give the first value (as Starlette does);
    ``get_all`` gives every value of a repeated field. Values are decoded as
    ISO-8859-1, which maps every octet to one character (RFC 9110 §5.5).
    """

    __slots__ = ("_items",)

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self._items = [
            (name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in raw
        ]

    def __getitem__(self, name: str) -> str:
        lowered = name.lower()
        for key, value in self._items:
            if key == lowered:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key for key, _ in self._items))

    def __len__(self) -> int:
        return len({key for key, _ in self._items})

    def get_all(self, name: str) -> list[str]:
        """Every value of the field ``name``, in the order they were received."""
        lowered = name.lower()
        return [value for key, value in self._items if key == lowered]

    def __repr__(self) -> str:
        return f"RequestHeaders({self._items!r})"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A multipart part that came with a filename: kept as bytes, never decoded."""

    filename: str
    content_type: str
    content: bytes


def parse_header_params(value: str) -> tuple[str, dict[str, str]]:
    """Split ``type/subtype; key=value; key="quoted"`` into the lowered value and params.

    RFC 9110 §5.6.6: parameter names are case-insensitive, values may be a
    quoted-string with backslash escapes.
    """
    head, _, rest = value.partition(";")
    params: dict[str, str] = {}
    index, length = 0, len(rest)
    while index < length:
        semicolon = rest.find(";", index)
        equals = rest.find("=", index)
        if equals == -1 or (semicolon != -1 and semicolon < equals):
            index = length if semicolon == -1 else semicolon + 1
            continue
        key = rest[index:equals].strip().lower()
        index = equals + 1
        while index < length and rest[index] in " \t":
            index += 1
        if index < length and rest[index] == '"':
            chars: list[str] = []
            index += 1
            while index < length and rest[index] != '"':
                if rest[index] == "\\" and index + 1 < length:
                    index += 1
                chars.append(rest[index])
                index += 1
            param = "".join(chars)
            semicolon = rest.find(";", index)
        else:
            param = rest[index : semicolon if semicolon != -1 else length].strip()
        if key:
            params[key] = param
        index = length if semicolon == -1 else semicolon + 1
    return head.strip().lower(), params


def parse_cookies(values: Iterable[str]) -> dict[str, str]:
    """Read ``Cookie`` header values (RFC 6265 §5.4) into a dict; the first name wins.

    Pairs without ``=`` are skipped instead of failing the whole header, as
    browsers send whatever other sites' scripts stored.
    """
    cookies: dict[str, str] = {}
    for header in values:
        for pair in header.split(";"):
            name, equals, value = pair.partition("=")
            name = name.strip()
            if not equals or not name:
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            cookies.setdefault(name, value)
    return cookies


def parse_multipart(body: bytes, boundary: str) -> dict[str, list[str | UploadedFile]]:
    """Parse a ``multipart/form-data`` body (RFC 7578) into a dict of lists.

    A part with a filename becomes an ``UploadedFile``; other parts are text
    (UTF-8, RFC 7578 §5.1). Anything malformed is a 400: guessing where a
    part ends is how two parsers come to disagree.
    """
    if not boundary or len(boundary) > 70:  # RFC 2046 §5.1.1: 1 to 70 characters
        raise HTTPError(400, "Malformed multipart body")
    delimiter = b"--" + boundary.encode("latin-1")
    form: dict[str, list[str | UploadedFile]] = {}
    start = body.find(delimiter)
    if start == -1:
        raise HTTPError(400, "Malformed multipart body")
    position = start + len(delimiter)
    while True:
        if body.startswith(b"--", position):
            return form
        if not body.startswith(b"\r\n", position):
            raise HTTPError(400, "Malformed multipart body")
        position += 2
        end = body.find(b"\r\n" + delimiter, position)
        if end == -1:
            raise HTTPError(400, "Malformed multipart body")
        head_end = body.find(b"\r\n\r\n", position, end + 2)
        if head_end == -1:
            raise HTTPError(400, "Malformed multipart body")
        part_headers = RequestHeaders(
            _split_part_header(line) for line in body[position:head_end].split(b"\r\n") if line
        )
        content = body[head_end + 4 : end]
        disposition, params = parse_header_params(part_headers.get("content-disposition", ""))
        name = params.get("name")
        if disposition != "form-data" or name is None:
            raise HTTPError(400, "Malformed multipart body")
        value: str | UploadedFile
        if "filename" in params:
            content_type = part_headers.get("content-type", "application/octet-stream")
            value = UploadedFile(params["filename"], content_type, content)
        else:
            try:
                value = content.decode("utf-8")
            except UnicodeDecodeError:
                raise HTTPError(400, "Multipart field is not UTF-8") from None
        form.setdefault(name, []).append(value)
        position = end + 2 + len(delimiter)


def _split_part_header(line: bytes) -> tuple[bytes, bytes]:
    name, colon, value = line.partition(b":")
    if not colon:
        raise HTTPError(400, "Malformed multipart body")
    return name.strip(), value.strip()


class Request:
    """One HTTP request as a handler sees it.

    ``method``, ``path`` (percent-decoded), ``query_string``, ``path_params``,
    ``client`` and ``http_version`` are plain attributes, as are ``scheme``
    (``https`` under TLS, or as a trusted proxy says), ``raw_path`` (the
    path's bytes as received) and ``server`` (the listening address;
    ``None`` on a Unix socket); ``headers``,
    ``query_params``, ``cookies``, ``body`` and ``body_raw`` are computed on
    first use. The server buffers a body up to its limit before the handler
    runs; past the limit ``body`` and ``body_raw`` raise
    ``RequestBodyTooLarge`` (a 413) and ``stream()`` reads the body instead.
    """

    __slots__ = (
        "_body",
        "_body_parsed",
        "_body_raw",
        "_cookies",
        "_headers",
        "_limit",
        "_prefix",
        "_query_params",
        "_raw_headers",
        "_source",
        "_streamed",
        "client",
        "http_version",
        "method",
        "path",
        "path_params",
        "query_string",
        "raw_path",
        "scheme",
        "server",
    )

    def __init__(
        self,
        method: str,
        path: str,
        query_string: str = "",
        headers: Iterable[tuple[bytes, bytes]] = (),
        body: bytes | None = b"",
        path_params: Mapping[str, object] | None = None,
        client: tuple[str, int] | None = None,
        http_version: str = "1.1",
        source: BodySource | None = None,
        limit: int = 0,
        prefix: bytes = b"",
        scheme: str = "http",
        raw_path: bytes | None = None,
        server: tuple[str, int] | None = None,
    ) -> None:
        self.method = method
        self.scheme = scheme
        self.raw_path = raw_path
        self.server = server
        self.path = path
        self.query_string = query_string
        self.path_params: dict[str, object] = dict(path_params) if path_params else {}
        self.client = client
        self.http_version = http_version
        self._raw_headers = headers
        self._headers: RequestHeaders | None = None
        self._query_params: dict[str, list[str]] | None = None
        self._cookies: dict[str, str] | None = None
        # ``body is None`` means the body was over ``limit``: ``prefix`` holds
        # what was buffered before that was known, ``source`` has the rest.
        self._body_raw = body
        self._source = source
        self._limit = limit
        self._prefix = prefix
        self._body: object = None
        self._body_parsed = False
        self._streamed = False

    @property
    def headers(self) -> RequestHeaders:
        """The header fields, looked up case-insensitively."""
        if self._headers is None:
            self._headers = RequestHeaders(self._raw_headers)
        return self._headers

    @property
    def query_params(self) -> dict[str, list[str]]:
        """The query string as a dict of lists: ``?a=1&a=2`` is ``{"a": ["1", "2"]}``."""
        if self._query_params is None:
            self._query_params = parse_qs(self.query_string, keep_blank_values=True)
        return self._query_params

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies of every ``Cookie`` header, by name."""
        if self._cookies is None:
            self._cookies = parse_cookies(self.headers.get_all("cookie"))
        return self._cookies

    @property
    def body_raw(self) -> bytes:
        """The whole body as bytes; raises ``RequestBodyTooLarge`` past the limit."""
        if self._body_raw is None:
            raise RequestBodyTooLarge(self._limit)
        return self._body_raw

    @property
    def body(self) -> object:
        """The body parsed by its Content-Type, computed once.

        An urlencoded or multipart form gives a dict of lists, JSON
        (``application/json`` or ``+json``) gives the document, anything
        else gives ``None``. A malformed form or document is a 400.
        """
        if not self._body_parsed:
            self._body = self._parse_body(self.body_raw)
            self._body_parsed = True
        return self._body

    def _parse_body(self, raw: bytes) -> object:
        content_type, params = parse_header_params(self.headers.get("content-type", ""))
        if content_type == FORM_TYPE:
            try:
                return parse_qs(
                    raw.decode(params.get("charset", "utf-8")),
                    keep_blank_values=True,
                    strict_parsing=False,
                )
            except (UnicodeDecodeError, LookupError):
                raise HTTPError(400, "Form body is not in its charset") from None
        if content_type == MULTIPART_TYPE:
            return parse_multipart(raw, params.get("boundary", ""))
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                return json.loads(raw)
            except ValueError:  # JSONDecodeError and UnicodeDecodeError both
                raise HTTPError(400, "Malformed JSON body") from None
        return None

    async def stream(self) -> AsyncIterator[bytes]:
        """Yield the body in chunks as they arrive, without the buffering limit.

        For a body the server already buffered this yields it at once. A
        streamed body can be read once; a client waiting for
        ``100 Continue`` is sent it when the first chunk is asked for.
        """
        if self._body_raw is not None:
            if self._body_raw:
                yield self._body_raw
            return
        if self._streamed:
            raise RuntimeError("the request body was already streamed")
        self._streamed = True
        if self._prefix:
            yield self._prefix
        if self._source is not None:
            while chunk := await self._source.read_body_chunk():
                yield chunk

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path!r}>"
