"""Properties: the router agrees with the reference model on any routes and
paths, and url_for then match gives back the route and its parameters.

The example count comes from the profile that tests/conftest.py loads.
"""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st

from router import DuplicateRoute, MethodNotAllowed, NotFound, Route, Router

from . import reference, strategies


def handler() -> None:
    """Every route gets this one; routes are told apart by identity."""


def build(specs: list[strategies.Spec]) -> tuple[Router, list[Route]]:
    """Add each spec, checking that DuplicateRoute comes exactly when the
    reference says the route conflicts with one already added."""
    router = Router()
    added: list[Route] = []
    for spec in specs:
        parsed = Router().add_route(spec.template, handler, methods=spec.methods)
        try:
            route = router.add_route(spec.template, handler, methods=spec.methods, name=spec.name)
        except DuplicateRoute:
            assert reference.conflicts(added, parsed), spec
            continue
        assert not reference.conflicts(added, parsed), spec
        added.append(route)
    return router, added


def outcome(router: Router, method: str, path: str) -> reference.Outcome:
    try:
        found = router.match(method, path)
    except MethodNotAllowed as error:
        return reference.NoMethod(error.allowed)
    except NotFound as error:
        return reference.Missing(error.redirect_to)
    assert found.handler is found.route.handler
    return reference.Found(found.route, found.params)


def same(got: reference.Outcome, expected: reference.Outcome) -> bool:
    if isinstance(got, reference.Found) and isinstance(expected, reference.Found):
        return got.route is expected.route and got.params == expected.params
    return got == expected


@given(
    specs=strategies.route_specs(),
    paths=st.lists(strategies.raw_paths, min_size=1, max_size=8),
    method=strategies.methods,
)
def test_match_agrees_with_the_reference_model(specs, paths, method):
    """Priority, backtracking, 405 and its Allow list, percent-decoding and
    the trailing-slash redirect, all at once, against a model that tries
    every route in turn."""
    router, added = build(specs)
    for path in paths:
        for candidate in (path, path.rstrip("/") or "/", path + "/"):
            expected = reference.resolve(added, method, candidate)
            event(type(expected).__name__)
            assert same(outcome(router, method, candidate), expected), candidate


@given(specs=strategies.route_specs(), data=st.data())
def test_url_for_then_match_gives_back_the_route_and_its_parameters(specs, data):
    """Built paths match as the model says; when no other route outranks the
    route, match gives back that route and exactly the values given."""
    router, added = build(specs)
    for route in added:
        values = {
            parameter.name: data.draw(strategies.values_by_converter[parameter.converter_name])
            for parameter in route.parsed.parameters
        }
        assert route.name is not None
        path = router.url_for(route.name, **values)
        method = "GET" if route.methods is None else sorted(route.methods)[0]
        expected = reference.resolve(added, method, path)
        assert same(outcome(router, method, path), expected), path
        if isinstance(expected, reference.Found) and expected.route is route:
            event("round trip")
            assert expected.params == values
        else:
            event("outranked")


@given(template=strategies.templates(), data=st.data())
def test_url_for_round_trips_through_a_lone_route(template, data):
    router = Router()
    route = router.add_route(template, handler, methods=["GET"], name="only")
    values = {
        parameter.name: data.draw(strategies.values_by_converter[parameter.converter_name])
        for parameter in route.parsed.parameters
    }
    found = router.match("GET", router.url_for("only", **values))
    assert found.route is route
    assert found.params == values
    assert [type(value) for value in found.params.values()] == [
        type(value) for value in values.values()
    ]
