"""The fuzz targets run on their seed inputs, so that `make test` sees a target break.

A target reads some private state of the core to check its promises
(``fuzz/targets.py``, ``snapshot``); a change there once broke a target
that only a fuzzing run noticed. Here each target runs once on a bounded
share of its seed corpus: no fuzzing, just the harness and the core.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
#: Seeds per target: enough to reach every kind of input the corpus has.
SEEDS_PER_TARGET = 40


@pytest.fixture(scope="module")
def fuzz_modules() -> Iterator[tuple[ModuleType, ModuleType]]:
    sys.path.insert(0, str(FUZZ))
    try:
        import seeds
        import targets

        yield targets, seeds
    finally:
        sys.path.remove(str(FUZZ))


@pytest.mark.parametrize(
    "target",
    [
        "request_parser",
        "response_parser",
        "server_connection",
        "client_connection",
        "round_trip",
        "router_match",
    ],
)
def test_target_runs_on_its_seeds(fuzz_modules: tuple[ModuleType, ModuleType], target: str) -> None:
    targets, seeds = fuzz_modules
    inputs = seeds.seed_inputs(target)
    assert inputs, f"no seeds for {target}"
    step = max(1, len(inputs) // SEEDS_PER_TARGET)
    for data in inputs[::step]:
        targets.TARGETS[target](data)
