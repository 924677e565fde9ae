"""``--workers`` and ``--max-requests``: a supervisor and the processes it keeps up."""

from __future__ import annotations

import itertools
import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import httpx

from asyncio_adapter._supervisor import RESTART_PAUSE

from .helpers import STEP
from .test_cli import ServerProcess

SERVING = r"Serving on http://127\.0\.0\.1:\d+ \("


def start(*flags):
    server = ServerProcess("tests.e2e.pid_app:router", "--no-access-log", *flags)
    server.base = server.wait_for(r"serving on (http://127\.0\.0\.1:\d+) with").group(1)
    return server


def pids_answering(base, count):
    """The worker pids that answered ``count`` requests, each on a new connection."""
    seen = []
    for _ in range(count):
        with httpx.Client(timeout=STEP) as client:
            seen.append(int(client.get(f"{base}/pid").text))
    return seen


def wait_pid_gone(pid):
    deadline = time.monotonic() + STEP
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} is still alive")


def test_workers_share_the_socket_a_dead_one_is_replaced_and_sigterm_stops_all():
    server = start("--workers", "2")
    try:
        first = int(server.wait_for(r"Started worker (\d+)").group(1))
        second = int(server.wait_for(r"Started worker (\d+)").group(1))
        for _ in range(2):
            server.wait_for(r"Serving on http://127\.0\.0\.1:\d+ \(")
        assert set(pids_answering(server.base, 20)) <= {first, second}

        os.kill(first, signal.SIGKILL)
        server.wait_for(rf"Worker {first} killed by SIGKILL")
        third = int(server.wait_for(r"Started worker (\d+)").group(1))
        server.wait_for(r"Serving on http://127\.0\.0\.1:\d+ \(")
        answered = set(pids_answering(server.base, 20))
        assert first not in answered
        assert answered <= {second, third}
    finally:
        code, log = server.finish(signal.SIGTERM)
    assert code == 0, log
    assert "Supervisor stopping 2 worker(s)" in log
    wait_pid_gone(second)
    wait_pid_gone(third)


def test_max_requests_recycles_the_worker_without_failing_a_request():
    server = start("--max-requests", "4")
    try:
        server.wait_for(r"Serving on http://127\.0\.0\.1:\d+ \(")
        answered = pids_answering(server.base, 10)
    finally:
        code, log = server.finish(signal.SIGINT)
    assert code == 0, log
    # Four requests per worker, then a fresh one: 4 + 4 + 2.
    assert [answered.count(pid) for pid in dict.fromkeys(answered)] == [4, 4, 2], answered
    assert log.count("Served 4 requests: stopping this worker") == 2


def test_a_retiring_worker_is_replaced_while_it_drains(tmp_path):
    """The replacement starts when the old worker stops accepting, not when it exits."""
    release = tmp_path / "release"
    server = start("--max-requests", "2")
    try:
        first = int(server.wait_for(r"Started worker (\d+)").group(1))
        server.wait_for(SERVING)
        assert pids_answering(server.base, 1) == [first]
        with ThreadPoolExecutor(1) as pool:
            # The second request reaches the limit and is kept in flight.
            held = pool.submit(
                httpx.get, f"{server.base}/hold", params={"until": str(release)}, timeout=15
            )
            try:
                server.wait_for(rf"Worker {first} stopped accepting; starting another", STEP)
                second = int(server.wait_for(r"Started worker (\d+)").group(1))
                server.wait_for(SERVING)
                assert pids_answering(server.base, 1) == [second]
                assert not held.done()
            finally:
                release.touch()
            response = held.result(timeout=15)
        assert response.text == str(first)
        assert response.headers["connection"] == "close"
        server.wait_for(rf"Worker {first} exited$")
    finally:
        code, log = server.finish(signal.SIGTERM)
    assert code == 0, log
    assert log.count("Started worker") == 2, log  # the retired worker is not replaced twice


def test_a_worker_that_fails_at_startup_is_restarted_after_a_pause():
    """A crashing app must not make the supervisor start workers in a tight loop."""
    # --max-requests alone: one supervised worker.
    server = ServerProcess("tests.e2e.crash_app:app", "--max-requests", "100")
    try:
        for _ in range(3):
            server.wait_for(r"Started worker \d+")
    finally:
        code, log = server.finish(signal.SIGTERM)
    assert code == 0, log
    started = [
        datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")
        for stamp in re.findall(r"^(\S+ \S+) INFO \S+: Started worker", log, re.MULTILINE)
    ]
    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    assert len(gaps) >= 2, log
    assert min(gaps) >= timedelta(seconds=RESTART_PAUSE), gaps
    assert "exited with 3; starting another in 1 s" in log
