from __future__ import annotations

import asyncio
import sys

import pytest

from asyncio_adapter import App, Config
from asyncio_adapter._config import new_event_loop


def test_defaults_match_the_design():
    config = Config()
    assert (config.host, config.port) == ("127.0.0.1", 8080)
    assert config.limit_request_body == 1024 * 1024
    assert (config.timeout_head, config.timeout_keep_alive) == (10.0, 5.0)
    assert config.access_log is True
    assert config.proxy_headers is False
    assert config.forwarded_allow_ips == "127.0.0.1"
    assert config.grace_period == 10.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("port", 70000),
        ("limit_concurrency", 0),
        ("limit_request_body", -1),
        ("backlog", 0),
        ("grace_period", -1.0),
        ("loop", "trio"),
        ("forwarded_allow_ips", "not-a-network"),
        ("fd", -1),
        ("ssl_keyfile", "key.pem"),
        ("workers", 0),
        ("max_requests", 0),
    ],
)
def test_bad_settings_are_refused(field, value):
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the field; some come from ipaddress
        Config(**{field: value})


def test_app_settings_and_overrides():
    router = object()
    app = App(router, port=9000, access_log=False)  # type: ignore[arg-type]
    assert app.router is router
    assert (app.config.port, app.config.access_log) == (9000, False)
    app.configure(port=0, log_level="debug")
    assert (app.config.port, app.config.log_level, app.config.access_log) == (0, "debug", False)


def test_asyncio_loop():
    loop = new_event_loop("asyncio")
    try:
        assert isinstance(loop, asyncio.AbstractEventLoop)
    finally:
        loop.close()


def test_uvloop_when_installed():
    uvloop = pytest.importorskip("uvloop")
    loop = new_event_loop("uvloop")
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_uvloop_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)
    with pytest.raises(RuntimeError, match=r"uvloop"):
        new_event_loop("uvloop")
