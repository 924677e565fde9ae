"""Run every fuzz target for FUZZ_SECONDS each (default 60) with atheris.

Each target runs in its own process on a working corpus seeded from
``seeds.py``; inputs that crash or time out (over one second) are kept in
``fuzz/crashes/`` and the run exits non-zero.

    make fuzz                    # every target, 60 s each
    FUZZ_SECONDS=600 make fuzz
    .venv/bin/python fuzz/run.py request_parser
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from seeds import write_seeds  # noqa: E402
from targets import TARGETS  # noqa: E402


def main() -> int:
    seconds = int(os.environ.get("FUZZ_SECONDS", "60"))
    names = sys.argv[1:] or list(TARGETS)
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    failed = []
    for name in names:
        corpus = HERE / "corpus-work" / name
        write_seeds(corpus)
        print(f"== {name}: {seconds} s", flush=True)
        result = subprocess.run(
            [
                sys.executable,
                str(HERE / "atheris_main.py"),
                name,
                str(corpus),
                f"-max_total_time={seconds}",
                "-timeout=1",
                "-rss_limit_mb=2048",
                f"-artifact_prefix={crashes}/{name}-",
                "-print_final_stats=1",
            ],
            check=False,
        )
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"crashes in: {', '.join(failed)} (inputs kept in {crashes})")
        return 1
    print("no crashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
