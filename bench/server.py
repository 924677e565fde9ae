"""Whole-server benchmark: wrk against our server, uvicorn, and a Protocol ceiling.

Each server runs alone, pinned to CPU 0 (taskset); wrk runs pinned to
CPU 1. Every server gets the same event loop: uvloop first, then asyncio's
own as a second row. Two modes: keep-alive (``-c50``) and connection per
request (wrk sends ``Connection: close``). Then resident memory of our
server and of uvicorn with 1,000 idle keep-alive connections.

Servers:
  ours              python -m asyncio_adapter bench.server_app:app (article API)
  ours (streams)    bench/server_streams.py: the same work on asyncio.start_server
  uvicorn+httptools a minimal ASGI app (bench/server_asgi.py)
  uvicorn+h11       the same app
  Protocol ceiling  bench/server_ceiling.py: fixed response, no parsing

Then bench/server_inprocess.py: the same servers' user-space CPU per
request with the socket faked out, which a noisy machine cannot move.

Needs wrk (Debian: apt-get install wrk), taskset, and the bench and
uvloop extras. Every server listens on 127.0.0.1 only.

    python bench/server.py [--duration 3] [--rounds 3] [--loops uvloop,asyncio]

Each figure is the best of the rounds (highest req/s, lowest p99 and CPU):
load from elsewhere on the machine only ever slows a run down, and on a
shared machine it does, by up to 2-3x. "CPU/req" is the server process's
CPU time per keep-alive request, which such load disturbs least; "spread"
is the slowest keep-alive round against the fastest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SERVER_CPU = "0"
CLIENT_CPU = "1"
IDLE_CONNECTIONS = 1000


@dataclass
class Result:
    requests_per_second: float
    p99_ms: float
    errors: int
    requests: int


def best_result(results: list[Result]) -> Result:
    return Result(
        max(r.requests_per_second for r in results),
        min(r.p99_ms for r in results),
        sum(r.errors for r in results),
        sum(r.requests for r in results),
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc (clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(name: str, loop: str, port: int) -> list[str]:
    common = ["--port", str(port)]
    if name == "ours":
        return [
            PYTHON, "-m", "asyncio_adapter", "bench.server_app:app", "--loop", loop,
            "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "60",
            *common,
        ]  # fmt: skip
    if name == "ours (streams)":
        return [PYTHON, "bench/server_streams.py", "--loop", loop, *common]
    if name.startswith("uvicorn"):
        http = name.split("+")[1]
        return [
            PYTHON, "-m", "uvicorn", "bench.server_asgi:app", "--http", http, "--loop", loop,
            "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "60",
            "--host", "127.0.0.1", *common,
        ]  # fmt: skip
    if name == "Protocol ceiling":
        return [PYTHON, "bench/server_ceiling.py", "--loop", loop, *common]
    raise ValueError(name)


@contextlib.contextmanager
def running(name: str, loop: str) -> Iterator[tuple[int, int]]:
    """Start one server pinned to SERVER_CPU; yield (pid, port); stop it."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CPU, *server_command(name, loop, port)], cwd=ROOT, env=env
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.05)
        yield process.pid, port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(port: int, duration: int, connections: int, close: bool) -> Result:
    command = [
        "taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{max(1, duration)}s",
        "--latency", "--timeout", "5s",
    ]  # fmt: skip
    if close:
        command += ["-H", "Connection: close"]
    command.append(f"http://127.0.0.1:{port}/")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    assert p99 is not None, output
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = 0
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if found:
        errors += int(found.group(1))
    found = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if found:
        errors += sum(int(n) for n in found.groups())
    total = re.search(r"(\d+) requests in", output)
    assert total is not None, output
    return Result(rate, float(p99.group(1)) * scale, errors, int(total.group(1)))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def hold_idle_connections(port: int, count: int, pid: int) -> float:
    """Open ``count`` connections, one request each, keep them open; return RSS then."""
    writers = []
    try:
        for _ in range(count):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
            await reader.readuntil(b"Hello, world!")
            writers.append(writer)
        await asyncio.sleep(1.0)
        return rss_mib(pid)
    finally:
        for writer in writers:
            writer.close()


