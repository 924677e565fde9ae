"""Fetch URLs with ``Connection(CLIENT)`` over a plain blocking socket.

URLs on the same host and port share one keep-alive connection, as a
browser's would; the response bodies are printed. ``--data`` POSTs a
body to every URL instead of GETting it.

    python examples/blocking_client.py http://127.0.0.1:8000/ http://127.0.0.1:8000/echo
"""

from __future__ import annotations

import argparse
import socket
import sys
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sansio_http import (
    CLIENT,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Request,
    Response,
)

RECEIVE_SIZE = 65536


@dataclass
class Reply:
    """A complete response: its head and its body."""

    status_code: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    trailers: list[tuple[bytes, bytes]] = field(default_factory=list)


class Client:
    """One keep-alive connection to one host, fetching in turn."""

    def __init__(self, host: str, port: int, *, timeout: float = 10.0) -> None:
        self.authority = f"{host}:{port}"
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.conn = Connection(CLIENT)

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, target: str, *, method: str = "GET", body: bytes | None = None) -> Reply:
        """Send one request and read its whole response."""
        if not self.conn.keep_alive:
            raise ConnectionError("the server closed this connection; open a new Client")
        headers = [("Host", self.authority), ("User-Agent", "sansio-http-example")]
        request = Request(method, target, headers)
        self.sock.sendall(self.conn.send_complete(request, body or b""))
        reply: Reply | None = None
        body_parts: list[bytes] = []
        while True:
            data = self.sock.recv(RECEIVE_SIZE)
            for event in self.conn.receive_data(data):
                if isinstance(event, Response):
                    reply = Reply(event.status_code, list(event.headers.raw_items()))
                elif isinstance(event, Data):
                    body_parts.append(event.data)
                elif isinstance(event, EndOfMessage):
                    assert reply is not None
                    reply.body = b"".join(body_parts)
                    reply.trailers = list(event.headers)
                    return reply
                elif isinstance(event, ConnectionClosed):
                    raise ConnectionError("the server closed before answering")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("urls", nargs="+", help="http:// URLs")
    arguments.add_argument("--data", help="POST this body instead of GET")
    options = arguments.parse_args()
    clients: dict[tuple[str, int], Client] = {}
    try:
        for url in options.urls:
            parts = urlsplit(url)
            if parts.scheme != "http" or not parts.hostname:
                sys.exit(f"only http:// URLs, got {url!r}")
            key = (parts.hostname, parts.port or 80)
            client = clients.get(key)
            if client is None or not client.conn.keep_alive:
                client = clients[key] = Client(*key)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            if options.data is None:
                reply = client.fetch(target)
            else:
                reply = client.fetch(target, method="POST", body=options.data.encode())
            print(f"{url} -> {reply.status_code}")
            sys.stdout.buffer.write(reply.body + b"\n")
    finally:
        for client in clients.values():
            client.close()


if __name__ == "__main__":
    main()
