"""The public surface: ``__all__`` and the names DESIGN.md fixes."""

from __future__ import annotations
import __future__

import sansio_http

#: DESIGN.md "The public contract": these names may not go away.
CONTRACT = {
    "Connection",
    "Role",
    "SERVER",
    "CLIENT",
    "Request",
    "InformationalResponse",
    "Response",
    "Data",
    "EndOfMessage",
    "ConnectionClosed",
    "Headers",
    "Limits",
    "ProtocolError",
    "RemoteProtocolError",
    "LocalProtocolError",
    "RequestParser",
    "ResponseParser",
    "parse_into",
    "serialize",
}


def _isort_style(name: str) -> tuple[int, str]:
    """CONSTANTS, then Classes, then functions, each alphabetical.

    The order ruff's RUF022 (selected through "RUF") enforces on
    ``__all__``, so the linter and this test agree.
    """
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


def test_all_is_sorted_and_lists_every_public_name() -> None:
    """As httpx checks: nothing public is left out of ``__all__``, nothing private is in."""
    public = {
        name
        for name, value in vars(sansio_http).items()
        if not name.startswith("_") and value is not __future__.annotations
    }
    assert sansio_http.__all__ == sorted(sansio_http.__all__, key=_isort_style)
    assert sorted(sansio_http.__all__) == sorted(public)


def test_the_contract_names_are_exported() -> None:
    assert set(sansio_http.__all__) >= CONTRACT
    assert sansio_http.SERVER is sansio_http.Role.SERVER
    assert sansio_http.CLIENT is sansio_http.Role.CLIENT


def test_exported_names_come_from_the_package() -> None:
    for name in sansio_http.__all__:
        module = getattr(getattr(sansio_http, name), "__module__", "sansio_http")
        assert module.startswith("sansio_http"), name
