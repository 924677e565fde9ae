"""``--workers N``: one supervisor process, N worker processes sharing one listening socket.

The supervisor binds the socket once and starts each worker as
``python -m asyncio_adapter ... --fd N --worker W``, so a worker is the
ordinary single-process server on an inherited socket. The kernel hands
each new connection to whichever worker accepts it first.

``W`` is the write end of a pipe back to the supervisor. A worker that
stops accepting while the supervisor is not stopping (it served
``--max-requests``, or someone sent it a SIGTERM) writes its pid there,
and the supervisor starts its replacement at once, while the old worker
drains, not after it exited: the socket is left without an acceptor only
for as long as a worker takes to start, and with several workers not at
all. The retired worker is not replaced a second time when it exits.

Workers run in their own session, so a Ctrl-C in the terminal reaches the
supervisor only: it then sends each worker one SIGTERM (the graceful
drain; a second signal would abort it) and waits for them for the grace
period, plus a margin, before it kills what is left. A worker that exits
without having announced it is replaced too; one that failed within a
second of its start is replaced a second later, so a crashing app does
not spin the CPU.
"""

from __future__ import annotations

import contextlib
import os
import select
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


def announce_stop(fd: int) -> None:
    """In a worker: tell the supervisor, through the pipe ``fd``, that it stopped accepting.

    A write of fewer than PIPE_BUF bytes is atomic, so the lines of
    several workers never interleave. The supervisor made the pipe
    non-blocking: a full pipe (it would take thousands of unread lines)
    loses the line rather than stalling the worker's loop, and the worker
    is then replaced when it exits, as before.
    """
    with contextlib.suppress(OSError):  # the supervisor is gone, or the pipe is full
        os.write(fd, b"%d\n" % os.getpid())


class Supervisor:
    """Starts ``config.workers`` workers for the command line ``argv`` and keeps them up."""

    def __init__(self, config: Config, argv: Sequence[str]) -> None:
        self.config = config
        self.argv = list(argv)
        #: One per slot: the worker serving it (or the dead one, while its restart waits).
        self.workers: list[subprocess.Popen[bytes]] = []
        #: Workers that stopped accepting and were replaced already, while they drain.
        self.retiring: list[subprocess.Popen[bytes]] = []
        self._command: list[str] = []
        self._pass_fds: tuple[int, ...] = ()
        self._started: dict[int, float] = {}
        self._restart_at: dict[int, float] = {}  # slot -> when its dead worker's successor starts
        self._unread = b""
        self._stopping = False

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM, then stop every worker; return the exit status."""
        configure_logging(self.config.log_level)
        ssl_context(self.config)  # a bad certificate fails here, once, not in every worker
        sock = bind_socket(self.config)
        announcements, announce = os.pipe()
        os.set_blocking(announcements, False)
        os.set_blocking(announce, False)
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
                str(announce),
            ]
            self._pass_fds = (sock.fileno(), announce)
            error_logger.info(
                "Supervisor %d serving on %s with %d worker(s)",
                os.getpid(),
                describe(sock, tls=self.config.ssl_certfile is not None),
                self.config.workers,
            )
            self.workers = [self._spawn() for _ in range(self.config.workers)]
            while not self._stopping:
                # A signal interrupts the wait only to run its handler (PEP 475):
                # the loop sees _stopping at most POLL_INTERVAL later.
                ready, _, _ = select.select([announcements], [], [], POLL_INTERVAL)
                if self._stopping:
                    break
                if ready:
                    self._read_announcements(announcements)
                self._check_workers()
            error_logger.info("Supervisor stopping %d worker(s)", len(self.workers))
            self._stop_workers()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            sock.close()
            os.close(announcements)
            os.close(announce)
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

    def _read_announcements(self, fd: int) -> None:
        """Replace each worker that announced it stopped accepting."""
        try:
            data = self._unread + os.read(fd, 4096)
        except BlockingIOError:
            return
        *lines, self._unread = data.split(b"\n")
        for line in lines:
            pid = int(line)
            for index, worker in enumerate(self.workers):
                # A pid no longer in a slot exited and was replaced already.
                if worker.pid == pid and worker.poll() is None:
                    error_logger.info("Worker %d stopped accepting; starting another", pid)
                    self.retiring.append(worker)
                    self.workers[index] = self._spawn()
                    break

    def _check_workers(self) -> None:
        """Replace the workers that exited unannounced, after RESTART_PAUSE if they failed young.

        The retired workers that exited are only reported: they were
        replaced when they announced it.
        """
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
        for worker in list(self.retiring):
            if worker.poll() is not None:
                self.retiring.remove(worker)
                del self._started[worker.pid]
                self._report_exit(worker, "")

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
        workers = [*self.workers, *self.retiring]
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.config.grace_period + KILL_MARGIN
        for worker in workers:
            try:
                worker.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                error_logger.warning("Worker %d did not stop in time: killing it", worker.pid)
                worker.kill()
                worker.wait()
