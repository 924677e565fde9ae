"""Where the server listens: TLS, a Unix domain socket, an inherited socket."""

from __future__ import annotations

import json
import signal
import socket
import ssl

import httpx
import pytest
import trustme

from asyncio_adapter import Config, Server
from router import Router

from .apps import make_router
from .helpers import STEP, raw_client, running
from .test_cli import ServerProcess


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway CA and a certificate for 127.0.0.1 signed by it."""
    tmp = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "localhost")
    issued.cert_chain_pems[0].write_to_path(tmp / "cert.pem")
    issued.private_key_pem.write_to_path(tmp / "key.pem")
    ca.cert_pem.write_to_path(tmp / "ca.pem")
    return tmp


async def test_https_with_a_certificate_the_test_made(certificate):
    async with running(
        make_router(),
        ssl_certfile=str(certificate / "cert.pem"),
        ssl_keyfile=str(certificate / "key.pem"),
    ) as server:
        assert server.url.startswith("https://127.0.0.1:")
        verify = ssl.create_default_context(cafile=str(certificate / "ca.pem"))
        async with httpx.AsyncClient(base_url=server.url, verify=verify, timeout=STEP) as client:
            first = await client.get("/info/tls?x=1")
            second = await client.post("/echo", content=b"over tls" * 1000)
        assert first.status_code == 200
        assert first.json()["query"] == {"x": ["1"]}
        assert second.content == b"over tls" * 1000
        assert first.http_version == "HTTP/1.1"


async def test_plain_http_to_the_tls_port_gets_no_response(certificate):
    async with running(
        make_router(),
        ssl_certfile=str(certificate / "cert.pem"),
        ssl_keyfile=str(certificate / "key.pem"),
    ) as server:
        plain = server.url.replace("https://", "http://")
        async with httpx.AsyncClient(timeout=STEP) as client:
            with pytest.raises(httpx.HTTPError):
                await client.get(plain)
        async with httpx.AsyncClient(timeout=STEP, verify=False) as client:
            assert (await client.get(server.url)).text == "hello"  # it still serves


async def test_a_client_that_does_not_trust_the_certificate_fails(certificate):
    async with (
        running(
            make_router(),
            ssl_certfile=str(certificate / "cert.pem"),
            ssl_keyfile=str(certificate / "key.pem"),
        ) as server,
        httpx.AsyncClient(timeout=STEP) as client,
    ):
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(server.url)


async def test_unix_domain_socket(tmp_path):
    path = tmp_path / "server.sock"
    async with running(make_router(), uds=str(path)) as server:
        assert server.url == f"unix:{path}"
        transport = httpx.AsyncHTTPTransport(uds=str(path))
        async with httpx.AsyncClient(transport=transport, timeout=STEP) as client:
            hello = await client.get("http://local/")
            echoed = await client.post("http://local/echo", content=b"via uds")
        assert hello.text == "hello"
        assert echoed.content == b"via uds"


async def test_an_inherited_socket():
    """``--fd``: the server takes over a socket bound by someone else, and closes it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    bound = listener.getsockname()
    server = Server(make_router(), Config(fd=listener.detach(), access_log=False))
    await server.start()
    try:
        assert server.address == bound
        async with httpx.AsyncClient(timeout=STEP) as client:
            assert (await client.get(server.url)).text == "hello"
    finally:
        await server.shutdown(grace_period=1.0)


async def test_rfc_7239_forwarded_from_a_trusted_proxy_sets_the_client():
    forwarded = b'Forwarded: for=6.6.6.6, for="203.0.113.5:4711";proto=https\r\n'
    request = b"GET /client HTTP/1.1\r\nHost: t\r\n" + forwarded + b"\r\n"
    async with running(make_router(), proxy_headers=True) as proxied, raw_client(proxied) as raw:
        await raw.send(request)
        assert json.loads((await raw.read_response()).body) == ["203.0.113.5", 4711]
    untrusting = {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.1"}
    async with running(make_router(), **untrusting) as proxied, raw_client(proxied) as raw:
        await raw.send(request)
        assert json.loads((await raw.read_response()).body)[0] == "127.0.0.1"


def test_the_cli_on_a_unix_socket_removes_it_on_exit(tmp_path):
    path = tmp_path / "cli.sock"
    server = ServerProcess("examples.seed_app:app", "--uds", str(path), "--no-access-log")
    try:
        assert server.wait_for(r"Serving on unix:(\S+) \(").group(1) == str(path)
        transport = httpx.HTTPTransport(uds=str(path))
        with httpx.Client(transport=transport, timeout=STEP) as client:
            assert client.get("http://local/welcome/Ada").text == "Welcome Ada"
    finally:
        code, log = server.finish(signal.SIGINT)
    assert code == 0, log
    assert not path.exists()


async def test_requests_over_tls_have_the_https_scheme(certificate):
    async def where(request):
        return {"scheme": request.scheme, "server": list(request.server)}

    router = Router()
    router.add_route("/", where)
    tls = {
        "ssl_certfile": str(certificate / "cert.pem"),
        "ssl_keyfile": str(certificate / "key.pem"),
    }
    async with running(router, **tls) as server:
        verify = ssl.create_default_context(cafile=str(certificate / "ca.pem"))
        async with httpx.AsyncClient(verify=verify, timeout=STEP) as client:
            seen = (await client.get(server.url)).json()
        assert seen == {"scheme": "https", "server": list(server.address)}
