"""The ASGI bridge with real Starlette and FastAPI applications, through httpx."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import struct
import time

import httpx
import pytest

from asyncio_adapter._asgi import ASGIRoutes, LifespanFailure, is_asgi_application

from . import asgi_apps
from .asgi_apps import DONE, bare, failing_lifespan, fastapi_app, starlette_app
from .helpers import STEP, get, raw_client, running
from .test_cli import ServerProcess


@contextlib.asynccontextmanager
async def serving(app, **options):
    """The app behind the bridge, with its lifespan, as ``App.serve`` runs it."""
    routes = ASGIRoutes(app)
    await routes.startup()
    try:
        async with running(routes, limit_request_body=0, **options) as server:
            host, port = server.address
            async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=STEP) as client:
                yield server, client
    finally:
        await routes.shutdown()


async def until(predicate):
    deadline = time.monotonic() + STEP
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


@pytest.fixture(autouse=True)
def _clean_done():
    DONE.clear()


async def test_starlette_routing_parameters_and_lifespan_state():
    async with serving(starlette_app) as (_, client):
        home = await client.get("/")
        assert (home.status_code, home.text) == (200, "hello from lifespan")
        user = (await client.get("/users/42?a=1&b=x%20y")).json()
        assert user == {
            "id": 42,
            "query": {"a": "1", "b": "x y"},
            "scheme": "http",
            "client": "127.0.0.1",
            "raw_path": "/users/42",
            "path": "/users/42",
        }
        assert (await client.get("/users/abc")).status_code == 404
        assert (await client.post("/users/1")).status_code == 405
    assert DONE == ["shutdown"]


async def test_starlette_bodies_json_form_and_streamed_requests():
    async with serving(starlette_app) as (_, client):
        assert (await client.post("/json", json={"a": [1, 2]})).json() == {"got": {"a": [1, 2]}}
        form = await client.post("/form", data={"name": "ada", "tag": ["x", "y"]})
        assert form.json() == {"name": ["ada"], "tag": ["x", "y"]}
        big = b"z" * (3 << 20)  # past the App's 1 MiB buffer: the bridge does not buffer
        assert (await client.put("/count", content=big)).json()["bytes"] == len(big)

        async def upload():
            for _ in range(50):
                yield b"a" * 1000

        streamed = await client.post("/count", content=upload())  # chunked
        assert streamed.json()["bytes"] == 50_000


async def test_starlette_streaming_response_is_chunked():
    async with serving(starlette_app) as (_, client):
        async with client.stream("GET", "/numbers") as response:
            assert response.headers["transfer-encoding"] == "chunked"
            lines = [line async for line in response.aiter_lines() if line]
        assert lines == ["0", "1", "2", "3", "4"]


async def test_background_tasks_run_after_the_response():
    async with serving(starlette_app) as (_, client):
        assert (await client.get("/later")).text == "queued"
        await until(lambda: "starlette task" in DONE)
    async with serving(fastapi_app) as (_, client):
        assert (await client.post("/notify")).json() == {"queued": True}
        await until(lambda: "fastapi task" in DONE)


async def test_exceptions_become_500_and_the_server_goes_on():
    async with serving(starlette_app) as (_, client):
        crash = await client.get("/boom")
        assert crash.status_code == 500
        assert "secret" not in crash.text
        assert (await client.get("/")).status_code == 200
    async with serving(fastapi_app) as (_, client):
        assert (await client.get("/crash")).status_code == 500
        missing = await client.get("/missing")
        assert (missing.status_code, missing.json()) == (404, {"detail": "no such thing"})


async def test_head_gets_the_get_headers_and_no_body():
    async with serving(starlette_app) as (_, client):
        head = await client.head("/")
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == str(len("hello from lifespan"))
        assert (await client.get("/")).status_code == 200  # the connection is still good


async def test_fastapi_path_query_json_and_form():
    async with serving(fastapi_app) as (_, client):
        assert (await client.get("/items/5?q=x")).json() == {"item_id": 5, "q": "x"}
        invalid = await client.get("/items/five")
        assert invalid.status_code == 422
        created = await client.post("/items", json={"name": "pen", "price": 2.5})
        assert created.json() == {"name": "pen", "with_tax": 3.0}
        login = await client.post("/login", data={"username": "ada", "password": "secret"})
        assert login.json() == {"user": "ada", "length": 6}
        docs = await client.get("/openapi.json")
        assert "/items/{item_id}" in docs.json()["paths"]


async def test_a_bare_asgi_app_without_lifespan_or_length_and_the_disconnect():
    async with serving(bare) as (_, client):
        response = await client.post("/", content=b"body")
        assert (response.status_code, response.text) == (201, "got:body")
        assert response.headers["x-seen"] == "yes"
        assert response.headers["transfer-encoding"] == "chunked"
        assert "content-type" not in response.headers  # nothing the app did not say
        await until(lambda: DONE == ["http.disconnect"])


async def test_expect_100_continue_is_answered_when_the_app_reads():
    async with serving(starlette_app) as (server, _), raw_client(server) as raw:
        await raw.send(
            b"POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        )
        assert (await raw.read_head()).status == 100
        await raw.send(b"hello")
        response = await raw.read_response()
        assert response.status == 200
        assert b'"bytes":5' in response.body


async def test_a_failed_lifespan_startup_raises_with_the_message():
    with pytest.raises(LifespanFailure, match="database unreachable"):
        await ASGIRoutes(failing_lifespan).startup()


def test_the_cli_serves_an_asgi_app_and_stops_on_a_failed_startup():
    server = ServerProcess("tests.e2e.asgi_apps:starlette_app", "--no-access-log")
    server.wait_ready()
    try:
        with httpx.Client(base_url=server.base, timeout=STEP) as client:
            assert client.get("/").text == "hello from lifespan"
    finally:
        code, log = server.finish(signal.SIGTERM)
    assert code == 0, log
    failing = ServerProcess("tests.e2e.asgi_apps:failing_lifespan")
    code, log = failing.finish()
    assert code == 3, log
    assert "ASGI lifespan startup failed: database unreachable" in log
    assert "Serving on" not in log


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (starlette_app, True),
        (fastapi_app, True),
        (bare, True),
        (asgi_apps.home, False),  # a handler: one parameter
        (print, False),
        ("not callable", False),
    ],
)
def test_what_counts_as_an_asgi_application(value, expected):
    assert is_asgi_application(value) is expected


async def test_proxy_headers_set_the_scopes_client_and_scheme():
    async with serving(starlette_app, proxy_headers=True) as (_, client):
        headers = {"x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"}
        seen = (await client.get("/users/1", headers=headers)).json()
        assert (seen["client"], seen["scheme"]) == ("203.0.113.7", "https")
        forwarded = {"forwarded": 'for="[2001:db8::5]:99";proto=https'}
        seen = (await client.get("/users/1", headers=forwarded)).json()
        assert (seen["client"], seen["scheme"]) == ("2001:db8::5", "https")
    async with serving(starlette_app) as (_, client):  # off by default
        seen = (await client.get("/users/1", headers=headers)).json()
        assert (seen["client"], seen["scheme"]) == ("127.0.0.1", "http")


async def test_raw_path_keeps_the_bytes_as_sent():
    async with serving(starlette_app) as (_, client):
        seen = (await client.get("/users/%34%32")).json()
        assert (seen["id"], seen["raw_path"], seen["path"]) == (42, "/users/%34%32", "/users/42")


async def test_an_app_that_returns_without_a_whole_response_gets_a_500():
    """Nothing was sent yet, so the server can still answer 500, and goes on serving."""

    async def start_only(scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})

    async def silent(scope, receive, send):
        return

    for app in (start_only, silent):
        async with serving(app) as (_, client):
            assert (await client.get("/")).status_code == 500
            assert (await client.get("/")).status_code == 500


# -- the inline cycle: an application in the connection's task --

GET = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"


async def test_an_app_running_on_after_its_response_does_not_hold_the_connection():
    """The next request on the connection is served while the first app still runs."""
    release = asyncio.Event()

    async def lingering(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["query_string"]})
        if scope["query_string"] == b"first":
            await release.wait()
            DONE.append("first finished")

    async with serving(lingering) as (server, _), raw_client(server) as raw:
        await raw.send(b"GET /?first HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"first"
        await raw.send(b"GET /?second HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"second"
        assert DONE == []
        release.set()
        await until(lambda: DONE == ["first finished"])
        await raw.send(b"GET /?third HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"third"


async def test_a_pipelined_request_behind_an_app_running_on_is_answered():
    """The second request came with the first: it is served while the first app still runs."""
    release = asyncio.Event()

    async def lingering(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["query_string"]})
        if scope["query_string"] == b"first":
            await release.wait()

    async with serving(lingering) as (server, _), raw_client(server) as raw:
        await raw.send(
            b"GET /?first HTTP/1.1\r\nHost: t\r\n\r\nGET /?second HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        assert (await raw.read_response()).body == b"first"
        assert (await raw.read_response()).body == b"second"
        release.set()


async def test_a_closing_connection_closes_while_its_app_runs_on():
    """After a response with ``Connection: close`` the connection closes (within a tick
    of the server's timer), not when the application at last returns."""
    release = asyncio.Event()

    async def lingering(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})
        await release.wait()
        DONE.append("finished")

    async with serving(lingering) as (server, _), raw_client(server) as raw:
        await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        response = await raw.read_response()
        assert (response.body, response.header("connection")) == (b"done", "close")
        assert await raw.at_eof()
        await until(lambda: not server.connections)
        assert DONE == []
        release.set()
        await until(lambda: DONE == ["finished"])