def measure_memory(name: str, loop: str) -> tuple[float, float]:
    with running(name, loop) as (pid, port):
        time.sleep(0.5)
        idle = rss_mib(pid)
        loaded = asyncio.run(hold_idle_connections(port, IDLE_CONNECTIONS, pid))
    return idle, loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds (best of)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--loops", default="uvloop,asyncio")
    parser.add_argument(
        "--servers",
        default="ours,ours (streams),uvicorn+httptools,uvicorn+h11,Protocol ceiling",
    )
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            print(f"bench/server.py needs {tool} (apt-get install wrk util-linux)")
            return 1
    if (os.cpu_count() or 1) < 2:
        print("bench/server.py needs two CPUs: one for the server, one for wrk")
        return 1
    loops = args.loops.split(",")
    try:
        import uvloop  # noqa: F401 - only to learn whether it is installed
    except ImportError:
        print("uvloop is not installed (pip install uvloop): measuring asyncio's loop only")
        loops = [loop for loop in loops if loop != "uvloop"] or ["asyncio"]
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    servers = args.servers.split(",")
    # Rounds interleave the servers, so a burst of load from elsewhere on
    # the machine hits one sample of every server rather than every sample
    # of one; the best round of each server is then compared.
    samples: dict[tuple[str, str], list[tuple[Result, Result, float]]] = {}
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}/{args.rounds} ...", flush=True)
        for loop in loops:
            for name in servers:
                with running(name, loop) as (pid, port):
                    wrk(port, 1, args.connections, close=False)  # warm up
                    before = cpu_seconds(pid)
                    keep = wrk(port, args.duration, args.connections, close=False)
                    cpu = (cpu_seconds(pid) - before) / max(keep.requests, 1) * 1e6
                    close = wrk(port, args.duration, args.connections, close=True)
                samples.setdefault((loop, name), []).append((keep, close, cpu))

    table: dict[tuple[str, str], tuple[Result, Result, float]] = {}
    header = (
        f"{'loop':8} {'server':20} {'keep-alive req/s':>17} {'p99':>9} {'CPU/req':>9}"
        f" {'spread':>7} {'close req/s':>12} {'p99':>9}"
    )
    print()
    print(header)
    print("-" * len(header))
    for (loop, name), runs in samples.items():
        keep = best_result([run[0] for run in runs])
        close = best_result([run[1] for run in runs])
        cpu = min(run[2] for run in runs)
        spread = min(run[0].requests_per_second for run in runs) / keep.requests_per_second
        table[loop, name] = keep, close, cpu
        errors = sum(run[0].errors + run[1].errors for run in runs)
        note = f"  ({errors} errors)" if errors else ""
        print(
            f"{loop:8} {name:20} {keep.requests_per_second:17,.0f} {keep.p99_ms:7.2f}ms"
            f" {cpu:7.1f}us {spread:7.2f} {close.requests_per_second:12,.0f} {close.p99_ms:7.2f}ms{note}"
        )

    print()
    for loop in loops:
        if (loop, "ours") in table and (loop, "uvicorn+httptools") in table:
            ours_keep, ours_close, ours_cpu = table[loop, "ours"]
            ref_keep, ref_close, ref_cpu = table[loop, "uvicorn+httptools"]
            print(
                f"{loop}: ours / uvicorn+httptools: keep-alive "
                f"{ours_keep.requests_per_second / ref_keep.requests_per_second:.2f}x "
                f"(target >= 1.5, stretch 2; server CPU per request {ref_cpu / ours_cpu:.2f}x), "
                f"connection-per-request "
                f"{ours_close.requests_per_second / ref_close.requests_per_second:.2f}x "
                f"(target >= 1.5); p99 keep-alive {ours_keep.p99_ms:.2f}ms vs "
                f"{ref_keep.p99_ms:.2f}ms, close {ours_close.p99_ms:.2f}ms vs {ref_close.p99_ms:.2f}ms"
            )
        if (loop, "ours") in table and (loop, "Protocol ceiling") in table:
            share = (
                table[loop, "ours"][0].requests_per_second
                / table[loop, "Protocol ceiling"][0].requests_per_second
            )
            print(f"{loop}: ours reaches {share:.0%} of the Protocol ceiling (keep-alive)")

    print()
    print("In-process, socket faked out (bench/server_inprocess.py): user-space CPU per request")
    for loop in loops:
        subprocess.run([PYTHON, "bench/server_inprocess.py", "--loop", loop], cwd=ROOT, check=True)

    print()
    loop = loops[0]
    for name in ("ours", "uvicorn+httptools"):
        if name in servers:
            idle, loaded = measure_memory(name, loop)
            print(
                f"memory {name} ({loop}): idle {idle:.1f} MiB, with {IDLE_CONNECTIONS} idle "
                f"keep-alive connections {loaded:.1f} MiB (+{loaded - idle:.1f} MiB"
                + (", target <= 30)" if name == "ours" else ")")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
