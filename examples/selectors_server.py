"""A small HTTP/1.1 server on ``selectors`` and ``Connection(SERVER)``.

It shows the embedding loop DESIGN.md sketches, made non-blocking: read
what the socket has, feed it to the connection, answer each complete
request, write what ``send`` returns, and close when the protocol says so.
Keep-alive and pipelining come from ``Connection``; the server only
decides what to answer:

- ``GET /`` answers ``hello`` (a body known up front, sent with
  ``send_complete``: Content-Length);
- ``POST /echo`` streams the request body back in pieces (no framing
  header given, so the connection frames it as chunked);
- anything else is a 404. A malformed request gets the status the parser
  chose, then the connection is closed.

    python examples/selectors_server.py --port 8000
"""

from __future__ import annotations

import argparse
import selectors
import socket
import threading

from sansio_http import (
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    RemoteProtocolError,
    Request,
    Response,
    State,
)

ECHO_PIECE = 16


class _Client:
    """One accepted socket, its protocol state and what it still has to write."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.conn = Connection(SERVER)
        self.outgoing = bytearray()
        self.request: Request | None = None
        self.body = bytearray()
        self.closing = False

    def handle(self, events: list[Event]) -> None:
        """Answer every complete request among ``events`` and what follows it."""
        while events:
            for event in events:
                if isinstance(event, Request):
                    self.request = event
                    self.body = bytearray()
                elif isinstance(event, Data):
                    self.body += event.data
                elif isinstance(event, EndOfMessage):
                    self.respond()
                elif isinstance(event, ConnectionClosed):
                    self.closing = True
                    return
            # A pipelined request already buffered is handed out only now.
            events = self.conn.next_events()

    def respond(self) -> None:
        assert self.request is not None
        method, target = self.request.method, self.request.target
        send = self.conn.send
        if method == b"POST" and target == b"/echo":
            self.outgoing += send(Response(200, [(b"Content-Type", b"application/octet-stream")]))
            body = bytes(self.body)
            for start in range(0, len(body), ECHO_PIECE):
                self.outgoing += send(Data(body[start : start + ECHO_PIECE]))
            self.outgoing += send(EndOfMessage())
        elif target == b"/":
            self.outgoing += self.conn.send_complete(
                Response(200, [(b"Content-Type", b"text/plain")]), b"hello"
            )
        else:
            self.outgoing += self.conn.send_complete(
                Response(404, [(b"Content-Type", b"text/plain")]), b"not found"
            )
        if not self.conn.keep_alive:
            self.closing = True

    def fail(self, error: RemoteProtocolError) -> None:
        """Answer a malformed request with the parser's status, then close."""
        self.closing = True
        if self.conn.our_state is State.SEND_RESPONSE:
            self.outgoing += self.conn.send_complete(
                Response(error.status_code, [(b"Content-Type", b"text/plain")]),
                str(error).encode("ascii", "replace"),
            )


def serve(listener: socket.socket, stop: threading.Event) -> None:
    """Serve on ``listener`` until ``stop`` is set (checked every 50 ms)."""
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    clients: dict[socket.socket, _Client] = {}
    try:
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.05):
                if key.fileobj is listener:
                    sock, _ = listener.accept()
                    sock.setblocking(False)
                    clients[sock] = _Client(sock)
                    selector.register(sock, selectors.EVENT_READ)
                    continue
                client = clients[key.fileobj]  # type: ignore[index]
                _serve_one(client)
                if client.closing and not client.outgoing:
                    selector.unregister(client.sock)
                    client.sock.close()
                    del clients[client.sock]
    finally:
        for client in clients.values():
            client.sock.close()
        selector.close()


def _serve_one(client: _Client) -> None:
    try:
        data = client.sock.recv(65536)
    except ConnectionError:
        client.closing = True
        client.outgoing.clear()
        return
    try:
        client.handle(client.conn.receive_data(data))
    except RemoteProtocolError as error:
        client.fail(error)
    if client.outgoing:
        # Small responses: a blocking send of what is owed keeps the
        # example short; a real server would wait for EVENT_WRITE.
        client.sock.setblocking(True)
        try:
            client.sock.sendall(client.outgoing)
        except ConnectionError:
            client.closing = True
        finally:
            client.sock.setblocking(False)
        client.outgoing.clear()


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--host", default="127.0.0.1")
    arguments.add_argument("--port", type=int, default=8000)
    options = arguments.parse_args()
    listener = socket.create_server((options.host, options.port))
    print(f"serving on http://{options.host}:{listener.getsockname()[1]}")
    try:
        serve(listener, threading.Event())
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()


if __name__ == "__main__":
    main()