async def test_apps_running_on_in_turn_each_hand_the_connection_over():
    """The first app ends while the second runs: the second still hands over after its response."""
    events = {name: asyncio.Event() for name in (b"first", b"second", b"answer")}

    async def lingering(scope, receive, send):
        if scope["type"] != "http":
            return
        query = scope["query_string"]
        if query == b"second":
            DONE.append("second started")
            await events[b"answer"].wait()  # until the first app has ended
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": query})
        if query in events:
            await events[query].wait()
            DONE.append(query.decode() + " finished")

    async with serving(lingering) as (server, _), raw_client(server) as raw:
        await raw.send(b"GET /?first HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"first"
        await raw.send(b"GET /?second HTTP/1.1\r\nHost: t\r\n\r\n")
        await until(lambda: DONE == ["second started"])
        events[b"first"].set()
        await until(lambda: DONE == ["second started", "first finished"])
        events[b"answer"].set()
        assert (await raw.read_response()).body == b"second"
        await raw.send(b"GET /?third HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).body == b"third"
        events[b"second"].set()
        await until(lambda: DONE[-1] == "second finished")


async def test_an_app_that_fails_after_its_head_cuts_the_connection():
    """The head is out, so no 500 can follow: the body ends without its last chunk."""

    async def failing(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"part", "more_body": True})
        if scope["query_string"] == b"raise":
            raise RuntimeError("secret")
        if scope["query_string"] != b"return":  # "return": no end of the body
            await send({"type": "http.response.body", "body": b""})

    for query in (b"raise", b"return"):
        async with serving(failing) as (server, _):
            async with raw_client(server) as raw:
                await raw.send(b"GET /?" + query + b" HTTP/1.1\r\nHost: t\r\n\r\n")
                head = await raw.read_head()
                assert (head.status, head.header("transfer-encoding")) == (200, "chunked")
                rest = await asyncio.wait_for(raw.reader.read(), STEP)
                assert rest == b"4\r\npart\r\n"  # no 0-size chunk: the client sees the cut
            assert (await get(server)).status == 200  # and the server goes on


async def test_a_response_the_core_refuses_is_a_500():
    """A status outside 200-599, a header with CR LF, a body on a 204."""
    starts = [
        {"type": "http.response.start", "status": 99, "headers": []},
        {"type": "http.response.start", "status": 700, "headers": []},
        {"type": "http.response.start", "status": 200, "headers": [(b"x", b"a\r\nb: c")]},
        {"type": "http.response.start", "status": 204, "headers": []},
    ]

    async def refused(scope, receive, send):
        if scope["type"] != "http":
            return
        await send(starts[int(scope["query_string"])])
        await send({"type": "http.response.body", "body": b"body"})

    async with serving(refused) as (server, _):
        for index in range(len(starts)):
            async with raw_client(server) as raw:
                await raw.send(b"GET /?%d HTTP/1.1\r\nHost: t\r\n\r\n" % index)
                response = await raw.read_response()
                assert response.status == 500, index
                assert response.header("b") is None


async def test_head_of_a_streamed_response_sends_no_body():
    async def streamed(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for piece in (b"a", b"b"):
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b"c"})

    async with serving(streamed) as (server, _), raw_client(server) as raw:
        await raw.send(b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\n")
        head = await raw.read_head()
        assert head.status == 200
        await raw.send(GET)  # the connection is still good, and nothing came before this
        response = await raw.read_response()
        assert (response.status, response.body) == (200, b"abc")


async def test_receive_says_disconnect_when_the_peer_goes_mid_response():
    async def listening(scope, receive, send):
        if scope["type"] != "http":
            return
        assert (await receive())["type"] == "http.request"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        if scope["query_string"] == b"listen":
            DONE.append((await receive())["type"])
        await send({"type": "http.response.body", "body": b""})

    async with serving(listening) as (server, _):
        async with raw_client(server) as raw:
            await raw.send(b"GET /?listen HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await raw.read_head()).status == 200
        await until(lambda: DONE == ["http.disconnect"])
        assert (await get(server)).status == 200


async def test_pipelined_requests_to_an_app_are_answered_in_order_in_one_write():
    async def echo(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    async with serving(echo) as (server, _), raw_client(server) as raw:
        await raw.send(b"".join(b"GET /%d HTTP/1.1\r\nHost: t\r\n\r\n" % n for n in range(3)))
        bodies = [(await raw.read_response()).body for _ in range(3)]
        assert bodies == [b"/0", b"/1", b"/2"]


async def test_the_scope_headers_are_a_plain_list_the_app_may_change():
    """Middleware (Starlette's MutableHeaders on a scope) edits them in place."""

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        headers = scope["headers"]
        headers.append((b"x-added", b"1"))
        headers[0] = (b"host", b"changed")
        body = repr(sorted(headers)).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    async with serving(app) as (server, _), raw_client(server) as raw:
        for _ in range(2):  # the second request's headers are its own again
            await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            response = await raw.read_response()
            assert response.body == repr([(b"host", b"changed"), (b"x-added", b"1")]).encode()


async def test_options_asterisk_reaches_the_app_with_the_path_asterisk():
    """RFC 9110 §9.3.7: the application answers for the server, as under uvicorn."""
    seen = []

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        seen.append((scope["method"], scope["path"], scope["raw_path"]))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async with serving(app) as (server, _), raw_client(server) as raw:
        await raw.send(b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).status == 204
        # RFC 9112 §3.2.4: the absolute form with an empty path is the same question.
        await raw.send(b"OPTIONS http://t HTTP/1.1\r\nHost: t\r\n\r\n")
        assert (await raw.read_response()).status == 204
    assert seen == [("OPTIONS", "*", b"*")] * 2


async def test_messages_out_of_order_are_the_applications_errors():
    """Body before start, start twice, an unknown type: a 500 if nothing was sent yet."""
    sequences = {
        b"body-first": [{"type": "http.response.body", "body": b"x"}],
        b"start-twice": [
            {"type": "http.response.start", "status": 200, "headers": []},
            {"type": "http.response.start", "status": 200, "headers": []},
        ],
        b"unknown": [{"type": "http.response.trailers", "headers": []}],
    }

    async def misbehaving(scope, receive, send):
        if scope["type"] != "http":
            return
        for message in sequences[scope["query_string"]]:
            await send(message)

    async with serving(misbehaving) as (_, client):
        for query in sequences:
            assert (await client.get("/?" + query.decode())).status_code == 500, query


async def test_what_the_application_may_send_besides_tuples_of_bytes():
    """Headers as lists, bodies as bytearray or memoryview; sends after the end are dropped."""

    async def loose(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": [[b"x-a", b"1"]]})
        await send({"type": "http.response.body", "body": bytearray(b"ab"), "more_body": True})
        await send({"type": "http.response.body", "body": memoryview(b"cd")})
        await send({"type": "http.response.body", "body": b"late"})
        DONE.append((await receive())["type"])  # after the response: at once

    async with serving(loose) as (_, client):
        for _ in range(2):
            response = await client.get("/")
            assert (response.text, response.headers["x-a"]) == ("abcd", "1")
        assert DONE == ["http.disconnect", "http.disconnect"]


async def test_a_response_before_the_body_was_read_closes_the_connection():
    async def hasty(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"early"})

    async with serving(hasty) as (server, _), raw_client(server) as raw:
        await raw.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        response = await raw.read_response()
        assert (response.body, response.header("connection")) == (b"early", "close")
        assert await raw.at_eof()


async def test_a_body_that_stops_arriving_is_a_408_or_a_cut():
    """Nothing sent yet: 408, as for a handler. The head already out: the connection is cut."""

    async def reader(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["query_string"] == b"head-first":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"go", "more_body": True})
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read"})

    async with serving(reader, timeout_body=0.2) as (server, _):
        async with raw_client(server) as raw:
            await raw.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            assert (await raw.read_response()).status == 408
        async with raw_client(server) as raw:
            await raw.send(b"POST /?head-first HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n")
            assert (await raw.read_head()).status == 200
            assert await asyncio.wait_for(raw.reader.read(), STEP) == b"2\r\ngo\r\n"
        assert (await get(server)).status == 200


async def test_a_client_gone_mid_body_is_a_disconnect_and_sends_then_raise(caplog):
    """ASGI has one way to say the body will not come: ``http.disconnect``.
    A streaming send after it raises an OSError (spec 2.4), and a client that left is
    no error of the server's or the application's."""
    seen = []

    async def reader(scope, receive, send):
        if scope["type"] != "http":
            return
        while True:
            message = await receive()
            seen.append((message["type"], len(message.get("body", b""))))
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            await send({"type": "http.response.body", "body": b"re", "more_body": True})
        except OSError as error:
            seen.append(type(error).__name__)
            raise
        await send({"type": "http.response.body", "body": b"ad"})

    caplog.set_level(logging.DEBUG, logger="asyncio_adapter")
    async with serving(reader) as (server, _):
        async with raw_client(server) as raw:
            await raw.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
            await until(lambda: seen)
        await until(lambda: len(seen) == 3)
        assert seen == [("http.request", 10), ("http.disconnect", 0), "ClientDisconnected"]
        assert (await get(server)).body == b"read"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def test_a_starlette_body_that_cannot_be_read_is_answered_by_the_server():
    """Starlette turns any exception into its own 500: the bridge tells it of a
    disconnect instead, and answers 408 for a slow body, 400 for a malformed one."""
    async with serving(starlette_app, timeout_body=0.2) as (server, _):
        requests = {
            408: b"POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc",
            400: b"POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        }
        for status, request in requests.items():
            async with raw_client(server) as raw:
                await raw.send(request)
                response = await raw.read_response()
                assert (response.status, response.header("connection")) == (status, "close")
                assert await raw.at_eof()
        assert (await get(server)).status == 200


async def test_a_starlette_stream_stops_when_its_client_goes():
    async with serving(starlette_app) as (server, _):
        async with raw_client(server) as raw:
            await raw.send(b"GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await raw.read_head()).status == 200
            await until(lambda: len(DONE) >= 3)
        # Produced chunks stop growing once the send after the close raised.
        counts = [len(DONE)]
        for _ in range(50):
            await asyncio.sleep(0.1)
            counts.append(len(DONE))
            if counts[-1] == counts[-2] == counts[-3]:
                break
        assert counts[-1] == counts[-2] == counts[-3], counts
        assert (await get(server)).status == 200


async def test_sends_to_a_client_gone_raise_even_in_a_loop_that_never_waits():
    """An application that streams without waiting on anything lets the loop run
    only when back-pressure makes it: the send itself must notice the reset."""
    outcome = []

    async def flood(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            for _ in range(200_000):
                await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
        except OSError as error:
            outcome.append(type(error).__name__)
            raise
        outcome.append("never stopped")

    async with serving(flood) as (server, _):
        async with raw_client(server) as raw:
            raw.writer.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await raw.read_head()).status == 200
        await until(lambda: outcome)
        assert outcome == ["ClientDisconnected"]


async def test_a_connection_field_of_the_application_gives_way_to_the_servers_close():
    """The body was not read, so the server closes: the response must say so."""

    async def hasty(scope, receive, send):
        if scope["type"] != "http":
            return
        headers = [(b"Connection", b"keep-alive")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"early"})

    async with serving(hasty) as (server, _), raw_client(server) as raw:
        await raw.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        response = await raw.read_response()
        assert [value for name, value in response.headers if name.lower() == "connection"] == [
            "close"
        ]
        assert await raw.at_eof()


async def test_an_application_that_stops_when_told_of_a_disconnect_is_no_error(caplog):
    """A client that closes (its sending side is enough, as with uvicorn) while a
    stream waits for ``http.disconnect``: returning then is how the app stops."""
    told = []

    async def waiting(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"tick", "more_body": True})
        for _ in range(10):
            message = await receive()
            if message["type"] == "http.disconnect":
                told.append(message["type"])
                return

    caplog.set_level(logging.DEBUG, logger="asyncio_adapter")
    async with serving(waiting) as (server, _):
        async with raw_client(server) as raw:
            await raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            assert (await raw.read_head()).status == 200
            raw.writer.write_eof()
            await until(lambda: told)
        assert told == ["http.disconnect"]
        await until(lambda: not server.connections)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_each_request_gets_a_complete_scope_of_its_own():
    """Every key the ASGI spec lists for http, with this request's values,
    however the request before it looked and whatever its app did to its scope."""
    seen = []

    async def record(scope, receive, send):
        if scope["type"] != "http":
            return
        seen.append({**scope, "state": dict(scope["state"])})
        scope["added_by_the_app"] = True
        scope["state"]["touched"] = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async with serving(record) as (server, _), raw_client(server) as raw:
        address = server.address
        await raw.send(b"POST /first/%41?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
        assert (await raw.read_response()).status == 200
        await raw.send(b"GET /second HTTP/1.0\r\nX-Only-Here: 2\r\n\r\n")
        assert (await raw.read_response()).status == 200
    first, second = seen
    keys = {"type", "asgi", "http_version", "method", "scheme", "path", "raw_path"}
    keys |= {"query_string", "root_path", "headers", "client", "server", "state"}
    assert set(first) == set(second) == keys
    assert first["asgi"]["version"] == "3.0"
    assert (first["http_version"], first["method"], first["path"]) == ("1.1", "POST", "/first/A")
    assert (first["raw_path"], first["query_string"]) == (b"/first/%41", b"x=1")
    assert first["headers"] == [(b"host", b"t"), (b"content-length", b"0")]
    assert (second["http_version"], second["method"], second["path"]) == ("1.0", "GET", "/second")
    assert (second["raw_path"], second["query_string"]) == (b"/second", b"")
    assert second["headers"] == [(b"x-only-here", b"2")]
    for scope in (first, second):
        assert (scope["scheme"], scope["root_path"]) == ("http", "")
        assert scope["client"][0] == "127.0.0.1"
        assert scope["server"] == address
    assert second["state"] == {}
