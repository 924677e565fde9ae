"""Request paths reach the router raw: each parameter is decoded once, by the router."""

from __future__ import annotations

import asyncio
import logging

import pytest

from asyncio_adapter import Response
from router import Router

from .helpers import STEP, get, raw_client, running


async def _params(request, **params):
    return {"path": request.path, "params": params}


async def _euro(request):
    return "euro"


async def _lying_length(request):
    return Response("hello", headers={"Content-Length": "3"})


async def _injected_header(request):
    return Response("hello", headers={"X-Bad": "a\r\nInjected: 1"})


async def _short_stream(request):
    async def body():
        yield b"four"

    return Response(body(), headers={"Content-Length": "10"})


@pytest.fixture
async def server():
    router = Router()
    router.add_route("/users/{name}", _params)
    router.add_route("/users/{first}/{second}", _params)
    router.add_route("/files/{rest:path}", _params)
    router.add_route("/€", _euro)
    router.add_route("/lying", _lying_length)
    router.add_route("/injected", _injected_header)
    router.add_route("/short-stream", _short_stream)
    async with running(router) as server:
        yield server


async def test_an_encoded_slash_stays_inside_its_segment(server):
    """RFC 3986 §2.4: decode once, after splitting; %2F is data, not a separator."""
    response = await get(server, "/users/a%2Fb")
    assert response.status == 200
    assert b'"params":{"name":"a/b"}' in response.body


async def test_a_double_encoded_slash_is_decoded_once(server):
    """%252F is "%2F" once decoded: it must not reach a handler as "/" (a traversal bypass)."""
    response = await get(server, "/files/..%252F..%252Fetc")
    assert response.status == 200
    assert b'"rest":"..%2F..%2Fetc"' in response.body


async def test_a_non_ascii_route_matches_its_encoded_path(server):
    response = await get(server, "/%E2%82%AC")
    assert (response.status, response.body) == (200, b"euro")


async def test_request_path_is_the_decoded_path(server):
    response = await get(server, "/users/caf%C3%A9")
    assert (
        b'"path":"/users/caf\\u00e9"' in response.body
        or '"path":"/users/café"'.encode() in response.body
    )


async def test_a_response_the_core_refuses_becomes_a_500(server):
    """A Content-Length that lies about the body is refused before anything is sent."""
    response = await get(server, "/lying")
    assert response.status == 500
    assert (await get(server, "/%E2%82%AC")).body == b"euro"


async def test_a_header_the_core_refuses_is_the_handlers_500_on_a_connection_kept(server, caplog):
    """A CR LF in a header value never reaches the wire (no response splitting);
    the log blames the handler, and the connection serves on."""
    async with raw_client(server) as raw:
        await raw.send(b"GET /injected HTTP/1.1\r\nHost: t\r\n\r\n")
        response = await raw.read_response()
        assert (response.status, response.header("injected")) == (500, None)
        await raw.send(b"GET /%E2%82%AC HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"euro"
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(messages) == 1
    assert messages[0].startswith("Invalid response from handler for GET /injected")


async def test_a_stream_short_of_its_content_length_is_cut(server, caplog):
    async with raw_client(server) as raw:
        await raw.send(b"GET /short-stream HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_head()).status == 200
        assert await asyncio.wait_for(raw.reader.read(), STEP) == b"four"
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(messages) == 1
    assert messages[0].startswith("Invalid response from handler for GET /short-stream")
