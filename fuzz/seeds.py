"""Seed inputs for the fuzz corpus: valid and near-valid messages.

The first byte of each seed picks the split size (see targets.py).
"""

from __future__ import annotations

from pathlib import Path

REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"\r\nGET /a?b=c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    b'5;ext="v"\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n',
    b"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
    b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\ntunnel",
    b"GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
    b"PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok"
    b"GET /next HTTP/1.1\r\nHost: h\r\n\r\n",
]
RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"HTTP/1.0 200 OK\r\n\r\nuntil close",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw",
]


def write_seeds(corpus: Path) -> None:
    """Write the seeds into ``corpus``, keeping whatever it holds already."""
    corpus.mkdir(parents=True, exist_ok=True)
    for index, message in enumerate(REQUESTS + RESPONSES):
        for split in (0, 6, 63):
            (corpus / f"seed-{index}-{split}").write_bytes(bytes([split]) + message)
