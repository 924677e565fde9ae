"""Path templates such as ``/users/{id}`` to handlers, with method dispatch."""

from __future__ import annotations

__all__: list[str] = []
