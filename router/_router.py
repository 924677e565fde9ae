"""The Router: adding routes, matching requests, building URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from router._converters import BUILTIN_CONVERTERS, MISS, Converter, Parser, compile_parser
from router._errors import (
    DuplicateRoute,
    MethodNotAllowed,
    NotFound,
    TemplateError,
    URLBuildError,
    shown,
)
from router._route import Handler, Match, Route, new_match
from router._template import PATH_CONVERTER, Parameter, Template, encode_segment, parse_template
from router._tree import Tree, compile_matcher

#: RFC 9110 §9.1: a method is a token.
METHOD: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

#: A converter name, as a template writes it after the colon.
CONVERTER_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Router:
    """Maps route templates to handlers; the Routing section of README.md has the rules.

    ``converters`` registers converters by name, as ``register_converter``
    does, before any route is added.
    """

    def __init__(self, *, converters: Mapping[str, Converter] | None = None) -> None:
        self._converters: dict[str, Converter] = dict(BUILTIN_CONVERTERS)
        self._parsers: dict[str, Parser] = {
            name: compile_parser(converter) for name, converter in self._converters.items()
        }
        self._tree = Tree()
        self._routes: list[Route] = []
        self._names: dict[str, Route] = {}
        for name, converter in (converters or {}).items():
            self.register_converter(name, converter)

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every route, in the order it was added."""
        return tuple(self._routes)

    def register_converter(self, name: str, converter: Converter) -> None:
        """Make ``{param:name}`` use ``converter`` in the templates added from now on.

        A name is registered once: replacing a converter that routes already
        use would change what they match behind their back.
        """
        if not isinstance(converter, Converter):
            raise TypeError(f"converter {name!r} must be a Converter instance, got {converter!r}")
        if CONVERTER_NAME.fullmatch(name) is None:
            raise ValueError(f"converter name {shown(name)} is not an identifier")
        if name in self._converters:
            raise ValueError(f"a converter named {name!r} is already registered")
        self._converters[name] = converter
        self._parsers[name] = compile_parser(converter)

    def add_route(
        self,
        template: str,
        handler: Handler,
        *,
        methods: Iterable[str] | None = None,
        name: str | None = None,
    ) -> Route:
        """Route requests whose path fits ``template`` to ``handler``.

        ``methods`` lists the methods the route takes (normalized to upper
        case); ``None`` takes every method. One template may be added several
        times with methods that do not overlap. ``name`` lets ``url_for``
        build the route's URLs. Raises TemplateError for a bad template and
        DuplicateRoute, before changing anything, for a method that a route of
        the same shape already takes or for a name that is taken.
        """
        route = Route(
            parse_template(template, self._converters, self._parsers),
            handler,
            _normalize_methods(methods),
            name,
        )
        self._check(route)
        self._add(route)
        return route

    def add_routes(self, routes: Mapping[str, Handler]) -> None:
        """Add one route per ``template: handler`` item, each taking every method."""
        for template, handler in routes.items():
            self.add_route(template, handler)

    def include(self, prefix: str, other: Router, *, name_prefix: str = "") -> None:
        """Add a copy of each of ``other``'s routes with ``prefix`` before its template.

        ``prefix`` is a template without a trailing slash (``"/api"``,
        ``"/users/{user_id:int}"``); ``""`` merges ``other`` as it is. Names
        are kept, with ``name_prefix`` before them. The copy is made now:
        routes added to ``other`` later are not seen here. Raises
        DuplicateRoute, before changing anything, on a conflict with a route
        or name of this router.
        """
        if other is self:
            raise ValueError("a router cannot include itself")
        head = Template("", ())
        if prefix:
            head = parse_template(prefix, self._converters, self._parsers)
            if head.segments[-1] == "":
                raise TemplateError(f"prefix {shown(prefix)} must not end with '/'")
            if any(p.converter_name == PATH_CONVERTER for p in head.parameters):
                raise TemplateError(f"prefix {shown(prefix)} cannot hold a '{{name:path}}'")
        routes = []
        for route in other._routes:
            for parameter in route.parsed.parameters:
                self._check_converter(parameter)
            name = None if route.name is None else name_prefix + route.name
            routes.append(Route(head + route.parsed, route.handler, route.methods, name))
        # other's routes do not conflict among themselves, and one prefix
        # keeps it so: checking each against this router is enough.
        for route in routes:
            self._check(route)
        for route in routes:
            parameters: tuple[Parameter, ...] = route.parsed.parameters
            for parameter in parameters:
                self._converters.setdefault(parameter.converter_name, parameter.converter)
                self._parsers.setdefault(parameter.converter_name, parameter.parse)
            self._add(route)

    def _check_converter(self, parameter: Parameter) -> None:
        mine = self._converters.get(parameter.converter_name)
        if mine is not None and mine is not parameter.converter:
            raise TemplateError(
                f"converter {parameter.converter_name!r} is not the same in both routers"
            )

    def _check(self, route: Route) -> None:
        if route.name is not None and route.name in self._names:
            raise DuplicateRoute(
                f"route name {route.name!r} is taken by {shown(self._names[route.name].template)}"
            )
        self._tree.check(route)

    def _add(self, route: Route) -> None:
        self._tree.add(route)
        self._routes.append(route)
        if route.name is not None:
            self._names[route.name] = route
        self.__dict__.pop("match", None)

    def match(self, method: str, path: str) -> Match:
        """The route that takes ``method`` on ``path``, and its parameters.

        ``path`` is the raw path of the request target (percent-encoded, no
        query). Raises MethodNotAllowed when routes match the path but none
        takes the method, NotFound otherwise.
        """
        # The compiled matcher is stored on the instance, where it hides
        # this method: router.match(...) is then one call to it. Going
        # through this method costs 20% on github.txt (bench/router.py), so
        # it only runs when routes changed since the last lookup (_add()
        # drops the matcher) or through a reference taken before.
        matcher = self.__dict__.get("match")
        if matcher is None:
            matcher = self.__dict__["match"] = compile_matcher(self._tree, self._match_slowly)
        result: Match = matcher(method, path)
        return result

    def _match_slowly(self, method: str, path: str) -> Match:
        """Walk the tree: for paths with ``%``, and for every miss, whose
        405 must list the methods of all the routes that take the path."""
        allowed: set[str] = set()
        for leaf, values in self._tree.candidates(path.split("/")):
            route = leaf.route_for(method)
            if route is not None:
                names = [parameter.name for parameter in route.parsed.parameters]
                return new_match(route, dict(zip(names, values, strict=True)))
            allowed.update(leaf.methods)
        if allowed:
            raise MethodNotAllowed(method, path, tuple(sorted(allowed)))
        raise NotFound(path, self._other_form(path))

    def _other_form(self, path: str) -> str | None:
        """The path with its trailing slash toggled, if a route takes that."""
        other = path[:-1] if path.endswith("/") else path + "/"
        for _ in self._tree.candidates(other.split("/")):
            return other
        return None

    def url_for(self, name: str, /, **params: object) -> str:
        """Build the path of the route named ``name`` from its parameters.

        Each value goes through its converter's ``to_url`` and is then
        percent-encoded: a ``/`` in a one-segment value becomes ``%2F``, a
        ``{name:path}`` value keeps its slashes. Raises URLBuildError for an
        unknown name, a missing or extra parameter, or a value that the
        converter refuses or that would not match the route again.
        """
        route = self._names.get(name)
        if route is None:
            raise URLBuildError(f"no route is named {shown(name)}")
        expected = [parameter.name for parameter in route.parsed.parameters]
        missing = [key for key in expected if key not in params]
        extra = sorted(params.keys() - set(expected))
        if missing or extra:
            raise URLBuildError(
                f"route {name!r} ({shown(route.template)}) takes {expected}; "
                f"missing {missing}, unexpected {extra}"
            )
        pieces = []
        for segment in route.parsed.segments:
            if isinstance(segment, str):
                pieces.append(segment)
            else:
                pieces.append(_build_segment(route, segment, params[segment.name]))
        return "/" + "/".join(pieces)


