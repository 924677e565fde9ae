"""Route lookup: our router against falcon, sanic-routing, werkzeug and Starlette.

Every router loads the same route table from ../shared/routes and looks up
every route once per pass, with sample parameters and the route's own method,
so that each lookup also resolves the method to a handler. Before any timing,
each router's answers are checked: a router that answers wrongly is reported
as such, not timed. Passes run round-robin between the routers so that they
share the machine's noise, and the median over rounds is printed, with ratios
(anchor time / our time: above 1 means we are faster).

Nothing caches results: each pass looks up every route of the table once, and
our router has no result cache to flatter.

    .venv/bin/python bench/router.py            # about 20 seconds
    .venv/bin/python bench/router.py --quick    # a few seconds, for a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROUTES = REPO.parent / "shared" / "routes"
# Run as a script, sys.path[0] is bench/, where this very file would shadow
# the router package: look in the repository instead.
if Path(sys.path[0]).resolve() == REPO / "bench":
    sys.path[0] = str(REPO)

import falcon.routing  # noqa: E402
import starlette.routing  # noqa: E402
import werkzeug.routing  # noqa: E402
from sanic_routing import BaseRouter  # noqa: E402

import router  # noqa: E402

PARAMETER = re.compile(r"\{(\w+)\}")

#: (method, template) as a route file lists them.
Table = list[tuple[str, str]]
#: (method, path, index of the route it must reach, its parameters).
Request = tuple[str, str, int, dict[str, str]]


class Unsupported(Exception):
    """The router cannot load this table; the message says why."""


class Endpoint:
    """A handler that knows which route it belongs to."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __call__(self, *args: object, **kwargs: object) -> None:
        """Never called: routers only need something callable to hand back."""


def load(name: str) -> Table:
    lines = (ROUTES / name).read_text().splitlines()
    return [(method, path) for method, path in (line.split(" ", 1) for line in lines)]


def sample(name: str) -> str:
    """The sample value of a parameter, as ../shared/routes/README.md gives them."""
    if name == "owner":
        return "octocat"
    if name == "repo":
        return "hello-world"
    if name.endswith(("_id", "number")):
        return "12345"
    return f"v-{name}"


def requests_for(table: Table) -> list[Request]:
    requests = []
    for index, (method, template) in enumerate(table):
        names = PARAMETER.findall(template)
        path = PARAMETER.sub(lambda match: sample(match.group(1)), template)
        requests.append((method, path, index, {name: sample(name) for name in names}))
    return requests


def scaled_github(size: int) -> Table:
    """The first ``size`` routes of github.txt; past 203, copies under /v1, /v2, ..."""
    github = load("github.txt")
    if size <= len(github):
        return github[:size]
    table: Table = []
    copy = 1
    while len(table) < size:
        table += [(method, f"/v{copy}{path}") for method, path in github]
        copy += 1
    return table[:size]


# Each anchor: build(table) -> (answer, one_pass). answer(method, path) gives
# (route index, parameters) for the check; one_pass(requests) looks every
# request up once, resolving the method to its handler, as an adapter would.
Answer = Callable[[str, str], tuple[int, dict[str, object]]]
OnePass = Callable[[], None]
Anchor = Callable[[Table, list[Request]], tuple[Answer, OnePass]]


def build_ours(table: Table, requests: list[Request]) -> tuple[Answer, OnePass]:
    ours = router.Router()
    for index, (method, template) in enumerate(table):
        ours.add_route(template, Endpoint(index), methods=[method])
    with contextlib.suppress(router.RoutingError):
        ours.match("GET", "/")  # compiles the matcher, which then stands in for the method
    match = ours.match

    def answer(method: str, path: str) -> tuple[int, dict[str, object]]:
        found = match(method, path)
        assert isinstance(found.handler, Endpoint)
        return found.handler.index, found.params

    pairs = [(method, path) for method, path, _, _ in requests]

    def one_pass() -> None:
        for method, path in pairs:
            match(method, path).handler  # noqa: B018 - the handler is what a lookup is for

    return answer, one_pass


def build_falcon(table: Table, requests: list[Request]) -> tuple[Answer, OnePass]:
    return _build_falcon(table, requests, [{} for _ in table])


