"""Bad requests, from raw sockets: the status the core chose, a close, and service goes on."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import struct

import pytest

from asyncio_adapter import Response
from router import Router

from .apps import hello, make_router
from .helpers import STEP, get, raw_client, running


@pytest.fixture
async def server():
    async with running(make_router(), limit_request_body=1000) as server:
        yield server


BAD_REQUESTS = {
    400: b"GARBAGE\r\n\r\n",
    414: b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n",
    431: b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
    501: b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    505: b"GET / HTTP/2.0\r\nHost: t\r\n\r\n",
}


@pytest.mark.parametrize("status", sorted(BAD_REQUESTS))
async def test_protocol_error_gets_its_status_then_close(server, status):
    async with raw_client(server) as raw:
        await raw.send(BAD_REQUESTS[status])
        response = await raw.read_response()
        assert response.status == status
        assert response.header("connection") == "close"
        assert await raw.at_eof()
    assert (await get(server)).body == b"hello"


async def test_body_over_the_limit_is_a_413_when_read(server):
    async with raw_client(server) as raw:
        await raw.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n")
        await raw.send(b"x" * 2000)
        response = await raw.read_response()
        assert response.status == 413
    assert (await get(server)).body == b"hello"


async def test_chunked_body_over_the_limit_is_a_413_when_read(server):
    async with raw_client(server) as raw:
        chunk = b"258\r\n" + b"y" * 600 + b"\r\n"
        await raw.send(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunk * 3
            + b"0\r\n\r\n"
        )
        response = await raw.read_response()
        assert response.status == 413


async def test_stream_reads_a_body_over_the_limit(server):
    async with raw_client(server) as raw:
        await raw.send(b"POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n")
        for _ in range(5):
            await raw.send(b"z" * 1000)
        response = await raw.read_response()
        assert response.body == b"5000"
        # the body was read to its end, so the connection is reusable
        await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"hello"


async def test_unread_body_closes_the_connection(server):
    """Answering before the body is read leaves the framing unknown: close (RFC 9112 §9.3)."""
    async with raw_client(server) as raw:
        await raw.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\nabc")
        response = await raw.read_response()
        assert response.body == b"hello"
        assert response.header("connection") == "close"
        assert await raw.at_eof()


async def test_bad_percent_encoding_is_a_400(server):
    async with raw_client(server) as raw:
        await raw.send(b"GET /info/%ff HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).status == 400


async def test_absolute_form_target_is_routed_by_its_path(server):
    async with raw_client(server) as raw:
        await raw.send(
            b"GET http://example.test/info/abs?x=1 HTTP/1.1\r\nHost: example.test\r\n\r\n"
        )
        response = await raw.read_response()
        assert response.status == 200
        assert b'"path":"/info/abs"' in response.body
        await raw.send(b"GET ftp://example.test/ HTTP/1.1\r\nHost: example.test\r\n\r\n")
        assert (await raw.read_response()).status == 400


async def test_connect_is_not_implemented_and_what_follows_is_not_read(server):
    """No route can be a tunnel: 501 (RFC 9110 §15.6.2), then close.

    The bytes after the head may be the tunnel's: a request among them is
    not answered. The server goes on serving other connections.
    """
    async with raw_client(server) as raw:
        await raw.send(
            b"CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n"
            b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        response = await raw.read_response()
        assert (response.status, response.header("connection")) == (501, "close")
        assert await raw.at_eof()
    assert (await get(server)).body == b"hello"


async def test_options_asterisk_is_answered_with_the_methods_of_the_routes():
    """RFC 9110 §9.3.7: OPTIONS * asks about the server; a GET route adds HEAD."""
    router = Router()
    router.add_route("/items", hello, methods=["POST", "GET"])
    router.add_route("/items/{id}", hello, methods=["DELETE"])
    router.add_route("/anything", hello)  # every method: names none
    async with running(router) as server, raw_client(server) as raw:
        await raw.send(b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
        response = await raw.read_response()
        assert response.status == 200
        assert response.header("allow") == "DELETE, GET, HEAD, POST"
        assert (response.header("content-length"), response.body) == ("0", b"")
        # The same connection goes on: OPTIONS * is a request like any other.
        await raw.send(b"GET /items HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).status == 200


async def test_the_asterisk_target_is_for_options_only(server):
    """RFC 9112 §3.2.4: ``GET *`` is a 400, and the connection closes."""
    async with raw_client(server) as raw:
        await raw.send(b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
        response = await raw.read_response()
        assert (response.status, response.header("allow")) == (200, "GET, HEAD")
        await raw.send(b"GET * HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).status == 400
        assert await raw.at_eof()


async def test_options_of_an_absolute_uri_without_a_path_is_the_server_wide_one(server):
    """RFC 9112 §3.2.4: what the last proxy would forward as ``OPTIONS *``."""
    async with raw_client(server) as raw:
        await raw.send(b"OPTIONS http://t HTTP/1.1\r\nHost: t\r\n\r\n")
        response = await raw.read_response()
        assert (response.status, response.header("allow")) == (200, "GET, HEAD")
        # With a path, or a query, it asks about that resource, and is routed.
        await raw.send(b"OPTIONS http://t/only-get HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).status == 405
        await raw.send(b"OPTIONS http://t?x HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"hello"  # "/", which takes any method


async def test_options_asterisk_with_routes_that_are_not_a_router_has_no_allow():
    class Everything:
        def match(self, method, path):
            raise AssertionError("OPTIONS * is not routed")

    async with running(Everything()) as server, raw_client(server) as raw:
        await raw.send(b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
        response = await raw.read_response()
        assert (response.status, response.header("allow")) == (200, None)


async def test_disconnect_mid_head_mid_body_and_mid_response(server, caplog):
    with caplog.at_level(logging.ERROR, logger="asyncio_adapter.error"):
        async with raw_client(server) as raw:
            await raw.send(b"GET / HTT")
        async with raw_client(server) as raw:
            await raw.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        async with raw_client(server) as raw:
            await raw.send(b"GET /chunks HTTP/1.1\r\nHost: t\r\n\r\n")
            await raw.read_head()
        async with raw_client(server) as raw:
            await raw.send(b"POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\nabc")
            await asyncio.sleep(0.01)
            raw.writer.transport.abort()
        await asyncio.sleep(0.05)
        assert (await get(server)).body == b"hello"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(server.connections) == 0


async def test_a_connection_that_ends_before_its_first_byte_is_let_go(server):
    """Its task starts with the first bytes; a close or half-close with none still ends it."""
    async with raw_client(server):
        pass
    async with raw_client(server) as half_closed:
        half_closed.writer.write_eof()
        assert await half_closed.at_eof()
    async with raw_client(server) as reset:
        # A zero linger: the close is a TCP reset, so the server sees no EOF first.
        sock = reset.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    deadline = asyncio.get_running_loop().time() + STEP
    while server.connections:
        assert asyncio.get_running_loop().time() < deadline, "a connection was never let go"
        await asyncio.sleep(0.005)
    assert (await get(server)).body == b"hello"


async def test_limit_concurrency_answers_503(server):
    async with running(make_router(), limit_concurrency=1) as limited:
        async with raw_client(limited) as first, raw_client(limited) as second:
            await first.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await first.read_response()).status == 200
            await second.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            response = await second.read_response()
            assert response.status == 503
            assert await second.at_eof()
        await asyncio.sleep(0.05)
        assert (await get(limited)).status == 200


class BrokenRoutes:
    def match(self, method, path):
        raise RuntimeError("a bug in the router")


async def test_a_failing_router_is_a_500_and_a_close(caplog):
    with caplog.at_level(logging.ERROR, logger="asyncio_adapter.error"):
        async with running(BrokenRoutes()) as broken, raw_client(broken) as raw:
            await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            response = await raw.read_response()
            assert response.status == 500
            assert b"bug" not in response.body
            assert await raw.at_eof()
    assert any("a bug in the router" in (r.exc_text or "") for r in caplog.records)


async def test_an_error_response_survives_a_client_that_keeps_sending(server):
    """Lingering close (RFC 9112 §9.6): the 413 must not be lost to a TCP reset
    while the client is still uploading the body the server refused."""
    async with raw_client(server) as raw:
        await raw.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4000000\r\n\r\n")

        async def upload():
            try:
                for _ in range(40):
                    await raw.send(b"u" * 100_000)
            except ConnectionError:
                pass

        uploading = asyncio.create_task(upload())
        await asyncio.sleep(0.05)
        response = await raw.read_response()
        assert response.status == 413
        assert response.header("connection") == "close"
        await asyncio.wait_for(uploading, STEP)
        assert await raw.at_eof()


async def test_a_peer_reset_before_the_lingering_close_ends_the_task_cleanly(server):
    """After an answer sent before its body, the server half-closes; a peer that
    reset the connection first makes that shutdown fail (ENOTCONN)."""

    def reset():
        raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")

    async with raw_client(server) as raw:
        await raw.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n")
        for _ in range(100):
            if server.connections:
                break
            await asyncio.sleep(0.01)
        (connection,) = server.connections
        connection.transport.write_eof = reset
        await raw.send(b"\r\nabc")
        assert (await raw.read_response()).body == b"hello"
        task = connection._task
        await asyncio.wait_for(task, STEP)  # raises what the task raised
    assert (await get(server)).body == b"hello"


async def test_a_keep_alive_the_handler_set_gives_way_to_the_servers_close():
    """The body was not read, so the server closes: the response must say so."""

    async def hasty(request):
        return Response("early", headers={"Connection": "keep-alive"})

    router = Router()
    router.add_route("/", hasty, methods=["POST"])
    async with running(router, limit_request_body=1000) as server, raw_client(server) as raw:
        await raw.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\nabc")
        response = await raw.read_response()
        assert response.body == b"early"
        assert [value for name, value in response.headers if name.lower() == "connection"] == [
            "close"
        ]
        assert await raw.at_eof()
