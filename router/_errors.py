"""The router's exceptions, in two families kept apart as h11 keeps its own.

The request's outcome: a path that no route takes. An adapter turns these
into responses and never needs to look at a message.

    RoutingError(Exception)
    ├── NotFound            404, or a 308 to ``redirect_to`` when it is set
    └── MethodNotAllowed    405 with ``Allow: ", ".join(allowed)``

The caller's misuse: a bug in the program that builds the router, found
when a route is added or a URL is built. All are ``ValueError`` so that code
which validates configuration can catch them together.

    ValueError
    ├── TemplateError       a template that cannot be parsed
    ├── DuplicateRoute      a template shape and method that are taken,
    │                       or a route name that is taken
    └── URLBuildError       url_for got a missing, extra or ill-typed value
"""

from __future__ import annotations

from typing import ClassVar

#: How much of a caller's input an error message shows, via ``repr()``.
MAX_SHOWN: int = 40


def shown(text: str) -> str:
    """Return ``repr(text)``, cut to MAX_SHOWN characters so that a hostile
    path cannot flood a log line."""
    if len(text) > MAX_SHOWN:
        return repr(text[:MAX_SHOWN]) + "..."
    return repr(text)


class RoutingError(Exception):
    """No route answers this request; ``status_code`` says what to send."""

    status_code: ClassVar[int]


class NotFound(RoutingError):
    """No route matches the path, whatever the method.

    ``redirect_to`` is the other form of the path (a trailing slash added or
    removed) when that form does match a route under some method, so that
    the adapter can answer 308 and keep the method and body; it is ``None``
    otherwise. It is a path only: the adapter re-attaches the query.
    """

    status_code: ClassVar[int] = 404

    def __init__(self, path: str, redirect_to: str | None = None) -> None:
        self.path = path
        self.redirect_to = redirect_to
        message = f"no route matches {shown(path)}"
        if redirect_to is not None:
            message += f"; {shown(redirect_to)} does"
        super().__init__(message)


class MethodNotAllowed(RoutingError):
    """Some route matches the path, but none of them takes the method.

    ``allowed`` is a sorted tuple of every method that some route matching
    the path takes, HEAD included wherever GET is: exactly what the
    ``Allow`` header of the 405 must list (RFC 9110 §15.5.6).
    """

    status_code: ClassVar[int] = 405

    def __init__(self, method: str, path: str, allowed: tuple[str, ...]) -> None:
        self.method = method
        self.path = path
        self.allowed = allowed
        super().__init__(
            f"{shown(method)} is not allowed on {shown(path)}; allowed: {', '.join(allowed)}"
        )


class TemplateError(ValueError):
    """A route template that cannot be parsed, or names an unknown converter."""


class DuplicateRoute(ValueError):
    """A route would take requests that another route already takes, or
    reuse another route's name.

    Raised by ``add_route`` (and ``include``) before anything changes, as
    werkzeug's ``DuplicateRuleError`` is, so that a conflict shows up at
    start-up and not as a request silently reaching the wrong handler.
    """


class URLBuildError(ValueError):
    """``url_for`` cannot build a URL: unknown name, or a missing, extra or
    ill-typed parameter value."""
