"""What lines already seen parsed to, kept within a fixed budget per process.

Heads repeat. A client on a keep-alive connection sends the same Host,
User-Agent, Accept and Cookie lines with every request, many clients send
the same request line to a busy endpoint, and a server answers most of
them with the same status line: the observation HPACK (RFC 7541) is built
on. Parsing a line is a pure function of its octets, so the result of one
that parsed cleanly can be looked up the next time instead: one hash and
one compare of the line, against a partition, a lowering, a strip and the
checks (measured in ``_fields`` and ``_head``, where the memos are used).

Only lines that were accepted are remembered, so a refused line is checked
again every time, and the memo never changes what is accepted. Its size
is bounded whatever the peers send: an entry is charged for its key and
for what it maps to, and a memo over its budget is emptied and starts
again. A peer that sends a new line every time only gets the cost of
parsing it, plus one failed lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Generic, TypeVar

Result = TypeVar("Result")

#: What an entry costs beyond its key: the dict slot, the key object's
#: header and the result's objects (about a copy of the line and two
#: small objects), rounded up.
_ENTRY_COST: Final = 200


class Memo(Generic[Result]):
    """Parse results of accepted lines, looked up by the line's octets."""

    __slots__ = ("_budget", "_entries", "_room", "get")

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._room = budget
        self._entries: dict[bytes, Result] = {}
        #: The dict's own ``get``, bound once: the hot path is one call.
        self.get: Callable[[bytes], Result | None] = self._entries.get

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every line: bench/parser.py times the path of new lines with it."""
        self._entries.clear()
        self._room = self._budget

    def remember(self, line: bytes, result: Result) -> None:
        """Keep ``result`` for ``line``, emptying the memo first if it is full."""
        self.remember_all([line], [result])

    def remember_all(self, lines: list[bytes], results: list[Result]) -> None:
        """Keep each result for its line, emptying the memo first if they do not fit.

        One call for a whole section: measured on bench/parser.py case
        (h), a call per line made a head of new lines 1.3x slower.
        """
        cost = 2 * sum(map(len, lines)) + _ENTRY_COST * len(lines)
        if cost > self._budget:
            return
        self._room -= cost
        if self._room < 0:
            self._entries.clear()
            self._room = self._budget - cost
        self._entries.update(zip(lines, results, strict=True))