def build_falcon_renamed(table: Table, requests: list[Request]) -> tuple[Answer, OnePass]:
    """falcon on a copy of the table where each tree position keeps the
    first name given to its parameter, so that falcon loads it; its answers
    are renamed back before the check."""
    first: dict[tuple[str, ...], str] = {}
    renamed: Table = []
    names_back: list[dict[str, str]] = []
    for method, template in table:
        segments = template[1:].split("/")
        back: dict[str, str] = {}
        for index, segment in enumerate(segments):
            if segment.startswith("{"):
                position = tuple("{}" if s.startswith("{") else s for s in segments[:index])
                name = first.setdefault(position, segment[1:-1])
                back[name] = segment[1:-1]
                segments[index] = "{" + name + "}"
        assert len(back) == template.count("{"), template
        renamed.append((method, "/" + "/".join(segments)))
        names_back.append(back)
    return _build_falcon(renamed, requests, names_back)


def _build_falcon(
    table: Table, requests: list[Request], names_back: list[dict[str, str]]
) -> tuple[Answer, OnePass]:
    compiled = falcon.routing.CompiledRouter()
    resources: dict[str, object] = {}
    for index, (method, template) in enumerate(table):
        resource = resources.setdefault(template, type("Resource", (), {})())
        setattr(resource, f"on_{method.lower()}", Endpoint(index))
    try:
        for template, resource in resources.items():
            compiled.add_route(template, resource)
        compiled.find("/")  # compile now, not in the first timed pass
    except ValueError as error:
        raise Unsupported(
            "rejects a parameter named differently in the same position of two "
            "templates (e.g. /commits/{ref} beside /commits/{commit_sha}/comments)"
            if "conflicts" in str(error)
            else str(error)
        ) from error
    find = compiled.find

    def answer(method: str, path: str) -> tuple[int, dict[str, object]]:
        found = find(path)
        if found is None:
            return -1, {}
        index = getattr(found[1][method], "index", -1)
        back = names_back[index] if index >= 0 else {}
        return index, {back.get(name, name): value for name, value in found[2].items()}

    paths = [(method, path) for method, path, _, _ in requests]

    def one_pass() -> None:
        for method, path in paths:
            find(path)[1][method]

    return answer, one_pass


class _SanicRouter(BaseRouter):  # type: ignore[misc]
    def get(self, path: str, method: str, extra: object = None) -> object:
        return self.resolve(path=path, method=method, extra=extra)


def build_sanic(table: Table, requests: list[Request]) -> tuple[Answer, OnePass]:
    sanic = _SanicRouter()
    for index, (method, template) in enumerate(table):
        sanic.add(PARAMETER.sub(r"<\1>", template), Endpoint(index), methods=[method])
    sanic.finalize()
    resolve = sanic.resolve

    def answer(method: str, path: str) -> tuple[int, dict[str, object]]:
        _, handler, params = resolve(path, method=method)
        return handler.index, params

    pairs = [(method, path) for method, path, _, _ in requests]

    def one_pass() -> None:
        for method, path in pairs:
            resolve(path, method=method)[1]

    return answer, one_pass


def build_werkzeug(table: Table, requests: list[Request]) -> tuple[Answer, OnePass]:
    rules = [
        werkzeug.routing.Rule(PARAMETER.sub(r"<\1>", template), endpoint=index, methods=[method])
        for index, (method, template) in enumerate(table)
    ]
    match = werkzeug.routing.Map(rules).bind("").match

    def answer(method: str, path: str) -> tuple[int, dict[str, object]]:
        index, params = match(path, method=method)
        return index, params

    pairs = [(method, path) for method, path, _, _ in requests]

    def one_pass() -> None:
        for method, path in pairs:
            match(path, method=method)[0]

    return answer, one_pass


def build_starlette(table: Table, requests: list[Request]) -> tuple[Answer, OnePass]:
    routes = [
        starlette.routing.Route(template, Endpoint(index), methods=[method])
        for index, (method, template) in enumerate(table)
    ]
    full, partial = starlette.routing.Match.FULL, starlette.routing.Match.PARTIAL

    def dispatch(scope: dict[str, object]) -> dict[str, object] | None:
        # Starlette's Router.app: the first FULL match wins; the first
        # PARTIAL (path fits, method does not) is kept for the 405.
        kept = None
        for route in routes:
            found, child = route.matches(scope)
            if found is full:
                return child
            if found is partial and kept is None:
                kept = child
        return None

    def answer(method: str, path: str) -> tuple[int, dict[str, object]]:
        child = dispatch({"type": "http", "path": path, "method": method, "root_path": ""})
        if child is None:
            return -1, {}
        endpoint = child["endpoint"]
        assert isinstance(endpoint, Endpoint)
        params = child["path_params"]
        assert isinstance(params, dict)
        return endpoint.index, params

    scopes = [
        {"type": "http", "path": path, "method": method, "root_path": ""}
        for method, path, _, _ in requests
    ]

    def one_pass() -> None:
        for scope in scopes:
            dispatch(scope)

    return answer, one_pass


