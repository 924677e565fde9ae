"""Instructions per message and per request, counted by valgrind: the figures noise cannot move.

Timings on a shared machine move by tens of percent between runs; the
instructions a piece of work executes do not. Each figure here is the
difference between two runs of the same workload under ``valgrind
--tool=callgrind``, one with more repetitions than the other, divided by
the extra repetitions: start-up and imports cancel out.

Parser cases are bench/parser.py's, through the same harness (ours and
httptools). Server figures are bench/server_inprocess.py's drivers on
uvloop: keep-alive requests over 50 connections, and connections that
carry one request each. Instructions are not time (httptools' C does
more per instruction than the interpreter), so read them beside the
timed benchmarks, not instead of them. One thing in the servers runs by
the clock, their once-a-second housekeeping tick: a run slowed by a busy
machine ticks more, so server figures are steady to about 0.1k only when
nothing else runs (seen here: up to 5k more per connection beside a test
suite).

    python bench/instructions.py            # every figure, about ten minutes
    python bench/instructions.py parser     # the parser cases only
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PARSER_CASES = "abcder"
#: Runs of each case; case (e) is 100 messages a run, so a tenth of them.
PARSER_RUNS = (100, 600)
SERVERS = ("ours", "ours (ASGI)", "uvicorn+httptools")
#: Rounds of 50 connections: keep-alive requests, or new connections.
SERVER_ROUNDS = (10, 60)
CONNECTIONS = 50


def run_parser_case(label: str, implementation: str, repeats: int) -> None:
    sys.path.insert(0, str(BENCH))
    import parser as cases  # bench/parser.py

    case = next(case for case in cases.CASES if case.label == label)
    make = cases.IMPLEMENTATIONS[implementation]
    run = make(case)
    for _ in range(repeats):
        run()


def run_server(server: str, mode: str, rounds: int) -> None:
    sys.path[0] = str(BENCH.parent)
    import uvloop

    import bench.server_inprocess as inprocess

    inprocess.ROUNDS = inprocess.CLOSE_ROUNDS = rounds
    inprocess.TRIALS = 1
    drive = inprocess.drive if mode == "keep-alive" else inprocess.drive_new_connections
    servers: dict[str, Callable[[], object]] = {
        "ours": lambda: inprocess.ours(drive),
        "ours (ASGI)": lambda: inprocess.ours_asgi(drive),
        "uvicorn+httptools": lambda: inprocess.uvicorn("httptools", drive),
    }
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(servers[server]())


def instructions(arguments: list[str]) -> int:
    """Instructions valgrind counted for this script run with ``arguments``."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--inner",
            *arguments,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    match = re.search(r"Collected : (\d+)", result.stderr)
    if match is None:
        raise SystemExit(f"no instruction count from valgrind:\n{result.stderr[-2000:]}")
    return int(match[1])


def per_unit(arguments: list[str], counts: tuple[int, int], units: int) -> float:
    """Instructions per unit of work: the difference of two counts, per extra unit."""
    low, high = (instructions([*arguments, str(count)]) for count in counts)
    return (high - low) / ((counts[1] - counts[0]) * units)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("part", nargs="?", choices=("parser", "server"), default=None)
    options.add_argument("--inner", nargs="+", help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.inner:
        kind, *rest = args.inner
        if kind == "parser":
            run_parser_case(rest[0], rest[1], int(rest[2]))
        else:
            run_server(rest[0], rest[1], int(rest[2]))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: apt-get install valgrind")
    # Two workers: valgrind is single-threaded and the counts do not
    # depend on what else runs.
    with ThreadPoolExecutor(max_workers=2) as pool:
        if args.part in (None, "parser"):
            jobs = {
                (label, name): pool.submit(per_unit, ["parser", label, name], PARSER_RUNS, 1)
                for label in PARSER_CASES
                for name in ("sansio_http", "httptools")
            }
            print("parser: instructions per message (bench/parser.py's harness)")
            print(f"{'case':<6} {'sansio_http':>12} {'httptools':>10} {'x httptools':>12}")
            for label in PARSER_CASES:
                ours = jobs[(label, "sansio_http")].result()
                anchor = jobs[(label, "httptools")].result()
                messages = 100 if label == "e" else 1  # per message, as bench/parser.py
                print(
                    f"({label})   {ours / messages:>12,.0f} {anchor / messages:>10,.0f} "
                    f"{anchor / ours:>12.2f}"
                )
        if args.part in (None, "server"):
            server_jobs = {
                (server, mode): pool.submit(
                    per_unit, ["server", server, mode], SERVER_ROUNDS, CONNECTIONS
                )
                for mode in ("keep-alive", "new-connection")
                for server in SERVERS
            }
            print("\nserver (uvloop, socket faked out): instructions per request")
            for mode in ("keep-alive", "new-connection"):
                reference = server_jobs[("uvicorn+httptools", mode)].result()
                for server in SERVERS:
                    count = server_jobs[(server, mode)].result()
                    print(
                        f"{mode:<15} {server:<18} {count:>10,.0f}   "
                        f"uvicorn+httptools / this: {reference / count:.2f}x"
                    )


if __name__ == "__main__":
    main()
