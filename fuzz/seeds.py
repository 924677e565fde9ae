"""The seed corpus, made from the test cases: ``seeds.py [DIR]`` writes it.

The byte strings come from the case tables of tests/sansio_http
(``test_readers.py``: valid and invalid requests, responses and chunked
bodies; ``test_connection.py``: the Upgrade, CONNECT and 100-continue
requests) and the routes from ../shared/routes/large.txt, filled with the
sample values that tests/router/test_route_sets.py uses. Each is put in the
input format of its target (see targets.py): a four-byte seed for the
random choices, for responses a byte naming the requests they answer.
Files are named by a hash of their content, as libFuzzer names its own,
so writing the seeds again adds nothing twice.

``run.py`` writes them into the working corpus (fuzz/corpus-work/, not
committed) before each run.
"""

from __future__ import annotations

import hashlib
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from targets import ROUTES, methods_byte  # noqa: E402

from tests.router.test_route_sets import fill  # noqa: E402
from tests.sansio_http import test_connection, test_readers  # noqa: E402

#: Seeds for the random choices: each message is written once per seed,
#: so it starts out cut and answered in a few different ways.
CHOICE_SEEDS = (b"\x00\x00\x00\x00", b"seed", b"\xff\x01\x7f\x10")
CHUNKED_HEAD = b"POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"


def _values(table: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    """The arguments of each ``pytest.param`` of a case table."""
    for case in table:
        yield tuple(case.values)


def requests() -> list[bytes]:
    """Every request of the test tables, and a few pipelined pairs of them."""
    valid = [data for data, _ in _values(test_readers.VALID_REQUESTS)]
    invalid = [data for data, _ in _values(test_readers.INVALID_REQUESTS)]
    chunked = [CHUNKED_HEAD + body for body, _ in _values(test_readers.BAD_CHUNKED_BODIES)]
    connection = [
        test_connection.UPGRADE,
        test_connection.CONNECT + b"tunnel bytes",
        b"PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    ]
    pipelined = [first + second for first, second in zip(valid, valid[1:] + valid[:1], strict=True)]
    return [*valid, *invalid, *chunked, *connection, *pipelined[::3]]


def responses() -> list[tuple[list[bytes], bytes]]:
    """(methods answered, bytes) for every response of the test tables."""
    valid = [(list(methods), data) for methods, data, _ in _values(test_readers.VALID_RESPONSES)]
    invalid = [([b"GET"], data) for data, _ in _values(test_readers.INVALID_RESPONSES)]
    return [*valid, *invalid]


def round_trip_inputs() -> list[bytes]:
    """Message bytes read as choices, and random bytes from a fixed seed."""
    generator = random.Random(9112)
    noise = [generator.randbytes(generator.randrange(16, 200)) for _ in range(40)]
    return [*requests()[::4], *noise]


def router_inputs() -> list[bytes]:
    """Each path of large.txt filled with sample values, under its method or another."""
    inputs = []
    lines = (ROUTES / "large.txt").read_text().splitlines()
    for index, line in enumerate(lines[::4]):
        method, template = line.split(" ", 1)
        path, _ = fill(template)
        methods = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
        code = methods.index(method) if index % 5 else 5 + index % 2
        variant = (path, path + "/", path.replace("o", "%6F", 1), path[:-1])[index % 4]
        inputs.append(bytes([code]) + variant.encode())
    return inputs


def seed_inputs(target: str) -> list[bytes]:
    """The seeds of ``target``, in its input format."""
    if target in ("request_parser", "server_connection"):
        return [seed + data for data in requests() for seed in CHOICE_SEEDS]
    if target in ("response_parser", "client_connection"):
        return [
            seed + bytes([methods_byte(methods[:3])]) + data
            for methods, data in responses()
            for seed in CHOICE_SEEDS
        ]
    if target == "round_trip":
        return round_trip_inputs()
    if target == "router_match":
        return router_inputs()
    raise KeyError(target)


def write_seeds(target: str, corpus: Path) -> int:
    """Write the seeds of ``target`` into ``corpus``; return how many there are."""
    corpus.mkdir(parents=True, exist_ok=True)
    inputs = seed_inputs(target)
    for data in inputs:
        path = corpus / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
    return len(inputs)


if __name__ == "__main__":
    from targets import TARGETS

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "corpus-work"
    for name in TARGETS:
        print(name, write_seeds(name, root / name))
