"""Request paths reach the router raw: each parameter is decoded once, by the router."""

from __future__ import annotations

import pytest

from asyncio_adapter import Response
from router import Router

from .helpers import get, running


async def _params(request, **params):
    return {"path": request.path, "params": params}


async def _euro(request):
    return "euro"


async def _lying_length(request):
    return Response("hello", headers={"Content-Length": "3"})


@pytest.fixture
async def server():
    router = Router()
    router.add_route("/users/{name}", _params)
    router.add_route("/users/{first}/{second}", _params)
    router.add_route("/files/{rest:path}", _params)
    router.add_route("/€", _euro)
    router.add_route("/lying", _lying_length)
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
