"""Run every fuzz target for FUZZ_SECONDS each (default 60), then report coverage.

    make fuzz                          # every target, 60 s each
    FUZZ_SECONDS=600 make fuzz
    FUZZ_JOBS=2 make fuzz              # two targets at a time (one core each)
    .venv/bin/python fuzz/run.py request_parser router_match

Each target runs in its own atheris process on its working corpus,
fuzz/corpus-work/<target>/ (not committed), which ``seeds.py`` fills
from the test cases first; the committed fuzz/corpus/<target>/, if
there is one, is read too. libFuzzer stops at a crash: the input is kept
in fuzz/crashes/ and the target starts again for the time it has left,
so one run can keep several crashes. A crash is an exception other than
the library's own errors, a broken promise (see targets.py), or an input
that takes over one second (``-timeout=1``).

Afterwards it prints executions and executions per second per target
(libFuzzer's final stats, also appended to fuzz/corpus-work/runs.jsonl),
the line and branch coverage of ``sansio_http`` that the corpus reaches
(``cover.py``), and the differential run's classes by rule
(``differential.py``; ``FUZZ_DIFFERENTIAL=0`` skips it). Exits non-zero
if anything crashed or a disagreement has no explanation.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from seeds import write_seeds  # noqa: E402
from targets import TARGETS  # noqa: E402

CRASHES = HERE / "crashes"
WORK = HERE / "corpus-work"
#: Inputs longer than this teach little that shorter ones do not, and slow every run.
MAX_LEN = int(os.environ.get("FUZZ_MAX_LEN", "2048"))
#: How often a target that crashes is started again before its time is up.
MAX_RESTARTS = 20
STAT = re.compile(rb"stat::(\w+):\s+(\d+)")


@dataclass
class Result:
    target: str
    seconds: float
    executions: int
    crashes: int
    new_units: int

    @property
    def per_second(self) -> float:
        return self.executions / self.seconds if self.seconds else 0.0


def fuzz(name: str, seconds: int) -> Result:
    """Fuzz one target for ``seconds``, starting again after each crash."""
    corpus = WORK / name
    write_seeds(name, corpus)
    folders = [str(corpus)]
    if (HERE / "corpus" / name).is_dir():
        folders.append(str(HERE / "corpus" / name))
    log = WORK / f"{name}.log"
    started = time.monotonic()
    executions = crashes = new_units = 0
    with log.open("ab") as output:
        for _ in range(MAX_RESTARTS + 1):
            left = int(seconds - (time.monotonic() - started))
            if left < 1:
                break
            command = [
                sys.executable,
                str(HERE / "atheris_main.py"),
                name,
                *folders,
                f"-max_total_time={left}",
                "-timeout=1",
                f"-max_len={MAX_LEN}",
                "-rss_limit_mb=2048",
                f"-artifact_prefix={CRASHES}/{name}-",
                "-print_final_stats=1",
            ]
            result = subprocess.run(command, capture_output=True, check=False)
            output.write(result.stdout + result.stderr)
            stats = {key.decode(): int(value) for key, value in STAT.findall(result.stderr)}
            executions += stats.get("number_of_executed_units", 0)
            new_units += stats.get("new_units_added", 0)
            if result.returncode == 0:
                break
            crashes += 1
            report = result.stderr.decode(errors="replace")
            start = report.find("=== Uncaught Python exception")
            start = report.find("ERROR: libFuzzer") if start < 0 else start
            print(f"!! {name} crashed:\n{report[start : start + 3000]}", flush=True)
    outcome = Result(name, time.monotonic() - started, executions, crashes, new_units)
    with (WORK / "runs.jsonl").open("a") as runs:
        runs.write(json.dumps({**asdict(outcome), "finished": time.time()}) + "\n")
    print(
        f"== {name}: {outcome.executions} executions in {outcome.seconds:.0f} s "
        f"({outcome.per_second:.0f}/s), {outcome.new_units} new inputs, {outcome.crashes} crashes",
        flush=True,
    )
    return outcome


def main() -> int:
    seconds = int(os.environ.get("FUZZ_SECONDS", "60"))
    jobs = int(os.environ.get("FUZZ_JOBS", "1"))
    names = sys.argv[1:] or list(TARGETS)
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        raise SystemExit(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    CRASHES.mkdir(exist_ok=True)
    WORK.mkdir(exist_ok=True)
    print(f"fuzzing {', '.join(names)}: {seconds} s each, {jobs} at a time", flush=True)
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda name: fuzz(name, seconds), names))
    total = sum(result.executions for result in results)
    print(f"\n{'target':<20}{'executions':>12}{'exec/s':>9}{'crashes':>9}")
    for result in results:
        print(
            f"{result.target:<20}{result.executions:>12}{result.per_second:>9.0f}{result.crashes:>9}"
        )
    print(f"{'total':<20}{total:>12}")
    print(flush=True)
    subprocess.run([sys.executable, str(HERE / "cover.py")], check=False)
    failed = False
    if os.environ.get("FUZZ_DIFFERENTIAL", "1") != "0":
        print("\ndifferential run against h11 and httptools:", flush=True)
        differential = subprocess.run(
            [sys.executable, str(HERE / "differential.py")], capture_output=True, check=False
        )
        report = differential.stdout.decode()
        print(report[report.find("by rule") :] if differential.returncode == 0 else report)
        failed = differential.returncode != 0
    crashed = [result.target for result in results if result.crashes]
    if failed:
        print("a disagreement with h11 or httptools that no rule explains (see above)")
        return 1
    if crashed:
        print(f"crashes in: {', '.join(crashed)} (inputs kept in {CRASHES})")
        return 1
    print("no crashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
