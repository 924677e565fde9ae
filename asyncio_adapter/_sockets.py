"""The listening socket and the TLS context, built from ``Config`` before the server starts.

The socket is made here, not by ``loop.create_server(host, port)``, so
that one socket can be bound once and shared: by the ``--workers``
supervisor, which hands it to its workers as an inherited file
descriptor (``--fd``), and by gunicorn, which binds its own.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import stat

from ._config import Config


def bind_socket(config: Config) -> socket.socket:
    """A listening, non-blocking socket for ``config``: ``fd``, else ``uds``, else TCP."""
    if config.fd is not None:
        # The family and type are read from the descriptor itself.
        sock = socket.socket(fileno=config.fd)
    elif config.uds is not None:
        sock = _bind_unix(config.uds)
    else:
        sock = _bind_tcp(config.host, config.port)
    try:
        sock.listen(config.backlog)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _bind_tcp(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # A restarted server must not wait for the old one's TIME_WAIT sockets.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _bind_unix(path: str) -> socket.socket:
    # A socket file left by a server that died is removed; any other file
    # at that path is an error from bind, never deleted.
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
        # A reverse proxy usually runs as another user (nginx's www-data).
        os.chmod(path, 0o666)
    except OSError:
        sock.close()
        raise
    return sock


def ssl_context(config: Config) -> ssl.SSLContext | None:
    """A server-side TLS context when ``ssl_certfile`` is set, else ``None``."""
    if config.ssl_certfile is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(config.ssl_certfile, config.ssl_keyfile)
    except OSError as error:  # ssl.SSLError included; neither names the file
        files = config.ssl_certfile + (f" and {config.ssl_keyfile}" if config.ssl_keyfile else "")
        raise OSError(f"cannot load the TLS certificate from {files}: {error}") from error
    # HTTP/1.1 only: a client offering h2 must not pick it (RFC 7301).
    context.set_alpn_protocols(["http/1.1"])
    return context


def describe(sock: socket.socket, *, tls: bool) -> str:
    """Where ``sock`` listens, as a log line shows it: a URL, or ``unix:PATH``."""
    name = sock.getsockname()
    if sock.family == socket.AF_UNIX:
        return f"unix:{name if isinstance(name, str) else name.decode()}"
    host, port = name[:2]
    if sock.family == socket.AF_INET6:
        host = f"[{host}]"
    return f"{'https' if tls else 'http'}://{host}:{port}"
