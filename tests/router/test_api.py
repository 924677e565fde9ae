"""The public surface: ``__all__`` and the names DESIGN.md fixes."""

from __future__ import annotations
import __future__

import router

#: DESIGN.md "The public contract": these names may not go away.
CONTRACT = {"Router", "Match", "NotFound", "MethodNotAllowed", "DuplicateRoute"}


def test_all_is_sorted():
    assert router.__all__ == sorted(router.__all__)


def test_all_lists_exactly_the_public_names():
    public = {
        name
        for name, value in vars(router).items()
        if not name.startswith("_") and not isinstance(value, __future__._Feature)
    }
    assert set(router.__all__) == public


def test_the_contract_is_kept():
    assert set(router.__all__) >= CONTRACT
