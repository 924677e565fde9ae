"""The thin asyncio layer: a server, the App/Request/Response API, a CLI."""

from __future__ import annotations

__all__: list[str] = []
