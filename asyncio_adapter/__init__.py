"""The thin asyncio layer: a server, the App/Request/Response API, a CLI."""

from __future__ import annotations

from ._app import App
from ._asgi import ClientDisconnected
from ._config import Config
from ._errors import HTTPError, RequestBodyTooLarge
from ._request import Request, RequestHeaders, UploadedFile
from ._response import Response
from ._server import Server

__all__ = [
    "App",
    "ClientDisconnected",
    "Config",
    "HTTPError",
    "Request",
    "RequestBodyTooLarge",
    "RequestHeaders",
    "Response",
    "Server",
    "UploadedFile",
]
