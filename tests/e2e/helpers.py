"""Shared pieces of the end-to-end tests: a server on 127.0.0.1:0, raw HTTP clients."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from asyncio_adapter import Config, Server

#: Every read and connect in these tests is bounded by this, so a hang fails fast.
STEP = 5.0


@contextlib.asynccontextmanager
async def running(routes, *, clock=None, **options):
    """A started server on 127.0.0.1 with an OS-chosen port, stopped on exit."""
    options.setdefault("access_log", False)
    server = Server(routes, Config(host="127.0.0.1", port=0, **options), clock=clock)
    await server.start()
    try:
        yield server
    finally:
        await server.shutdown(grace_period=1.0)


def url(server, path="/"):
    host, port = server.address
    return f"http://{host}:{port}{path}"


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class RawClient:
    """A socket that sends exactly the bytes given: for what real clients refuse to send."""

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, server):
        host, port = server.address
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), STEP)
        return cls(reader, writer)

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def read_head(self):
        raw = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), STEP)
        lines = raw.decode("latin-1").split("\r\n")
        _version, status, reason = ([*lines[0].split(" ", 2), ""])[:3]
        headers = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers.append((name, value.strip()))
        return RawResponse(int(status), reason, headers)

    async def read_response(self, *, head_request=False):
        response = await self.read_head()
        while response.status == 100:
            response = await self.read_head()
        length = response.header("content-length")
        if head_request or response.status in (204, 304):
            return response
        if length is not None:
            response.body = await asyncio.wait_for(self.reader.readexactly(int(length)), STEP)
        elif response.header("transfer-encoding") == "chunked":
            chunks = []
            while True:
                size_line = await asyncio.wait_for(self.reader.readuntil(b"\r\n"), STEP)
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    await asyncio.wait_for(self.reader.readuntil(b"\r\n"), STEP)
                    break
                chunks.append(await asyncio.wait_for(self.reader.readexactly(size + 2), STEP))
            response.body = b"".join(chunk[:-2] for chunk in chunks)
        else:
            response.body = await asyncio.wait_for(self.reader.read(), STEP)
        return response

    async def at_eof(self):
        """Whether the server closed: reads (bounded) until EOF, expecting no bytes."""
        data = await asyncio.wait_for(self.reader.read(), STEP)
        return data == b""

    async def close(self):
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


@contextlib.asynccontextmanager
async def raw_client(server):
    client = await RawClient.connect(server)
    try:
        yield client
    finally:
        await client.close()


async def get(server, path="/"):
    """One plain GET on a fresh connection: proves the server still serves."""
    async with raw_client(server) as client:
        await client.send(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        return await client.read_response()
