"""The ceiling in ``bench/server.py``: an ``asyncio.Protocol`` that parses nothing.

It answers every ``\\r\\n\\r\\n`` it sees with one fixed response, and closes
after a request that said ``Connection: close``. No server that parses HTTP
can beat it on the same loop; it measures what the event loop itself costs.
"""

from __future__ import annotations

import asyncio
from typing import cast

from server_runner import run_server

RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 13\r\n\r\nHello, world!"
)
CLOSING = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 13\r\nconnection: close\r\n\r\nHello, world!"
)


class Fixed(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.pending = b""

    def data_received(self, data: bytes) -> None:
        data = self.pending + data
        count = data.count(b"\r\n\r\n")
        self.pending = data[data.rfind(b"\r\n\r\n") + 4 :] if count else data
        if not count:
            return
        if b"onnection: close" in data or b"onnection: Close" in data:
            self.transport.write(RESPONSE * (count - 1) + CLOSING)
            self.transport.close()
        else:
            self.transport.write(RESPONSE * count)


async def start(port: int) -> asyncio.AbstractServer:
    loop = asyncio.get_running_loop()
    return await loop.create_server(Fixed, "127.0.0.1", port, backlog=2048)


if __name__ == "__main__":
    run_server(start)
