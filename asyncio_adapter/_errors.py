"""Exceptions that a handler (or the ``Request`` it reads) raises to answer with an error.

::

    HTTPError            answered with its status_code, detail and headers
      RequestBodyTooLarge  413: the body is over the server's buffering limit

Peer protocol errors are ``sansio_http.RemoteProtocolError``; routing
misses are ``router.NotFound`` / ``router.MethodNotAllowed``. The server
turns all of them into responses; anything else a handler raises is a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus


class HTTPError(Exception):
    """Stop the handler and answer ``status_code`` with a short plain-text body.

    ``detail`` defaults to the status's reason phrase, so nothing about the
    server's internals reaches the client unless the handler puts it there.
    """

    def __init__(
        self,
        status_code: int,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if detail is None:
            try:
                detail = HTTPStatus(status_code).phrase
            except ValueError:
                detail = ""
        super().__init__(status_code, detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = dict(headers) if headers is not None else {}


class RequestBodyTooLarge(HTTPError):
    """The body is over the limit the server buffers for ``request.body`` (413).

    ``request.stream()`` still reads such a body, chunk by chunk.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body is larger than {limit} bytes")
        self.limit = limit
