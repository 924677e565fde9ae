"""The matcher: leaves, the walk, and the compiled code agreeing with the walk."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from router import Converter, DuplicateRoute, Match, MethodNotAllowed, NotFound, Route, Router
from router._tree import MAX_CHAINED_ROUTES, MAX_CHAINED_SIBLINGS, Leaf, compile_matcher

from . import reference, strategies


def handler() -> None:
    """Routes are told apart by identity, not by handler."""


def route(template: str, methods: list[str] | None = None) -> Route:
    return Router().add_route(template, handler, methods=methods)


def walk(router: Router, method: str, path: str) -> object:
    """What the walk alone answers, as a comparable value."""
    try:
        found = router._match_slowly(method, path)
    except MethodNotAllowed as error:
        return ("405", error.allowed)
    except NotFound as error:
        return ("404", error.redirect_to)
    return (found.route, found.params)


def compiled(router: Router, method: str, path: str) -> object:
    try:
        found = router.match(method, path)
    except MethodNotAllowed as error:
        return ("405", error.allowed)
    except NotFound as error:
        return ("404", error.redirect_to)
    return (found.route, found.params)


class Walked(Exception):
    """The compiled matcher handed a lookup to the walk."""


def refuse(method: str, path: str) -> Match:
    raise Walked(path)


def hit(router: Router, method: str, path: str) -> Match:
    """Match with the compiled code alone."""
    return compile_matcher(router._tree, refuse)(method, path)


class TestLeaf:
    def test_get_also_answers_head(self):
        leaf = Leaf()
        get = route("/", ["GET"])
        leaf.add(get)
        assert leaf.route_for("HEAD") is get
        assert sorted(leaf.methods) == ["GET", "HEAD"]

    def test_an_explicit_head_route_wins_whatever_the_order(self):
        get, head = route("/", ["GET"]), route("/", ["HEAD"])
        for order in ([get, head], [head, get]):
            leaf = Leaf()
            for each in order:
                leaf.add(each)
            assert leaf.route_for("HEAD") is head
            assert leaf.route_for("GET") is get

    def test_a_route_for_every_method(self):
        leaf = Leaf()
        anything = route("/", None)
        leaf.add(anything)
        assert leaf.route_for("BREW") is anything
        assert leaf.methods == {}

    @pytest.mark.parametrize(
        ("first", "second", "overlap"),
        [
            (["GET"], ["POST"], False),
            (["GET"], ["GET", "POST"], True),
            (["GET"], ["HEAD"], False),  # HEAD for GET is implied, not taken
            (None, ["GET"], True),
            (["GET"], None, True),
            (None, None, True),
        ],
    )
    def test_overlap(self, first, second, overlap):
        leaf = Leaf()
        existing = route("/", first)
        leaf.add(existing)
        assert (leaf.overlap(route("/", second)) is existing) is overlap


class TestCompiled:
    """Shapes of trees that the compiler writes special code for; hits must
    be answered by the compiled code alone, without the walk."""

    def test_a_node_with_many_static_children_dispatches_through_a_dict(self):
        router = Router()
        count = MAX_CHAINED_SIBLINGS * 3
        routes = [router.add_route(f"/{n}/{{x}}", handler) for n in range(count)]
        fallback = router.add_route("/{a}/{b}", handler)
        for number, expected in enumerate(routes):
            found = hit(router, "GET", f"/{number}/y")
            assert found.route is expected
            assert found.params == {"x": "y"}
        assert hit(router, "GET", f"/{count}/y").route is fallback

    def test_a_backtrack_out_of_a_dict_dispatched_child(self):
        router = Router()
        for n in range(MAX_CHAINED_SIBLINGS + 2):
            router.add_route(f"/{n}/static", handler)
        fallback = router.add_route("/{a}/{b}", handler)
        assert hit(router, "GET", "/3/other").route is fallback

    def test_catchall_paths_longer_than_any_template(self):
        router = Router()
        deep = router.add_route("/a/b/c/{rest:path}", handler)
        short = router.add_route("/{x}", handler)
        assert hit(router, "GET", "/a/b/c/1/2/3/4/5/6/7").params == {"rest": "1/2/3/4/5/6/7"}
        assert hit(router, "GET", "/a/b/c/d").route is deep
        assert hit(router, "GET", "/a").route is short
        for path in ("/a/b", "/a/b/c", "/a/b/c/", "/"):
            with pytest.raises(NotFound):
                router.match("GET", path)

    def test_a_catchall_alone_at_the_root(self):
        router = Router()
        everything = router.add_route("/{rest:path}", handler)
        assert hit(router, "GET", "/x").params == {"rest": "x"}
        assert hit(router, "GET", "/x/").params == {"rest": "x/"}
        assert hit(router, "GET", "//").params == {"rest": "/"}
        assert hit(router, "GET", "/a/b/c/d/e/f/g/h/i/j").route is everything
        with pytest.raises(NotFound):
            router.match("GET", "/")

    def test_an_int_with_too_many_digits_falls_back_to_the_next_candidate(self):
        """int() refuses them (sys.get_int_max_str_digits()), so {id:int}
        declines the segment and {name} takes it."""
        router = Router()
        router.add_route("/users/{id:int}", handler)
        name = router.add_route("/users/{name}", handler)
        digits = "9" * (sys.get_int_max_str_digits() + 1)
        assert hit(router, "GET", f"/users/{digits}").route is name

    def test_a_leaf_with_many_routes_uses_a_dict_of_methods(self):
        router = Router()
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        assert len(methods) > MAX_CHAINED_ROUTES
        routes = {m: router.add_route(f"/items/{{id_{m}}}", handler, methods=[m]) for m in methods}
        for method, expected in routes.items():
            found = hit(router, method, "/items/7")
            assert found.route is expected
            assert found.params == {f"id_{method}": "7"}
        assert hit(router, "HEAD", "/items/7").route is routes["GET"]
        with pytest.raises(MethodNotAllowed):
            router.match("OPTIONS", "/items/7")

    def test_routes_of_one_shape_may_name_parameters_differently(self):
        router = Router()
        by_id = router.add_route("/users/{id}", handler, methods=["GET"])
        by_name = router.add_route("/users/{name}", handler, methods=["POST"])
        assert hit(router, "GET", "/users/a").params == {"id": "a"}
        assert hit(router, "POST", "/users/a").params == {"name": "a"}
        assert hit(router, "HEAD", "/users/a").route is by_id
        assert hit(router, "POST", "/users/a").route is by_name

    def test_custom_converters_run_in_the_compiled_code(self):
        class Even(Converter):
            weight = 5

            def to_python(self, text: str) -> object:
                if int(text) % 2:
                    raise ValueError(text)
                return int(text)

        router = Router(converters={"even": Even()})
        even = router.add_route("/n/{n:even}", handler)
        other = router.add_route("/n/{n:int}", handler)
        assert hit(router, "GET", "/n/4").route is even
        assert hit(router, "GET", "/n/4").params == {"n": 4}
        assert hit(router, "GET", "/n/5").route is other

    def test_an_empty_router_finds_nothing(self):
        with pytest.raises(NotFound):
            Router().match("GET", "/")

    @pytest.mark.parametrize("path", ["", "relative", "*", "users/5"])
    def test_a_path_that_does_not_start_with_a_slash_matches_nothing(self, path):
        router = Router()
        router.add_route("/{a}", handler)
        router.add_route("/{a}/{b}", handler)
        with pytest.raises(NotFound):
            router.match("GET", path)


@given(
    specs=strategies.route_specs(),
    paths=st.lists(strategies.raw_paths, min_size=1, max_size=8),
    method=strategies.methods,
)
def test_the_compiled_matcher_and_the_walk_agree(specs, paths, method):
    router = Router()
    for spec in specs:
        try:
            router.add_route(spec.template, handler, methods=spec.methods)
        except DuplicateRoute:
            continue
    for path in paths:
        assert compiled(router, method, path) == walk(router, method, path), path


@given(
    specs=strategies.route_specs(),
    paths=st.lists(strategies.raw_paths, min_size=1, max_size=8),
    method=strategies.methods,
)
def test_the_compiled_matcher_answers_every_hit_without_the_walk(specs, paths, method):
    """The walk is for paths with "%" and for misses: a path without "%"
    that some route takes must be answered by the compiled code alone."""
    router = Router()
    added = []
    for spec in specs:
        try:
            added.append(router.add_route(spec.template, handler, methods=spec.methods))
        except DuplicateRoute:
            continue
    matcher = compile_matcher(router._tree, refuse)
    for path in paths:
        for candidate in (path, path + "/", path + "/x/y/z"):
            expected = reference.resolve(added, method, candidate)
            if "%" in candidate or not isinstance(expected, reference.Found):
                continue
            found = matcher(method, candidate)
            assert found.route is expected.route
            assert found.params == expected.params


def test_candidates_come_best_first():
    router = Router()
    static = router.add_route("/a/b", handler)
    typed = router.add_route("/a/{x:int}", handler)
    plain = router.add_route("/a/{x}", handler)
    rest = router.add_route("/a/{x:path}", handler)
    found = [leaf.routes for leaf, _ in router._tree.candidates(["", "a", "b"])]
    assert found == [[static], [plain], [rest]]
    found = [leaf.routes for leaf, _ in router._tree.candidates(["", "a", "5"])]
    assert found == [[typed], [plain], [rest]]
    values = [values for _, values in router._tree.candidates(["", "a", "5"])]
    assert values == [(5,), ("5",), ("5",)]
