"""Line and branch coverage of ``sansio_http`` reached by the corpus, the tests, or both.

    .venv/bin/python fuzz/cover.py               # the corpus (and crashes) alone
    .venv/bin/python fuzz/cover.py --with-tests  # also the tests alone, and both combined
    .venv/bin/python fuzz/cover.py --missing     # and the lines the corpus misses

The corpus is every input in fuzz/corpus/<target>/ (committed),
fuzz/corpus-work/<target>/ (the working corpus of the runs) and
fuzz/crashes/, each replayed once through its target under coverage.py.
``--with-tests`` runs ``pytest tests/sansio_http`` under pytest-cov into
a data file of its own, combines the two, and exits non-zero when the
combined branch coverage is under ``REQUIRED_BRANCH_COVERAGE``.

(Not named coverage.py: the folder is on ``sys.path`` when the fuzz
scripts run, and a module of that name would hide coverage.py itself.)
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import coverage

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PACKAGE = "sansio_http"
REQUIRED_BRANCH_COVERAGE = 95.0


def corpus_files(target: str) -> list[Path]:
    """Every stored input of ``target``: committed corpus, working corpus, crashes."""
    files: list[Path] = []
    for folder in (HERE / "corpus" / target, HERE / "corpus-work" / target):
        if folder.is_dir():
            files += sorted(path for path in folder.iterdir() if path.is_file())
    crashes = HERE / "crashes"
    if crashes.is_dir():
        files += sorted(crashes.glob(f"{target}-*"))
    return files


def replay(data_file: Path) -> dict[str, int]:
    """Run every stored input through its target under coverage; inputs per target.

    Coverage starts before the library is imported, so that its
    module-level lines count as they do under pytest.
    """
    measure = coverage.Coverage(data_file=str(data_file), branch=True, source_pkgs=[PACKAGE])
    measure.start()
    try:
        sys.path.insert(0, str(HERE))
        from targets import TARGETS

        counts = {}
        for name, target in TARGETS.items():
            files = corpus_files(name)
            counts[name] = len(files)
            for path in files:
                # A kept crash still counts its coverage up to where it failed.
                with contextlib.suppress(Exception):
                    target(path.read_bytes())
    finally:
        measure.stop()
        measure.save()
    return counts


def run_tests(data_file: Path) -> None:
    """``pytest tests/sansio_http`` with branch coverage of the package into ``data_file``."""
    environment = {**os.environ, "COVERAGE_FILE": str(data_file), "CI": "true"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/sansio_http",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--cov={PACKAGE}",
        "--cov-branch",
    ]
    result = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, check=False)
    if result.returncode != 0:
        sys.stdout.write(result.stdout.decode()[-3000:])
        raise SystemExit("the tests failed: no coverage figure for them")


def totals(*data_files: Path) -> dict[str, float]:
    """Line and branch coverage of the package over the combined ``data_files``."""
    with tempfile.TemporaryDirectory() as folder:
        combined = Path(folder) / ".coverage"
        measure = coverage.Coverage(data_file=str(combined), branch=True, source_pkgs=[PACKAGE])
        measure.combine([str(path) for path in data_files], keep=True)
        measure.save()
        report = Path(folder) / "coverage.json"
        # The tests measure every package (pyproject.toml's addopts): report ours.
        measure.json_report(outfile=str(report), include=[f"*/{PACKAGE}/*"])
        figures = json.loads(report.read_text())["totals"]
    return {
        "lines": 100.0 * figures["covered_lines"] / figures["num_statements"],
        "branches": 100.0 * figures["covered_branches"] / max(figures["num_branches"], 1),
        "combined": figures["percent_covered"],
        "missing_lines": figures["missing_lines"],
        "missing_branches": figures["missing_branches"],
    }


def line(label: str, figures: dict[str, float]) -> str:
    return (
        f"{label:<18} lines {figures['lines']:6.2f}%  branches {figures['branches']:6.2f}%  "
        f"(coverage.py total {figures['combined']:6.2f}%; "
        f"{figures['missing_lines']:.0f} lines, {figures['missing_branches']:.0f} branches missed)"
    )


def main(arguments: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        corpus_data = Path(folder) / "corpus.coverage"
        counts = replay(corpus_data)
        print(f"coverage of {PACKAGE} ({sum(counts.values())} inputs: {counts})")
        print(line("corpus alone", totals(corpus_data)))
        if "--missing" in arguments:
            measure = coverage.Coverage(data_file=str(corpus_data), branch=True)
            measure.load()
            measure.report(show_missing=True, skip_covered=True, include=[f"*/{PACKAGE}/*"])
        if "--with-tests" not in arguments:
            return 0
        tests_data = Path(folder) / "tests.coverage"
        run_tests(tests_data)
        print(line("tests alone", totals(tests_data)))
        both = totals(corpus_data, tests_data)
        print(line("tests + corpus", both))
        if both["branches"] < REQUIRED_BRANCH_COVERAGE:
            print(f"branch coverage under {REQUIRED_BRANCH_COVERAGE}%")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
