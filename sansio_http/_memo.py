"""What inputs already seen came to, kept within a fixed budget per process.

Heads repeat. A client on a keep-alive connection sends the same Host,
User-Agent, Accept and Cookie lines with every request, many clients send
the same request line to a busy endpoint, and a server answers most of
them with the same status line and the same few header fields: the
observation HPACK (RFC 7541) is built on. Parsing a line, or checking a
field, is a pure function of its octets, so the result for one that
passed can be looked up the next time instead: one hash and one compare,
against a partition, a lowering, a strip and the checks (measured where
the memos are used: ``_readers._fields``, ``_readers._head``,
``_headers``).

Only inputs that were accepted are remembered, so a refused one is
checked again every time, and a memo never changes what is accepted. Its
size is bounded whatever the peers send: an entry is charged for the size
of its key and for what it maps to, and a memo over its budget is emptied
and starts again. A peer that sends a new line every time only gets the
cost of parsing it, plus one failed lookup and the remembering.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Final, Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Result = TypeVar("Result")

#: What an entry costs beyond twice the size of its key (the key, and
#: about as much again in the result): the dict slot and the objects'
#: headers, rounded up.
_ENTRY_COST: Final = 200


class Memo(Generic[Key, Result]):
    """Results for accepted inputs, looked up by the input itself."""

    __slots__ = ("_budget", "_entries", "_room", "get")

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._room = budget
        self._entries: dict[Key, Result] = {}
        #: The dict's own ``get``, bound once: the hot path is one call.
        self.get: Callable[[Key], Result | None] = self._entries.get

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every line: bench/parser.py times the path of new lines with it."""
        self._entries.clear()
        self._room = self._budget

    def remember(self, key: Key, result: Result, size: int) -> None:
        """Keep ``result`` for ``key``, whose octets number ``size``."""
        self.remember_all([key], [result], size)

    def remember_all(self, keys: list[Key], results: list[Result], size: int) -> None:
        """Keep each result for its key, emptying the memo first if they do not fit.

        ``size`` is the octets of all the keys. One call for a whole
        section: measured on bench/parser.py case (h), a call per line
        made a head of new lines 1.3x slower.
        """
        cost = 2 * size + _ENTRY_COST * len(keys)
        if cost > self._budget:
            return
        self._room -= cost
        if self._room < 0:
            self._entries.clear()
            self._room = self._budget - cost
        self._entries.update(zip(keys, results, strict=True))
