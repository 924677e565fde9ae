"""Every route of every file in ../shared/routes resolves to itself.

The files are real API tables (see their README). Each route, filled with
sample values, must reach exactly that route with exactly those values,
whether the routes were added in file order or shuffled (fixed seeds): the
router's priority must not depend on the order of adding.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from router import MethodNotAllowed, Route, Router

from . import reference

#: The repository is a clone with the shared folder beside it, here and in CI.
ROUTES = Path(__file__).resolve().parents[2].parent / "shared" / "routes"

PARAMETER = re.compile(r"\{(\w+)\}")

FILES = ["github.txt", "gplus.txt", "large.txt", "parse.txt", "static.txt"]


def test_the_route_files_are_there():
    """A missing folder must fail the suite, not skip it."""
    assert ROUTES.is_dir(), f"{ROUTES} is missing: clone the shared folder beside the repository"
    assert sorted(path.name for path in ROUTES.glob("*.txt")) == FILES


def load(name: str) -> list[tuple[str, str]]:
    lines = (ROUTES / name).read_text().splitlines()
    return [(method, template) for method, template in (line.split(" ", 1) for line in lines)]


def sample(name: str) -> str:
    """The values that ../shared/routes/README.md gives."""
    if name == "owner":
        return "octocat"
    if name == "repo":
        return "hello-world"
    if name.endswith(("_id", "number")):
        return "12345"
    return f"v-{name}"


def fill(template: str) -> tuple[str, dict[str, object]]:
    names = PARAMETER.findall(template)
    return PARAMETER.sub(lambda match: sample(match.group(1)), template), {
        name: sample(name) for name in names
    }


def handler() -> None:
    """Routes are told apart by identity."""


def build(table: list[tuple[str, str]]) -> tuple[Router, list[Route]]:
    router = Router()
    routes = [
        router.add_route(template, handler, methods=[method], name=f"{method} {template}")
        for method, template in table
    ]
    return router, routes


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
@pytest.mark.parametrize("name", FILES)
def test_every_route_resolves_to_itself(name, seed):
    table = load(name)
    if seed is not None:
        random.Random(seed).shuffle(table)
    router, routes = build(table)
    for route, (method, template) in zip(routes, table, strict=True):
        path, params = fill(template)
        found = router.match(method, path)
        assert found.route is route, (method, path, found.route)
        assert found.params == params
        if method == "GET":
            assert router.match("HEAD", path).route is route
        assert router.url_for(f"{method} {template}", **params) == path


@pytest.mark.parametrize("name", ["github.txt", "large.txt"])
def test_sample_values_never_equal_a_static_sibling(name):
    """A value equal to a static segment beside its parameter would rightly
    reach the static route instead; the v-<name> scheme must avoid that, or
    the test above would prove less than it claims."""
    table = load(name)
    statics: dict[tuple[str, ...], set[str]] = {}
    for _, template in table:
        segments = template[1:].split("/")
        for index, segment in enumerate(segments):
            prefix = tuple("{}" if s.startswith("{") else s for s in segments[:index])
            if not segment.startswith("{"):
                statics.setdefault(prefix, set()).add(segment)
    collisions = []
    for _, template in table:
        segments = template[1:].split("/")
        for index, segment in enumerate(segments):
            if segment.startswith("{"):
                prefix = tuple("{}" if s.startswith("{") else s for s in segments[:index])
                if sample(segment[1:-1]) in statics.get(prefix, set()):
                    collisions.append(template)
    assert collisions == []
    if name == "large.txt":
        siblings = [p for p, words in statics.items() if any((*p, w) in statics for w in words)]
        assert siblings, "large.txt has static segments beside parameters"


@pytest.mark.parametrize("name", ["github.txt", "large.txt"])
def test_other_methods_are_refused_with_exactly_the_methods_of_the_path(name):
    """The 405's Allow list, checked against the reference model, which
    looks at every route of the table."""
    router, routes = build(load(name))
    by_length: dict[int, list[Route]] = {}
    for route in routes:  # the model only needs the routes of as many segments
        by_length.setdefault(route.template.count("/"), []).append(route)
    for method, template in load(name):
        path, _ = fill(template)
        expected = reference.resolve(by_length[path.count("/")], "OPTIONS", path)
        assert isinstance(expected, reference.NoMethod)
        with pytest.raises(MethodNotAllowed) as caught:
            router.match("OPTIONS", path)
        assert caught.value.allowed == expected.allowed
        assert method in caught.value.allowed


def test_large_txt_keeps_its_differently_named_parameters():
    """/repos/{owner}/... beside /repos/{template_owner}/{template_repo}/generate:
    each route gets its own names."""
    router, _ = build(load("large.txt"))
    found = router.match("POST", "/repos/o/r/generate")
    assert found.params == {"template_owner": "o", "template_repo": "r"}
    assert router.match("GET", "/repos/o/r").params == {"owner": "o", "repo": "r"}
