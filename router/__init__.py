"""Path templates such as ``/users/{id}`` to handlers, with method dispatch."""

from __future__ import annotations

from router._converters import (
    Converter,
    FloatConverter,
    IntConverter,
    PathConverter,
    StringConverter,
    UUIDConverter,
)
from router._errors import (
    DuplicateRoute,
    MethodNotAllowed,
    NotFound,
    RoutingError,
    TemplateError,
    URLBuildError,
)
from router._route import Handler, Match, Route
from router._router import Router

__all__ = [
    "Converter",
    "DuplicateRoute",
    "FloatConverter",
    "Handler",
    "IntConverter",
    "Match",
    "MethodNotAllowed",
    "NotFound",
    "PathConverter",
    "Route",
    "Router",
    "RoutingError",
    "StringConverter",
    "TemplateError",
    "URLBuildError",
    "UUIDConverter",
]
