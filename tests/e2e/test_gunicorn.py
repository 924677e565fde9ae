"""``gunicorn -k asyncio_adapter.gunicorn.Worker``: under a real gunicorn arbiter."""

from __future__ import annotations

import os
import re
import signal
import ssl
import subprocess
import sys
import time

import httpx
import pytest
import trustme

from .helpers import STEP
from .test_cli import ROOT

pytest.importorskip("gunicorn")  # the test extra installs it; a bare install may not have it


class Gunicorn:
    def __init__(self, *args):
        env = dict(os.environ)
        env.pop("COVERAGE_PROCESS_START", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-k",
                "asyncio_adapter.gunicorn.Worker",
                "-b",
                "127.0.0.1:0",
                "--no-control-socket",
                *args,
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines = []

    def wait_for(self, pattern):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.lines.append(line)
            if found := re.search(pattern, line):
                return found
        self.process.kill()
        self.process.communicate(timeout=STEP)
        raise AssertionError(f"no line matching {pattern!r}:\n" + "".join(self.lines))

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            _, rest = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, rest = self.process.communicate(timeout=STEP)
        return self.process.returncode, "".join(self.lines) + rest


def test_the_article_app_under_gunicorn_with_two_workers():
    server = Gunicorn("-w", "2", "examples.seed_app:app")
    try:
        port = server.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
        for _ in range(2):
            server.wait_for(r"Booting worker with pid")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=STEP) as client:
            assert "<b>test</b>" in client.get("/").text
            assert client.get("/welcome/Ada").text == "Welcome Ada"
            login = client.post("/login", data={"name": "ada", "password": "pw"})
            assert login.text == "ada:pw"
            assert client.get("/nowhere").status_code == 404
    finally:
        code, log = server.stop()
    assert code == 0, log
    assert "Traceback" not in log, log


def test_max_requests_and_tls_under_gunicorn(tmp_path):
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1")
    issued.cert_chain_pems[0].write_to_path(tmp_path / "cert.pem")
    issued.private_key_pem.write_to_path(tmp_path / "key.pem")
    server = Gunicorn(
        "--max-requests",
        "3",
        "--certfile",
        str(tmp_path / "cert.pem"),
        "--keyfile",
        str(tmp_path / "key.pem"),
        "tests.e2e.pid_app:router",
    )
    verify = ssl.create_default_context()
    ca.configure_trust(verify)
    try:
        port = server.wait_for(r"Listening at: https://127\.0\.0\.1:(\d+)").group(1)
        answered = []
        for _ in range(7):
            with httpx.Client(verify=verify, timeout=STEP) as client:  # a connection each
                answered.append(client.get(f"https://127.0.0.1:{port}/pid").text)
    finally:
        code, log = server.stop(signal.SIGINT)
    assert code == 0, log
    assert [answered.count(pid) for pid in dict.fromkeys(answered)] == [3, 3, 1], answered


def test_a_fastapi_app_under_gunicorn():
    server = Gunicorn("-w", "1", "tests.e2e.asgi_apps:fastapi_app")
    try:
        port = server.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=STEP) as client:
            assert client.get("/items/7?q=a").json() == {"item_id": 7, "q": "a"}
            created = client.post("/items", json={"name": "pen", "price": 1.0})
            assert created.json() == {"name": "pen", "with_tax": 1.2}
            assert client.get("/crash").status_code == 500
    finally:
        code, log = server.stop()
    assert code == 0, log


def test_a_failed_lifespan_stops_gunicorn():
    server = Gunicorn("tests.e2e.asgi_apps:failing_lifespan")
    code, log = server.stop(signal.SIGCONT)  # no signal of consequence: wait for it to give up
    assert code != 0, log
    assert "ASGI lifespan startup failed: database unreachable" in log
