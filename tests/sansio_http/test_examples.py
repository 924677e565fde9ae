"""The two embedding examples, run against each other on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from examples.blocking_client import Client
from examples.selectors_server import ECHO_PIECE, serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(listener, stop), daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[:2]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
    assert not thread.is_alive()


def test_keep_alive_connection_carries_a_sized_and_a_chunked_response(server):
    body = bytes(range(256)) * 3
    with Client(*server) as client:
        first = client.fetch("/")
        echoed = client.fetch("/echo", method="POST", body=body)
        missing = client.fetch("/missing")
        assert client.conn.keep_alive
    assert (first.status_code, first.body) == (200, b"hello")
    assert (b"Content-Length", b"5") in first.headers
    assert echoed.status_code == 200
    assert echoed.body == body
    assert (b"Transfer-Encoding", b"chunked") in echoed.headers
    assert len(body) > ECHO_PIECE  # so the echo really came in several chunks
    assert missing.status_code == 404


def test_pipelined_requests_are_answered_in_order(server):
    with socket.create_connection(server, timeout=5) as sock:
        sock.sendall(
            b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        received = b""
        for _ in range(100):
            data = sock.recv(65536)
            if not data:
                break
            received += data
    assert received.index(b"404 Not Found") < received.index(b"200 OK")
    assert received.endswith(b"hello")


def test_malformed_request_gets_the_parsers_status_and_a_close(server):
    with socket.create_connection(server, timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")
        received = b""
        for _ in range(100):
            data = sock.recv(65536)
            if not data:
                break
            received += data
    assert received.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close\r\n" in received


def test_client_command_line_against_the_server(server):
    host, port = server
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "blocking_client.py"),
            f"http://{host}:{port}/",
            f"http://{host}:{port}/echo",
            "--data",
            "ping" * 10,
        ],
        capture_output=True,
        timeout=30,
        check=True,
        cwd=ROOT,
    )
    lines = result.stdout.decode().splitlines()
    assert lines == [
        f"http://{host}:{port}/ -> 200",
        "hello",
        f"http://{host}:{port}/echo -> 200",
        "ping" * 10,
    ]
