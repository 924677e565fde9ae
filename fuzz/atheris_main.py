"""One atheris run of one target: ``atheris_main.py TARGET CORPUS... [libFuzzer flags]``.

Only the library is instrumented (``sansio_http`` and ``router``): the
fuzzer's feedback is their coverage, not the harness's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["sansio_http", "router"]):
    from targets import TARGETS


def main() -> None:
    name = sys.argv.pop(1)
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
