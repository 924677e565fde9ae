"""The server's cache of response heads: the same head for the same response, never a stale one."""

from __future__ import annotations

import pytest

from asyncio_adapter import Config, Response, Server
from asyncio_adapter._server import _MAX_CACHED_HEADS
from router import Router


def _server():
    return Server(Router(), Config(host="127.0.0.1", port=0))


def test_equal_responses_share_one_head():
    server = _server()
    first = server.response_head(Response("a", headers={"X-Id": "1"}), close=False)
    second = server.response_head(Response("b", headers={"X-Id": "1"}), close=False)
    assert first is second
    assert first.status_code == 200
    assert list(first.headers) == [
        (b"x-id", b"1"),
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"date", server.date),
    ]


def test_status_headers_and_close_each_make_another_head():
    server = _server()
    base = server.response_head(Response("a"), close=False)
    assert server.response_head(Response("a", code=201), close=False).status_code == 201
    other = server.response_head(Response("a", headers={"X-Id": "2"}), close=False)
    assert other.headers.get(b"x-id") == b"2"
    closing = server.response_head(Response("a"), close=True)
    assert closing.headers.get(b"connection") == b"close"
    assert base.headers.get(b"connection") is None
    assert len({id(base), id(other), id(closing)}) == 3


def test_a_new_date_empties_the_cache(monkeypatch):
    server = _server()
    first = server.response_head(Response("a"), close=False)
    monkeypatch.setattr(
        "asyncio_adapter._server._http_date", lambda: b"Thu, 26 Nov 2026 00:00:00 GMT"
    )
    server._sweeper = type("NoSweeper", (), {"sweep": lambda self: None})()

    class Loop:
        def call_later(self, delay, callback):
            return None

    monkeypatch.setattr("asyncio.get_running_loop", lambda: Loop())
    server._tick()
    second = server.response_head(Response("a"), close=False)
    assert second is not first
    assert second.headers.get(b"date") == b"Thu, 26 Nov 2026 00:00:00 GMT"


def test_the_cache_is_bounded():
    server = _server()
    for number in range(_MAX_CACHED_HEADS + 10):
        server.response_head(Response("a", headers={"X-Id": str(number)}), close=False)
    assert len(server._response_heads) <= _MAX_CACHED_HEADS


def test_a_header_that_is_no_str_is_not_cached_and_is_refused():
    server = _server()
    response = Response("a")
    response.headers.append(("X-List", ["not", "hashable"]))  # type: ignore[arg-type]
    with pytest.raises(AttributeError):  # no .encode: the handler's error, a 500
        server.response_head(response, close=False)
    assert not server._response_heads
