"""The ASGI bridge with real Starlette and FastAPI applications, through httpx."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

import httpx
import pytest

from asyncio_adapter._asgi import ASGIRoutes, LifespanFailure, is_asgi_application

from . import asgi_apps
from .asgi_apps import DONE, bare, failing_lifespan, fastapi_app, starlette_app
from .helpers import STEP, raw_client, running
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
