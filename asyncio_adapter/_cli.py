"""The command line: ``python -m asyncio_adapter MODULE:ATTR [options]``.

Flags that are given override what the ``App`` constructor said; flags that
are not given leave it alone, so every option's argparse default is
``SUPPRESS`` and the documented default lives in ``Config``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import sys
from collections.abc import Sequence

from ._app import App
from ._asgi import ASGIRoutes, LifespanFailure, is_asgi_application
from ._config import (
    DEFAULT_BACKLOG,
    DEFAULT_GRACE_PERIOD,
    DEFAULT_HOST,
    DEFAULT_LIMIT_REQUEST_BODY,
    DEFAULT_PORT,
    new_event_loop,
)
from ._logging import LOG_LEVELS, configure_logging
from ._proxy import DEFAULT_FORWARDED_ALLOW_IPS
from ._server import Server
from ._supervisor import Supervisor, announce_stop
from ._timeouts import DEFAULT_TIMEOUT_BODY, DEFAULT_TIMEOUT_HEAD, DEFAULT_TIMEOUT_KEEP_ALIVE


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m asyncio_adapter",
        description="Serve an asyncio_adapter App (or a router.Router) over HTTP/1.1.",
        argument_default=argparse.SUPPRESS,
    )
    parser.add_argument(
        "target",
        metavar="MODULE:ATTR",
        help="what to serve: an App, a Router or an ASGI application, e.g. examples.seed_app:app",
    )
    parser.add_argument(
        "--host", help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0 for all)"
    )
    parser.add_argument(
        "--port", type=_port, help=f"TCP port; 0 picks a free one (default {DEFAULT_PORT})"
    )
    parser.add_argument("--log-level", choices=LOG_LEVELS, help="logging threshold (default info)")
    parser.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="do not log a line per request (access log is on by default)",
    )
    parser.add_argument(
        "--timeout-head",
        type=_positive_float,
        metavar="SECONDS",
        help="time from accept (or from the first byte of a later request) to the end of "
        "the request head; a connection that sent nothing is closed, one that sent part "
        f"of a head gets 408 (default {DEFAULT_TIMEOUT_HEAD:g})",
    )
    parser.add_argument(
        "--timeout-body",
        type=_positive_float,
        metavar="SECONDS",
        help=f"longest gap between two reads of a request body; 408 then close "
        f"(default {DEFAULT_TIMEOUT_BODY:g})",
    )
    parser.add_argument(
        "--timeout-keep-alive",
        type=_positive_float,
        metavar="SECONDS",
        help="how long an idle connection waits for its next request "
        f"(default {DEFAULT_TIMEOUT_KEEP_ALIVE:g})",
    )
    parser.add_argument(
        "--limit-concurrency",
        type=_positive_int,
        metavar="N",
        help="most connections served at once; a request on one past it gets 503 "
        "(default: no limit)",
    )
    parser.add_argument(
        "--limit-request-body",
        type=int,
        metavar="BYTES",
        help="most bytes buffered for request.body; past it request.body is a 413, "
        f"request.stream() still reads it (default {DEFAULT_LIMIT_REQUEST_BODY})",
    )
    parser.add_argument(
        "--backlog",
        type=_positive_int,
        metavar="N",
        help=f"listen() backlog of connections not yet accepted (default {DEFAULT_BACKLOG})",
    )
    parser.add_argument(
        "--grace-period",
        type=float,
        metavar="SECONDS",
        help="on SIGINT/SIGTERM, how long requests in flight may take to finish "
        f"(default {DEFAULT_GRACE_PERIOD:g})",
    )
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help="take the client address and scheme from Forwarded, X-Forwarded-For and "
        "X-Forwarded-Proto when the peer is a trusted proxy (default: off, they are ignored)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="LIST",
        help="comma list of proxy addresses, CIDR networks or * that --proxy-headers "
        f"trusts (default {DEFAULT_FORWARDED_ALLOW_IPS})",
    )
    parser.add_argument(
        "--uds", metavar="PATH", help="listen on this Unix domain socket instead of host:port"
    )
    parser.add_argument(
        "--fd",
        type=int,
        metavar="N",
        help="serve on this inherited, already bound socket (from systemd or a supervisor)",
    )
    parser.add_argument(
        "--ssl-certfile", metavar="PATH", help="serve HTTPS with this PEM certificate (chain)"
    )
    parser.add_argument(
        "--ssl-keyfile",
        metavar="PATH",
        help="the certificate's PEM private key (default: in --ssl-certfile)",
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="worker processes sharing the socket under a supervisor that restarts them "
        "(default 1: no supervisor)",
    )
    parser.add_argument(
        "--max-requests",
        type=_positive_int,
        metavar="N",
        help="a worker that served this many requests is replaced by a fresh one (default: never)",
    )
    # Set by the supervisor on the processes it starts: serve, do not supervise,
    # and write to this pipe when you stop accepting.
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--loop",
        choices=("asyncio", "uvloop"),
        help="event loop; uvloop needs the [uvloop] extra (default asyncio)",
    )
    return parser


def load_app(target: str) -> App:
    """Import ``MODULE:ATTR`` and return it as an ``App`` (a router is wrapped)."""
    module_name, colon, attribute = target.partition(":")
    if not colon or not module_name or not attribute:
        raise ValueError(f"expected MODULE:ATTR, got {target!r}")
    value: object = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    if isinstance(value, App):
        return value
    if callable(getattr(value, "match", None)):
        return App(value)  # type: ignore[arg-type]
    if is_asgi_application(value):
        # ASGI applications read their bodies themselves (receive), unbuffered.
        return App(ASGIRoutes(value), limit_request_body=0)  # type: ignore[arg-type]
    raise TypeError(
        f"{target} is a {type(value).__name__}, not an App, a Router or an ASGI application"
    )


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser()
    options = vars(parser.parse_args(argv))
    target = options.pop("target")
    worker = options.pop("worker", None)
    try:
        app = load_app(target)
        app.configure(**options)
    except (ImportError, AttributeError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    config = app.config
    if worker is None and (config.workers > 1 or config.max_requests is not None):
        try:
            return Supervisor(config, list(argv)).run()
        except OSError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    try:
        if worker is None:
            app.start_server()
        else:
            _serve_as_worker(app, worker)
    except (RuntimeError, OSError) as error:  # no uvloop; a port in use; a bad certificate
        print(f"error: {error}", file=sys.stderr)
        return 2
    except LifespanFailure as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    return 0


def _serve_as_worker(app: App, announce: int) -> None:
    """``app.start_server()`` that also tells the supervisor when the server stops accepting.

    The supervisor then starts this worker's replacement at once
    (``_supervisor``); ``announce`` is its pipe. ``App.serve``'s ``ready``
    hook is how the ``Server`` is reached, which ``start_server`` offers no
    way to do.
    """

    def ready(server: Server) -> None:
        server.on_stop_accepting = functools.partial(announce_stop, announce)

    configure_logging(app.config.log_level)
    with asyncio.Runner(loop_factory=lambda: new_event_loop(app.config.loop)) as runner:
        runner.run(app.serve(ready=ready))
