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
served ``--max-requests``, is replaced; one that failed within a second
of its start is replaced a second later, so a crashing app does not spin
the CPU.
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
        #: One per slot: the worker serving it (or the dead one, while its restart waits).
        self.workers: list[subprocess.Popen[bytes]] = []
        self._command: list[str] = []
        self._pass_fds: tuple[int, ...] = ()
        self._started: dict[int, float] = {}
        self._restart_at: dict[int, float] = {}  # slot -> when its dead worker's successor starts
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
            self._command = [
                sys.executable,
                "-m",
                "asyncio_adapter",
                *self.argv,
                "--fd",
                str(sock.fileno()),
                "--worker",
            ]
            self._pass_fds = (sock.fileno(),)
            error_logger.info(
                "Supervisor %d serving on %s with %d worker(s)",
                os.getpid(),
                describe(sock, tls=self.config.ssl_certfile is not None),
                self.config.workers,
            )
            self.workers = [self._spawn() for _ in range(self.config.workers)]
            while not self._stopping:
                # A signal interrupts the sleep only to run its handler (PEP 475):
                # the loop sees _stopping at most POLL_INTERVAL later.
                time.sleep(POLL_INTERVAL)
                if not self._stopping:
                    self._check_workers()
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

    def _spawn(self) -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(self._command, pass_fds=self._pass_fds, start_new_session=True)
        self._started[worker.pid] = time.monotonic()
        error_logger.info("Started worker %d", worker.pid)
        return worker

    def _check_workers(self) -> None:
        """Replace the workers that exited, after RESTART_PAUSE if they failed young."""
        now = time.monotonic()
        for index, worker in enumerate(self.workers):
            restart_at = self._restart_at.get(index)
            if restart_at is not None:
                if now >= restart_at:
                    del self._restart_at[index]
                    self.workers[index] = self._spawn()
                continue
            if worker.poll() is None:
                continue
            lived = now - self._started.pop(worker.pid)
            if worker.returncode != 0 and lived < RESTART_PAUSE:
                self._report_exit(worker, f"; starting another in {RESTART_PAUSE:g} s")
                self._restart_at[index] = now + RESTART_PAUSE
            else:
                self._report_exit(worker, "; starting another")
                self.workers[index] = self._spawn()

    def _report_exit(self, worker: subprocess.Popen[bytes], then: str) -> None:
        code = worker.returncode
        if code == 0:
            error_logger.info("Worker %d exited%s", worker.pid, then)
        elif code < 0:
            name = signal.Signals(-code).name
            error_logger.warning("Worker %d killed by %s%s", worker.pid, name, then)
        else:
            error_logger.warning("Worker %d exited with %d%s", worker.pid, code, then)

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
