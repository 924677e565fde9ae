"""``--workers N``: one supervisor process, N worker processes sharing one listening socket.

The supervisor binds the socket once and starts each worker as
``python -m asyncio_adapter ... --fd N --worker``, so a worker is the
ordinary single-process server on an inherited socket. The kernel hands
each new connection to whichever worker accepts it first.

Workers run in their own session, so a Ctrl-C in the terminal reaches the
supervisor only: it then sends each worker one SIGTERM (the graceful
drain; a second signal would abort it) and waits for them for the grace
period, plus a margin, before it kills what is left. A worker that exits
while the supervisor is not stopping, because it died or because it
served ``--max-requests``, is replaced; a worker that fails within a
second of its start is replaced after a pause, so a crashing app does
not spin the CPU.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType
from typing import Final

from ._config import Config
from ._logging import configure_logging, error_logger
from ._sockets import bind_socket, describe, ssl_context

#: How often the supervisor looks for workers that exited.
POLL_INTERVAL: Final = 0.1

#: A worker that fails sooner than this after its start is restarted after as long.
RESTART_PAUSE: Final = 1.0

#: How long past the grace period the supervisor waits before killing workers.
KILL_MARGIN: Final = 5.0


class Supervisor:
    """Starts ``config.workers`` workers for the command line ``argv`` and keeps them up."""

    def __init__(self, config: Config, argv: Sequence[str]) -> None:
        self.config = config
        self.argv = list(argv)
        self.workers: list[subprocess.Popen[bytes]] = []
        self._started: dict[int, float] = {}
        self._stopping = False

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM, then stop every worker; return the exit status."""
        configure_logging(self.config.log_level)
        ssl_context(self.config)  # a bad certificate fails here, once, not in every worker
        sock = bind_socket(self.config)
        previous = {
            number: signal.signal(number, self._on_signal)
            for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            os.set_inheritable(sock.fileno(), True)
            command = [
                sys.executable,
                "-m",
                "asyncio_adapter",
                *self.argv,
                "--fd",
                str(sock.fileno()),
                "--worker",
            ]
            error_logger.info(
                "Supervisor %d serving on %s with %d worker(s)",
                os.getpid(),
                describe(sock, tls=self.config.ssl_certfile is not None),
                self.config.workers,
            )
            self.workers = [self._spawn(command, sock.fileno()) for _ in range(self.config.workers)]
            while not self._stopping:
                time.sleep(POLL_INTERVAL)
                for index, worker in enumerate(self.workers):
                    if self._stopping or worker.poll() is None:
                        continue
                    self._report_exit(worker)
                    if worker.returncode != 0 and self._died_young(worker):
                        time.sleep(RESTART_PAUSE)
                    if not self._stopping:
                        self.workers[index] = self._spawn(command, sock.fileno())
            error_logger.info("Supervisor stopping %d worker(s)", len(self.workers))
            self._stop_workers()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            sock.close()
            if self.config.fd is None and self.config.uds is not None:
                os.unlink(self.config.uds)
        return 0

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        self._stopping = True

    def _spawn(self, command: list[str], fd: int) -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(command, pass_fds=(fd,), start_new_session=True)
        self._started[worker.pid] = time.monotonic()
        error_logger.info("Started worker %d", worker.pid)
        return worker

    def _died_young(self, worker: subprocess.Popen[bytes]) -> bool:
        return time.monotonic() - self._started.get(worker.pid, 0.0) < RESTART_PAUSE

    def _report_exit(self, worker: subprocess.Popen[bytes]) -> None:
        self._started.pop(worker.pid, None)
        code = worker.returncode
        if code == 0:
            error_logger.info("Worker %d exited; starting another", worker.pid)
        elif code < 0:
            name = signal.Signals(-code).name
            error_logger.warning("Worker %d killed by %s; starting another", worker.pid, name)
        else:
            error_logger.warning("Worker %d exited with %d; starting another", worker.pid, code)

    def _stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.config.grace_period + KILL_MARGIN
        for worker in self.workers:
            try:
                worker.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                error_logger.warning("Worker %d did not stop in time: killing it", worker.pid)
                worker.kill()
                worker.wait()
