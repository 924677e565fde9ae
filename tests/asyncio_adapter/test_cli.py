from __future__ import annotations

import pytest

from asyncio_adapter import App
from asyncio_adapter._cli import build_parser, load_app, main

FLAGS = [
    "--host",
    "--port",
    "--log-level",
    "--no-access-log",
    "--timeout-keep-alive",
    "--timeout-head",
    "--timeout-body",
    "--limit-concurrency",
    "--limit-request-body",
    "--backlog",
    "--grace-period",
    "--loop",
    "--uds",
    "--fd",
    "--ssl-certfile",
    "--ssl-keyfile",
    "--workers",
    "--max-requests",
]


def test_only_given_flags_are_parsed():
    """Flags left out must not override what the App constructor said."""
    options = vars(build_parser().parse_args(["m:a", "--port", "9000", "--no-access-log"]))
    assert options == {"target": "m:a", "port": 9000, "access_log": False}


def test_every_flag_parses():
    argv = [
        "m:a",
        "--host=0.0.0.0",
        "--port=0",
        "--log-level=debug",
        "--timeout-keep-alive=1.5",
        "--timeout-head=2",
        "--timeout-body=3",
        "--limit-concurrency=10",
        "--limit-request-body=100",
        "--backlog=5",
        "--grace-period=0",
        "--loop=uvloop",
    ]
    options = vars(build_parser().parse_args(argv))
    assert options == {
        "target": "m:a",
        "host": "0.0.0.0",
        "port": 0,
        "log_level": "debug",
        "timeout_keep_alive": 1.5,
        "timeout_head": 2.0,
        "timeout_body": 3.0,
        "limit_concurrency": 10,
        "limit_request_body": 100,
        "backlog": 5,
        "grace_period": 0.0,
        "loop": "uvloop",
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["m:a", "--port=70000"],
        ["m:a", "--timeout-head=0"],
        ["m:a", "--limit-concurrency=0"],
        ["m:a", "--loop=trio"],
        ["m:a", "--log-level=loud"],
        ["m:a", "--workers=0"],
        ["m:a", "--max-requests=0"],
        ["m:a", "--fd=stdin"],
    ],
)
def test_bad_flags_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(argv)
    assert caught.value.code == 2


def test_help_explains_each_flag_with_its_default(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    for flag in FLAGS:
        assert flag in text
    for default in ["127.0.0.1", "8080", "10)", "5)", "1048576", "2048"]:
        assert default in text


def test_deployment_flags_parse():
    argv = [
        "m:a",
        "--uds=/run/app.sock",
        "--fd=3",
        "--ssl-certfile=c.pem",
        "--ssl-keyfile=k.pem",
        "--workers=4",
        "--max-requests=1000",
    ]
    assert vars(build_parser().parse_args(argv)) == {
        "target": "m:a",
        "uds": "/run/app.sock",
        "fd": 3,
        "ssl_certfile": "c.pem",
        "ssl_keyfile": "k.pem",
        "workers": 4,
        "max_requests": 1000,
    }


@pytest.mark.parametrize("workers", ["1", "2"])
def test_main_reports_a_missing_certificate(workers, tmp_path, capsys):
    """One process or a supervisor: a clear error and status 2, no traceback."""
    missing = str(tmp_path / "missing.pem")
    argv = [
        "examples.seed_app:app",
        "--port=0",
        f"--workers={workers}",
        f"--ssl-certfile={missing}",
    ]
    assert main(argv) == 2
    assert "missing.pem" in capsys.readouterr().err


def test_load_app_takes_an_app_or_wraps_a_router():
    app = load_app("examples.seed_app:app")
    assert isinstance(app, App)
    wrapped = load_app("examples.seed_app:router")
    assert isinstance(wrapped, App)
    assert wrapped.router is app.router


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("examples.seed_app", ValueError),
        (":app", ValueError),
        ("examples.seed_app:", ValueError),
        ("examples.seed_app:nope", AttributeError),
        ("examples.seed_app:home", TypeError),
        ("no_such_module_here:app", ImportError),
    ],
)
def test_load_app_errors(target, error):
    with pytest.raises(error):
        load_app(target)


def test_main_reports_a_bad_target(capsys):
    assert main(["no_such_module_here:app"]) == 2
    assert "no_such_module_here" in capsys.readouterr().err


def test_main_reports_a_bad_setting(capsys):
    assert main(["examples.seed_app:app", "--limit-request-body=-1"]) == 2
    assert "limit_request_body" in capsys.readouterr().err