def _build_segment(route: Route, parameter: Parameter, value: object) -> str:
    where = f"parameter {parameter.name!r} of route {shown(route.template)}"
    try:
        text = parameter.converter.to_url(value)
    except (TypeError, ValueError) as error:
        raise URLBuildError(f"{where}: {error}") from error
    if not isinstance(text, str) or not text or parameter.parse(text) is MISS:
        raise URLBuildError(
            f"{where}: {type(parameter.converter).__name__}.to_url gave {text!r} "
            f"for {value!r}, which the converter does not match"
        )
    try:
        return encode_segment(text, keep_slashes=parameter.converter_name == PATH_CONVERTER)
    except UnicodeEncodeError as error:
        raise URLBuildError(f"{where}: {value!r} has no UTF-8 form") from error


def _normalize_methods(methods: Iterable[str] | None) -> frozenset[str] | None:
    if methods is None:
        return None
    if isinstance(methods, str):
        # A str is an iterable of methods too: "GET" would mean G, E and T.
        raise TypeError(f"methods must be an iterable of names, not the str {methods!r}")
    normalized = set()
    for method in methods:
        if not isinstance(method, str) or METHOD.fullmatch(method) is None:
            raise ValueError(f"{method!r} is not an HTTP method name")
        normalized.add(method.upper())
    if not normalized:
        raise ValueError("methods is empty: the route would take no request; use None for all")
    return frozenset(normalized)
