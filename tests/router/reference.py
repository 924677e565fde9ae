"""A reference model of routing: slow, obvious, and written apart from the tree.

It tries every route against the path, one by one, and sorts the routes
that fit by a priority key read straight off the rules: position by
position, a static segment before a typed parameter before a plain
``{name}`` before ``{name:path}``. The router must give the same answer for
every path; the property tests check that it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from router import Route
from router._converters import MISS
from router._template import Parameter

SAFE = "!$&'()*+,;=:@"


@dataclass(frozen=True)
class Found:
    route: Route
    params: dict[str, object]


@dataclass(frozen=True)
class NoMethod:
    allowed: tuple[str, ...]


@dataclass(frozen=True)
class Missing:
    redirect_to: str | None


Outcome = Found | NoMethod | Missing


def _decode(raw: str) -> str | None:
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None


def _same_static(raw: str, static: str) -> bool:
    if "%" not in raw:
        return raw == static
    decoded = _decode(raw)
    canonical = raw if decoded is None else quote(decoded, safe=SAFE)
    return canonical == static


def fit(route: Route, path: str) -> tuple[object, ...] | None:
    """The converted values if ``route``'s template takes ``path``, else None."""
    if not path.startswith("/"):
        return None
    raw = path[1:].split("/")
    segments = route.parsed.segments
    catchall = (
        bool(segments)
        and isinstance(segments[-1], Parameter)
        and (segments[-1].converter_name == "path")
    )
    if len(raw) != len(segments) and not catchall:
        return None
    values: list[object] = []
    for index, segment in enumerate(segments):
        if isinstance(segment, Parameter) and segment.converter_name == "path":
            rest = _decode("/".join(raw[index:])) if index < len(raw) else None
            if not rest:
                return None
            values.append(rest)
            return tuple(values)
        if index >= len(raw):
            return None
        if isinstance(segment, str):
            if not _same_static(raw[index], segment):
                return None
            continue
        text = _decode(raw[index]) if raw[index] else None
        if text is None:
            return None
        value = segment.parse(text)
        if value is MISS:
            return None
        values.append(value)
    return tuple(values) if len(raw) == len(segments) else None


def priority(route: Route) -> tuple[tuple[object, ...], ...]:
    key: list[tuple[object, ...]] = []
    for segment in route.parsed.segments:
        if isinstance(segment, str):
            key.append((0,))
        elif segment.converter_name == "path":
            key.append((2,))
        else:
            key.append((1, segment.converter.weight, segment.converter_name))
    return tuple(key)


def _route_for(routes: list[Route], method: str) -> Route | None:
    """The route of one template shape that answers ``method``."""
    for route in routes:
        if route.methods is None or method in route.methods:
            return route
    if method == "HEAD":
        for route in routes:
            if route.methods is not None and "GET" in route.methods:
                return route
    return None


def resolve(routes: list[Route], method: str, path: str) -> Outcome:
    fitting = [(route, values) for route in routes if (values := fit(route, path)) is not None]
    fitting.sort(key=lambda item: priority(item[0]))
    shapes: dict[tuple[str, ...], list[tuple[Route, tuple[object, ...]]]] = {}
    for route, values in fitting:
        shapes.setdefault(route.parsed.shape, []).append((route, values))
    allowed: set[str] = set()
    for group in shapes.values():
        chosen = _route_for([route for route, _ in group], method)
        if chosen is not None:
            values = next(values for route, values in group if route is chosen)
            names = [parameter.name for parameter in chosen.parsed.parameters]
            return Found(chosen, dict(zip(names, values, strict=True)))
        for route, _ in group:
            assert route.methods is not None
            allowed |= route.methods
            if "GET" in route.methods:
                allowed.add("HEAD")
    if allowed:
        return NoMethod(tuple(sorted(allowed)))
    other = path[:-1] if path.endswith("/") else path + "/"
    if any(fit(route, other) is not None for route in routes):
        return Missing(other)
    return Missing(None)


def conflicts(routes: list[Route], new: Route) -> bool:
    """Whether adding ``new`` must raise DuplicateRoute (shape and methods)."""
    for route in routes:
        if route.parsed.shape != new.parsed.shape:
            continue
        if route.methods is None or new.methods is None or route.methods & new.methods:
            return True
    return False