ANCHORS: dict[str, Anchor] = {
    "ours": build_ours,
    "falcon": build_falcon,
    "sanic-routing": build_sanic,
    "werkzeug": build_werkzeug,
    "starlette": build_starlette,
}


def wrong_answers(answer: Answer, requests: list[Request]) -> int:
    wrong = 0
    for method, path, index, params in requests:
        try:
            got = answer(method, path)
        except Exception:  # any failure to answer is a wrong answer
            got = (-1, {})
        if got != (index, params):
            wrong += 1
    return wrong


def measure(
    passes: dict[str, OnePass], lookups: dict[str, int], rounds: int, sample_seconds: float
) -> dict[str, float]:
    """Median ns per lookup of each pass, over rounds run round-robin;
    ``lookups`` says how many lookups each pass makes."""
    repeats = {}
    for name, one_pass in passes.items():
        start = time.perf_counter()
        one_pass()
        repeats[name] = max(1, round(sample_seconds / max(time.perf_counter() - start, 1e-9)))
    samples: dict[str, list[float]] = {name: [] for name in passes}
    names = list(passes)
    for round_number in range(rounds):
        # Rotate who goes first, so that no router always follows the same one.
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            one_pass, repeat = passes[name], repeats[name]
            start = time.perf_counter_ns()
            for _ in range(repeat):
                one_pass()
            samples[name].append((time.perf_counter_ns() - start) / repeat / lookups[name])
    return {name: statistics.median(values) for name, values in samples.items()}


def compare(table_name: str, rounds: int, sample_seconds: float) -> None:
    table = load(table_name)
    requests = requests_for(table)
    print(f"\n{table_name}: {len(table)} routes, one lookup each per pass")
    passes: dict[str, OnePass] = {}
    for name, build in ANCHORS.items():
        try:
            answer, one_pass = build(table, requests)
        except Unsupported as error:
            print(f"  {name:14} n/a: {error}")
            if build is not build_falcon:
                continue
            # Still compare with falcon on what it can hold: the same routes
            # with one parameter name per position.
            name = "falcon*"
            answer, one_pass = build_falcon_renamed(table, requests)
            print(f"  {name:14} = falcon with each position's parameter renamed to its first name")
        wrong = wrong_answers(answer, requests)
        if wrong:
            print(f"  {name:14} WRONG: {wrong} of {len(requests)} answers are wrong; not timed")
            continue
        passes[name] = one_pass
    shuffled = table[:]
    random.Random(1).shuffle(shuffled)
    wrong = wrong_answers(build_ours(shuffled, requests_for(shuffled))[0], requests_for(shuffled))
    print(f"  ours, routes added in a shuffled order: {wrong} wrong answers")
    timings = measure(passes, dict.fromkeys(passes, len(requests)), rounds, sample_seconds)
    ours = timings.get("ours")
    for name, nanoseconds in timings.items():
        ratio = "" if ours is None or name == "ours" else f"   ours is {nanoseconds / ours:6.2f}x"
        print(f"  {name:14} {nanoseconds:10.0f} ns/lookup{ratio}")


def growth(rounds: int, sample_seconds: float) -> None:
    print("\ngrowth: the first 10 and 100 routes of github.txt; 1000 = copies under /v1, /v2, ...")
    names = ("ours", "falcon")
    sizes = (10, 100, 1000)
    passes: dict[str, OnePass] = {}
    lookups = {}
    for size in sizes:
        table = scaled_github(size)
        requests = requests_for(table)
        for name in names:
            answer, one_pass = ANCHORS[name](table, requests)
            wrong = wrong_answers(answer, requests)
            if wrong:
                raise SystemExit(f"{name} gives {wrong} wrong answers on {size} routes")
            passes[f"{name} {size}"] = one_pass
            lookups[f"{name} {size}"] = len(requests)
    # All six in one round-robin, so that the sizes share the noise too.
    timings = measure(passes, lookups, rounds, sample_seconds)
    for name in names:
        by_size = {size: timings[f"{name} {size}"] for size in sizes}
        line = "  ".join(
            f"{size:>4}: {nanoseconds:6.0f} ns" for size, nanoseconds in by_size.items()
        )
        print(f"  {name:8} {line}   1000/10: {by_size[1000] / by_size[10]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, for a smoke test")
    arguments = parser.parse_args()
    rounds, sample_seconds = (5, 0.005) if arguments.quick else (31, 0.02)
    print(f"Python {sys.version.split()[0]}; median of {rounds} rounds")
    for table_name in ("github.txt", "large.txt"):
        compare(table_name, rounds, sample_seconds)
    growth(rounds, sample_seconds)


if __name__ == "__main__":
    main()
