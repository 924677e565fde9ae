"""What a route is, and what a successful lookup hands back."""

from __future__ import annotations

from collections.abc import Callable

from router._template import Template

#: A route's handler. The router never calls it, so any callable will do;
#: the adapter calls it as ``handler(request, **match.params)``.
Handler = Callable[..., object]


class Route:
    """One ``add_route`` call: a template, a handler and the methods it takes.

    ``methods`` is a frozenset of upper-case method names, or ``None`` when
    the route takes every method. It holds what was asked for: HEAD is not
    added to it even though a GET route also answers HEAD. ``parsed`` is the
    template as the router parsed it. Only the router makes routes.
    """

    __slots__ = ("handler", "methods", "name", "parsed")

    def __init__(
        self,
        parsed: Template,
        handler: Handler,
        methods: frozenset[str] | None,
        name: str | None,
    ) -> None:
        self.parsed = parsed
        self.handler = handler
        self.methods = methods
        self.name = name

    @property
    def template(self) -> str:
        """The template as it was written (with any ``include`` prefix)."""
        return self.parsed.text

    def __repr__(self) -> str:
        methods = "*" if self.methods is None else ",".join(sorted(self.methods))
        name = "" if self.name is None else f" name={self.name!r}"
        return f"<Route {methods} {self.template!r}{name}>"


class Match:
    """The route a request reached and its converted path parameters.

    Only the router makes them, as only ``re`` makes ``re.Match`` objects:
    the class has no ``__init__``, and the router fills its three slots,
    which skips a Python frame per lookup (see router/_tree.py).
    ``params`` is a fresh dict on every lookup, so a caller may change it.
    """

    __slots__ = ("handler", "params", "route")

    route: Route
    handler: Handler
    params: dict[str, object]

    def __repr__(self) -> str:
        return f"<Match {self.route!r} params={self.params!r}>"


def new_match(route: Route, params: dict[str, object]) -> Match:
    """A Match, made the way the compiled matcher makes them."""
    match = Match()
    match.route = route
    match.handler = route.handler
    match.params = params
    return match
