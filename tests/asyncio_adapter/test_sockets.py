from __future__ import annotations

import socket
import ssl

import pytest
import trustme

from asyncio_adapter import Config
from asyncio_adapter._sockets import bind_socket, describe, ssl_context


def test_tcp_socket_listens_and_does_not_block():
    with bind_socket(Config(host="127.0.0.1", port=0)) as sock:
        assert sock.family == socket.AF_INET
        assert sock.getblocking() is False
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
        with socket.create_connection(sock.getsockname(), timeout=5):
            pass  # the backlog takes it before anyone accepts
        assert describe(sock, tls=False) == f"http://127.0.0.1:{sock.getsockname()[1]}"
        assert describe(sock, tls=True).startswith("https://127.0.0.1:")


def test_ipv6_address_is_bracketed():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        sock = bind_socket(Config(host="::1", port=0))
    except OSError:
        pytest.skip("::1 cannot be bound here")
    with sock:
        assert describe(sock, tls=False).startswith("http://[::1]:")


def test_unix_socket_replaces_a_stale_socket_file(tmp_path):
    path = tmp_path / "app.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()  # the file stays, as after a crash
    with bind_socket(Config(uds=str(path))) as sock:
        assert sock.family == socket.AF_UNIX
        assert path.stat().st_mode & 0o777 == 0o666
        assert describe(sock, tls=False) == f"unix:{path}"
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(path))


def test_unix_socket_never_deletes_another_kind_of_file(tmp_path):
    path = tmp_path / "precious.txt"
    path.write_text("data")
    with pytest.raises(OSError, match="in use"):
        bind_socket(Config(uds=str(path)))
    assert path.read_text() == "data"


def test_an_inherited_descriptor_wins_over_host_and_uds(tmp_path):
    with socket.socket() as original:
        original.bind(("127.0.0.1", 0))
        config = Config(fd=original.fileno(), uds=str(tmp_path / "unused.sock"), port=1)
        sock = bind_socket(config)
        assert sock.fileno() == original.fileno()
        assert sock.getsockname() == original.getsockname()
        assert not (tmp_path / "unused.sock").exists()
        sock.detach()  # the descriptor is the original's to close


def test_no_certificate_no_tls():
    assert ssl_context(Config()) is None


def test_tls_context_from_separate_and_combined_pem_files(tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(tmp_path / "cert.pem")
    cert.private_key_pem.write_to_path(tmp_path / "key.pem")
    cert.private_key_and_cert_chain_pem.write_to_path(tmp_path / "both.pem")
    for config in (
        Config(ssl_certfile=str(tmp_path / "cert.pem"), ssl_keyfile=str(tmp_path / "key.pem")),
        Config(ssl_certfile=str(tmp_path / "both.pem")),
    ):
        context = ssl_context(config)
        assert isinstance(context, ssl.SSLContext)
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    with pytest.raises(OSError, match=r"cannot load the TLS certificate from .*cert\.pem"):
        ssl_context(Config(ssl_certfile=str(tmp_path / "cert.pem")))  # no key anywhere
