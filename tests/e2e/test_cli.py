"""``python -m asyncio_adapter`` as a subprocess, as ``make run`` starts it."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .helpers import STEP

ROOT = Path(__file__).resolve().parents[2]


class ServerProcess:
    """The CLI in a subprocess; a thread reads its stderr, so every wait is bounded."""

    def __init__(self, *args):
        env = dict(os.environ)
        env.pop("COVERAGE_PROCESS_START", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "asyncio_adapter", *args, "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines = []
        self.base = None
        self._unread = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        # The pipe ends once the server and every worker it started have exited.
        for line in self.process.stderr:
            self._unread.put(line)

    def wait_for(self, pattern, timeout=15):
        """Take stderr lines until one matches ``pattern``; return the match."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._unread.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.lines.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        self.stop()
        raise AssertionError(f"no line matching {pattern!r}:\n" + "".join(self.lines))

    def wait_ready(self):
        self.base = self.wait_for(r"Serving on (http://127\.0\.0\.1:\d+)").group(1)

    def finish(self, sig=None):
        if sig is not None:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=15)
            self._reader.join(timeout=15)
        finally:
            self.stop()
        return self.process.returncode, "".join(self.lines)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=STEP)
        self._reader.join(timeout=STEP)
        while not self._unread.empty():
            self.lines.append(self._unread.get_nowait())
        if not self._reader.is_alive():
            # Else a worker still holds the pipe, and closing would wait on the reader.
            self.process.stderr.close()


@pytest.fixture
def seed_server():
    server = ServerProcess("examples.seed_app:app")
    server.wait_ready()
    try:
        yield server
    finally:
        server.stop()


def test_the_article_app_under_the_cli_then_ctrl_c(seed_server):
    with httpx.Client(base_url=seed_server.base, timeout=STEP) as client:
        home = client.get("/")
        assert home.headers["content-type"] == "text/html"
        assert "<html>" in home.text
        assert client.get("/welcome/Ada").text == "Welcome Ada"
        assert client.get("/login").text == "form"
        login = client.post("/login", data={"name": "ada", "password": "secret"})
        assert login.text == "ada:secret"
    code, log = seed_server.finish(signal.SIGINT)
    assert code == 0, log
    assert '"GET /welcome/Ada HTTP/1.1" 200 11' in log  # the access log is on by default


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_against_the_article_app(seed_server):
    result = subprocess.run(
        [
            "curl",
            "-sS",
            "--max-time",
            str(STEP),
            f"{seed_server.base}/welcome/Bob",
            "-o",
            "-",
            "--next",
            "-d",
            "name=bob&password=pw",
            f"{seed_server.base}/login",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Welcome Bobbob:pw"


def test_sigterm_lets_a_request_in_flight_finish():
    server = ServerProcess("tests.e2e.slow_app:app", "--no-access-log")
    server.wait_ready()

    async def scenario():
        async with httpx.AsyncClient(timeout=STEP) as client:
            request = asyncio.create_task(client.get(f"{server.base}/slow?s=0.5"))
            await asyncio.to_thread(server.wait_for, "slow handler entered")
            server.process.send_signal(signal.SIGTERM)
            return await request

    try:
        response = asyncio.run(scenario())
    finally:
        code, log = server.finish()  # the one SIGTERM above must be enough
    assert (response.status_code, response.text) == (200, "slept")
    assert code == 0, log


def test_help_lists_the_flags():
    result = subprocess.run(
        [sys.executable, "-m", "asyncio_adapter", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=15,
        check=False,
    )
    assert result.returncode == 0
    for flag in ("--timeout-head", "--limit-concurrency", "--no-access-log", "--loop"):
        assert flag in result.stdout
