"""``Expect: 100-continue``: the interim response goes out only when the body is wanted."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import pytest

from .apps import make_router
from .helpers import STEP, raw_client, running, url

EXPECT = b"Expect: 100-continue\r\n"


@pytest.fixture
async def server():
    async with running(make_router(), limit_request_body=1000) as server:
        yield server


async def test_continue_then_body_then_response(server):
    async with raw_client(server) as raw:
        await raw.send(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n" + EXPECT + b"\r\n"
        )
        interim = await raw.read_head()
        assert interim.status == 100
        await raw.send(b"hello")
        response = await raw.read_response()
        assert (response.status, response.body) == (200, b"hello")


async def test_no_continue_for_a_missing_route(server):
    async with raw_client(server) as raw:
        await raw.send(
            b"POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n" + EXPECT + b"\r\n"
        )
        response = await raw.read_head()
        assert response.status == 404
        assert response.header("connection") == "close"


async def test_continue_only_when_a_large_body_is_streamed(server):
    """Over the buffering limit, the handler decides: the 100 goes out when it reads."""
    async with raw_client(server) as raw:
        await raw.send(
            b"POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 3000\r\n" + EXPECT + b"\r\n"
        )
        assert (await raw.read_head()).status == 100
        await raw.send(b"q" * 3000)
        assert (await raw.read_response()).body == b"3000"
    async with raw_client(server) as raw:
        # the echo handler reads request.body: over the limit, a 413 and no 100
        await raw.send(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3000\r\n" + EXPECT + b"\r\n"
        )
        response = await raw.read_head()
        assert response.status == 413


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
async def test_curl_sends_its_body_after_the_continue(server):
    result = await asyncio.to_thread(
        subprocess.run,
        [
            "curl",
            "-sS",
            "--max-time",
            str(STEP),
            "-H",
            "Expect: 100-continue",
            "--expect100-timeout",
            str(STEP),
            "--data-binary",
            "@-",
            url(server, "/echo"),
        ],
        input=b"z" * 900,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"z" * 900
