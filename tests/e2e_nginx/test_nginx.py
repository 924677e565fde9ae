"""Through a real nginx with upstream keep-alive: every kind of request passes unchanged.

Each request goes once straight to the server and once through nginx; the
two answers must agree on status, body and the headers the application
set. A burst of concurrent load through nginx must give no error at all.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.helpers import STEP
from tests.e2e.test_cli import ServerProcess

BURST_CONNECTIONS = 32
BURST_REQUESTS = 3000

NGINX_CONF = """\
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream app {{
        server {upstream};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 10m;
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_request_buffering off;
        }}
    }}
}}
"""


def nginx_binary():
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.fail("nginx is not installed: make e2e installs Debian's package")
    return found


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def upstream():
    server = ServerProcess("tests.e2e_nginx.app:router", "--no-access-log", "--proxy-headers")
    server.wait_ready()
    try:
        yield server
    finally:
        code, log = server.finish(signal.SIGTERM)
        assert code == 0, log


@pytest.fixture(scope="module")
def nginx(upstream, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    config = NGINX_CONF.format(
        tmp=tmp,
        port=port,
        upstream=upstream.base.removeprefix("http://"),
        # The master drops to nobody, who could not write our temp dirs.
        user="user root;" if os.geteuid() == 0 else "",
    )
    (tmp / "nginx.conf").write_text(config)
    process = subprocess.Popen(
        [nginx_binary(), "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
        try:
            process.communicate(timeout=STEP)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=STEP)
        errors = Path(tmp / "error.log").read_text()
        assert "[error]" not in errors, errors
        assert "[crit]" not in errors, errors


def both(upstream, nginx, method, path, **kwargs):
    """The same request straight to the server and through nginx."""
    with (
        httpx.Client(base_url=upstream.base, timeout=STEP) as direct,
        httpx.Client(base_url=nginx, timeout=STEP) as proxied,
    ):
        return direct.request(method, path, **kwargs), proxied.request(method, path, **kwargs)


APPLICATION_HEADERS = ("content-type", "content-length", "set-cookie", "allow", "location")


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/", {}),
        ("GET", "/info/J%C3%BCrgen?a=1&a=2&b=%20x", {"headers": {"user-agent": "e2e"}}),
        ("GET", "/info/x", {"headers": {"cookie": "session=abc; theme=dark"}}),
        ("POST", "/echo", {"content": b"\x00\x01binary\xff" * 1000}),
        ("POST", "/form", {"data": {"name": "ada", "tags": ["a", "b"]}}),
        ("POST", "/form", {"data": {"k": "v"}, "files": {"up": ("a.txt", b"file body")}}),
        ("POST", "/echo", {"json": {"nested": [1, 2, {"x": None}]}}),
        ("POST", "/stream", {"content": [b"a" * 70000, b"b" * 70000]}),  # chunked
        ("GET", "/chunks", {}),
        ("GET", "/slow-stream", {}),
        ("GET", "/big", {}),
        ("GET", "/bytes", {}),
        ("GET", "/list", {}),
        ("GET", "/custom", {}),
        ("HEAD", "/", {}),
        ("HEAD", "/big", {}),
        ("GET", "/missing", {}),
        ("POST", "/only-get", {}),
        ("GET", "/dir", {}),
        ("GET", "/boom", {}),
        ("GET", "/teapot", {}),
        ("DELETE", "/echo", {"content": b"gone"}),
    ],
)
def test_requests_pass_through_unchanged(upstream, nginx, method, path, kwargs):
    direct, proxied = both(upstream, nginx, method, path, **kwargs)
    assert proxied.status_code == direct.status_code
    assert proxied.content == direct.content
    for name in APPLICATION_HEADERS:
        if name == "content-length" and "content-length" not in proxied.headers:
            continue  # nginx may re-frame a body as chunked; the bytes are compared above
        assert proxied.headers.get_list(name) == direct.headers.get_list(name), name


def test_request_streaming_and_response_streaming_are_not_buffered(nginx):
    """A chunked upload arrives whole and a streamed body arrives in order."""
    with httpx.Client(base_url=nginx, timeout=STEP) as client:
        total = client.post("/stream", content=(b"z" * 1000 for _ in range(300)))
        assert total.text == "300000"
        with client.stream("GET", "/slow-stream") as response:
            lines = [line for line in response.iter_lines() if line]
        assert lines == [f"tick{index}" for index in range(5)]


def test_nginx_keeps_its_upstream_connections_alive(nginx):
    """Twenty requests through nginx reuse a few upstream connections, not twenty."""
    ports = set()
    for _ in range(20):
        with httpx.Client(base_url=nginx, timeout=STEP) as client:  # a new client connection each
            ports.add(client.get("/peer").json()["client"][1])
    assert len(ports) < 5, ports


def test_the_client_address_comes_from_the_trusted_proxy(nginx):
    with httpx.Client(base_url=nginx, timeout=STEP) as client:
        seen = client.get("/peer", headers={"x-forwarded-for": "203.0.113.9"}).json()
    # nginx appended its peer (127.0.0.1, trusted by default): the client is the
    # right-most untrusted address.
    assert seen["forwarded_for"] == "203.0.113.9, 127.0.0.1"
    assert seen["client"] == ["203.0.113.9", 0]
    assert seen["proto"] == "http"


async def test_a_burst_through_nginx_has_no_errors(nginx):
    statuses = []
    errors = []

    async def worker(client, count):
        for index in range(count):
            try:
                if index % 3:
                    response = await client.get("/info/burst?i=1")
                else:
                    response = await client.post("/echo", content=b"payload" * 100)
                statuses.append(response.status_code)
            except httpx.HTTPError as error:
                errors.append(repr(error))

    limits = httpx.Limits(max_connections=BURST_CONNECTIONS)
    async with httpx.AsyncClient(base_url=nginx, timeout=STEP * 2, limits=limits) as client:
        per_worker = BURST_REQUESTS // BURST_CONNECTIONS
        await asyncio.wait_for(
            asyncio.gather(*(worker(client, per_worker) for _ in range(BURST_CONNECTIONS))),
            60,
        )
    assert errors == []
    assert statuses == [200] * (per_worker * BURST_CONNECTIONS)


def test_a_wrk_burst_through_nginx_has_no_errors(nginx):
    """Keep-alive load from wrk (64 connections, 3 s): no socket error, no non-2xx."""
    wrk = shutil.which("wrk")
    if wrk is None:
        pytest.fail("wrk is not installed: make e2e installs Debian's package")
    result = subprocess.run(
        [wrk, "-t2", "-c64", "-d3s", f"{nginx}/info/wrk?x=1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    report = result.stdout
    requests = re.search(r"(\d+) requests in", report)
    assert requests is not None, report
    assert int(requests.group(1)) > 1000, report
    assert "Socket errors" not in report, report
    assert "Non-2xx" not in report, report
