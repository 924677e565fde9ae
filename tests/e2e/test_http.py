"""The server through real sockets: httpx for what clients do, raw bytes for the rest."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import subprocess

import httpx
import pytest

from .apps import make_router
from .helpers import get, raw_client, running, url


@pytest.fixture
async def server():
    async with running(make_router()) as server:
        yield server


@pytest.fixture
async def client(server):
    async with httpx.AsyncClient(base_url=url(server), timeout=5.0) as client:
        yield client


async def test_handler_return_types(client):
    response = await client.get("/")
    assert (response.status_code, response.text) == (200, "hello")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "date" in response.headers

    response = await client.get("/bytes")
    assert response.content == b"\x00\xff"
    assert response.headers["content-type"] == "application/octet-stream"

    response = await client.get("/list")
    assert response.json() == [1, 2, 3]
    assert response.headers["content-type"] == "application/json"

    response = await client.get("/custom")
    assert response.status_code == 201
    assert response.text == "<p>hi</p>"
    assert response.headers["content-type"] == "text/html"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]


async def test_request_attributes(client):
    response = await client.get(
        "/info/J%C3%BCrgen?a=1&a=2&b=",
        headers={"User-Agent": "tester", "Cookie": "k=v; x=y"},
    )
    assert response.json() == {
        "method": "GET",
        "path": "/info/Jürgen",
        "query": {"a": ["1", "2"], "b": [""]},
        "params": {"name": "Jürgen"},
        "cookies": {"k": "v", "x": "y"},
        "agent": "tester",
    }


async def test_forms_and_json_bodies(client):
    response = await client.post("/form", data={"name": "ada", "password": "pw"})
    assert response.json() == {"name": ["ada"], "password": ["pw"]}
    response = await client.post("/form", files={"f": ("a.txt", b"data")}, data={"n": "1"})
    assert response.json() == {"n": ["1"], "f": ["a.txt:data"]}
    response = await client.post("/echo", content=b"x" * 100_000)
    assert response.content == b"x" * 100_000


async def test_streamed_response_is_chunked(client):
    response = await client.get("/chunks")
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.text == "part0;part1;part2;"


async def test_head_gets_the_get_headers_without_a_body(server):
    async with raw_client(server) as raw:
        await raw.send(
            b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\nHEAD /chunks HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        plain = await raw.read_response(head_request=True)
        assert (plain.status, plain.header("content-length")) == (200, "5")
        streamed = await raw.read_response(head_request=True)
        assert streamed.status == 200
        await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        after = await raw.read_response()
        assert after.body == b"hello"  # no stray body bytes came before it


async def test_not_found_method_not_allowed_and_redirect(client):
    response = await client.get("/nowhere")
    assert response.status_code == 404
    response = await client.post("/only-get")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    response = await client.get("/dir?q=1")
    assert response.status_code == 308
    assert response.headers["location"] == "/dir/?q=1"


async def test_http_error_and_handler_exception(client, caplog):
    response = await client.get("/teapot")
    assert (response.status_code, response.text) == (418, "short and stout")
    with caplog.at_level(logging.ERROR, logger="asyncio_adapter.error"):
        response = await client.get("/boom")
    assert response.status_code == 500
    assert "secret" not in response.text
    assert any("secret internal detail" in r.exc_text for r in caplog.records if r.exc_text)
    response = await client.get("/none")
    assert response.status_code == 500
    response = await client.get("/unencodable")
    assert response.status_code == 500
    # the same connection goes on
    assert (await client.get("/")).text == "hello"


async def test_keep_alive_reuses_one_connection(server):
    async with raw_client(server) as raw:
        for _ in range(3):
            await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await raw.read_response()).body == b"hello"


async def test_pipelined_requests_get_responses_in_order(server):
    async with raw_client(server) as raw:
        await raw.send(
            b"GET /info/one HTTP/1.1\r\nHost: t\r\n\r\n"
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
            b"GET /info/three HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        first = await raw.read_response()
        second = await raw.read_response()
        third = await raw.read_response()
    assert json.loads(first.body)["params"] == {"name": "one"}
    assert second.body == b"abc"
    assert json.loads(third.body)["params"] == {"name": "three"}


async def test_many_pipelined_requests_with_a_client_that_reads_late(server):
    """Back-pressure: the server stops reading while it owes responses, loses none."""
    count = 2000
    async with raw_client(server) as raw:
        await raw.send(b"GET /info/x HTTP/1.1\r\nHost: t\r\n\r\n" * count)
        await asyncio.sleep(0.05)
        bodies = [(await raw.read_response()).body for _ in range(count)]
    assert len(bodies) == count
    assert all(json.loads(body)["path"] == "/info/x" for body in bodies)


async def test_chunked_request_body(server):
    async with raw_client(server) as raw:
        await raw.send(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
        )
        await asyncio.sleep(0.01)
        await raw.send(b"2;ext=1\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n")
        response = await raw.read_response()
    assert (response.status, response.body) == (200, b"abcde")


async def test_http_1_0_closes_after_the_response(server):
    async with raw_client(server) as raw:
        await raw.send(b"GET / HTTP/1.0\r\n\r\n")
        response = await raw.read_response()
        assert response.body == b"hello"
        assert await raw.at_eof()


async def test_connection_close_is_honoured(server):
    response = await get(server)
    assert response.body == b"hello"


async def test_proxy_headers_are_ignored_unless_enabled(server):
    async with raw_client(server) as raw:
        await raw.send(b"GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.5\r\n\r\n")
        assert json.loads((await raw.read_response()).body)[0] == "127.0.0.1"
    async with running(make_router(), proxy_headers=True) as proxied, raw_client(proxied) as raw:
        await raw.send(
            b"GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 6.6.6.6, 203.0.113.5\r\n\r\n"
        )
        assert json.loads((await raw.read_response()).body) == ["203.0.113.5", 0]


async def test_access_log_line_per_request(caplog):
    with caplog.at_level(logging.INFO, logger="asyncio_adapter.access"):
        async with running(make_router(), access_log=True) as logged, raw_client(logged) as raw:
            await raw.send(b"GET /info/x?y=1 HTTP/1.1\r\nHost: t\r\n\r\n")
            body = (await raw.read_response()).body
            await raw.send(b"GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")
            await raw.read_response()
    lines = [r.getMessage() for r in caplog.records if r.name == "asyncio_adapter.access"]
    assert len(lines) == 2
    assert f'"GET /info/x?y=1 HTTP/1.1" 200 {len(body)} ' in lines[0]
    assert lines[0].startswith("127.0.0.1:")
    assert '"GET /nowhere HTTP/1.1" 404 9 ' in lines[1]


async def test_httpx_chunked_upload_and_streamed_download(client):
    async def upload():
        for part in (b"one,", b"two,", b"three"):
            yield part

    response = await client.post("/echo", content=upload())
    assert response.content == b"one,two,three"
    async with client.stream("GET", "/chunks") as streamed:
        parts = [part async for part in streamed.aiter_bytes()]
    assert b"".join(parts) == b"part0;part1;part2;"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
async def test_curl_chunked_upload_and_keep_alive(server):
    result = await asyncio.to_thread(
        subprocess.run,
        [
            "curl",
            "-sS",
            "--max-time",
            "5",
            "-H",
            "Transfer-Encoding: chunked",
            "--data-binary",
            "@-",
            url(server, "/echo"),
            "--next",
            url(server, "/"),
        ],
        input=b"chunked from curl",
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"chunked from curlhello"
