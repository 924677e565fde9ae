"""Header fields: validated on the way in, normalized, kept in wire order.

Names are compared case-insensitively (RFC 9110 §5.1), so ``Headers``
keeps them lowered; the original spelling stays available through
``raw_items()`` because some peers, and some tests, care how a name was
written. Values lose their surrounding whitespace, which RFC 9110 §5.5
says is not part of the value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Final, NoReturn, TypeAlias, overload

from ._abnf import FIELD_NAME_RE, FIELD_VALUE_RE
from ._errors import LocalProtocolError, quote
from ._memo import Memo

HeaderInput: TypeAlias = "Headers | Iterable[tuple[bytes | str, bytes | str]]"

_OWS = b" \t"

#: Fields given as ``(name, value)`` tuples that passed the checks, and
#: what they became: an application sends the same few fields (its
#: Content-Type, Cache-Control, ...) over and over (see ``_memo``).
CHECKED_FIELDS: Final[Memo[tuple[bytes | str, bytes | str], tuple[tuple[bytes, bytes], bytes]]] = (
    Memo(128 * 1024)
)


def to_bytes(value: bytes | bytearray | str, what: str) -> bytes:
    """Accept ``str`` for convenience, but only ASCII, and return bytes."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, str):
        try:
            return value.encode("ascii")
        except UnicodeEncodeError:
            raise LocalProtocolError(f"{what} must be ASCII, got {value[:40]!r}") from None
    raise LocalProtocolError(f"{what} must be bytes or str, got {type(value).__name__}")


def list_elements(value: bytes) -> list[bytes]:
    """The lowered, stripped, non-empty elements of a comma-separated field.

    RFC 9110 §5.6.1: a list may carry empty elements and OWS around each,
    and several field lines of one list-valued name make one list, which
    is why callers join every line of the field before splitting.
    """
    elements = (element.strip(_OWS) for element in value.lower().split(b","))
    return [element for element in elements if element]


def _refuse(headers: Headers, *args: object, **kwargs: object) -> NoReturn:
    """What every way of changing ``Headers`` does."""
    raise TypeError("Headers are immutable: build new ones from a list of pairs")


if TYPE_CHECKING:
    # What type checkers see: the read-only sequence DESIGN.md promises, so
    # that a change (``append``, ``headers[0] = ...``) is a type error too.
    _HeadersBase = Sequence[tuple[bytes, bytes]]
else:
    _HeadersBase = list


class Headers(_HeadersBase):
    """An immutable sequence of ``(name, value)`` pairs in wire order.

    Names are lowercased ``bytes``, values ``bytes`` without surrounding
    whitespace; duplicates are kept, in order, because merging them would
    be wrong for ``Set-Cookie`` and would hide a duplicated
    ``Content-Length`` from whoever checks for one.

    A ``list`` whose every way to change it is refused, rather than a
    ``Sequence`` of Python methods: iteration, ``len`` and indexing are
    then the list's own C code. Measured with callgrind, ``list(headers)``
    of three fields costs 2.0k instructions instead of 3.4k, ``len`` 1.1k
    instead of 1.8k; ``for name, value in headers`` is the first thing
    every consumer does.
    """

    __slots__ = ("_index", "_raw_lines", "_raw_names")

    # The original spelling of each name, or ``None`` while it is still
    # only in ``_raw_lines`` (parsed headers cut it out on demand).
    _raw_names: list[bytes] | None
    _raw_lines: list[bytes]
    # name -> value for parsed headers whose names are all distinct (most
    # messages): ``get`` is one dict lookup. ``None`` for headers built by
    # hand (a few fields, scanned) and when names repeat.
    _index: dict[bytes, bytes] | None

    if TYPE_CHECKING:
        # The list's own, at run time.
        def __len__(self) -> int: ...
        def __iter__(self) -> Iterator[tuple[bytes, bytes]]: ...
        @overload
        def __getitem__(self, index: int) -> tuple[bytes, bytes]: ...
        @overload
        def __getitem__(self, index: slice) -> list[tuple[bytes, bytes]]: ...
        def __getitem__(
            self, index: int | slice
        ) -> tuple[bytes, bytes] | list[tuple[bytes, bytes]]: ...

    def __init__(self, fields: HeaderInput = ()) -> None:
        # Only once: called again it would extend the fields (of an
        # event's Headers, say) behind their index and raw lines. Every
        # way of building Headers sets ``_raw_lines``.
        if hasattr(self, "_raw_lines"):
            _refuse(self)
        if isinstance(fields, Headers):
            fill_headers(self, fields)
            self._raw_names = fields._raw_names
            self._index = fields._index
            self._raw_lines = fields._raw_lines
            return
        items: list[tuple[bytes, bytes]] = []
        raw_names: list[bytes] = []
        for field in fields:
            # A field given before, as the same pair, was checked then:
            # measured on bench/server_inprocess.py, a response head of
            # two known fields is built in 0.5x the time.
            try:
                checked = CHECKED_FIELDS.get(field)
            except TypeError:  # unhashable (a list, a bytearray): never remembered
                checked = _check_field(field)
            else:
                if checked is None:
                    checked = _check_field(field)
                    if type(field) is tuple:
                        CHECKED_FIELDS.remember(field, checked, len(field[0]) + len(field[1]))
            items.append(checked[0])
            raw_names.append(checked[1])
        fill_headers(self, items)
        self._raw_names = raw_names
        self._raw_lines = []
        self._index = None

    # --- equality as a sequence, and no changes -------------------------

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | tuple):
            return _as_list(self) == list(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, list | tuple):
            return _as_list(self) != list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Headers({_as_list(self)!r})"

    def __reduce__(self) -> tuple[type[Headers], tuple[list[tuple[bytes, bytes]]]]:
        # A copy or an unpickled one is built by the constructor: the
        # list's own way would append to it, which is refused.
        return Headers, (self.raw_items(),)

    if not TYPE_CHECKING:  # type checkers see a Sequence, which has none of these
        __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
        append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    # --- lookups ----------------------------------------------------------

    def get(self, name: bytes | str, default: bytes | None = None) -> bytes | None:
        """The first value of ``name`` (any case), or ``default``."""
        key = to_bytes(name, "a header name").lower()
        index = self._index
        if index is not None:
            return index.get(key, default)
        for item_name, value in self:
            if item_name == key:
                return value
        return default

    def get_all(self, name: bytes | str) -> list[bytes]:
        """Every value of ``name`` (any case), in wire order."""
        key = to_bytes(name, "a header name").lower()
        return [value for item_name, value in self if item_name == key]

    def raw_items(self) -> list[tuple[bytes, bytes]]:
        """The fields with each name spelled as it was received or given."""
        return [(name, value) for name, (_, value) in zip(_raw_names(self), self, strict=True)]


#: The list's own methods, for building ``Headers`` (whose own are refused)
#: and for comparing them as plain lists. (Type checkers, which see no
#: list in ``Headers``, are told what they do.)
new_headers: Final[Callable[[type[Headers]], Headers]] = list.__new__
fill_headers: Final[Callable[[Headers, Iterable[tuple[bytes, bytes]]], None]] = list.extend  # type: ignore[assignment]
_as_list: Final[Callable[[Headers], list[tuple[bytes, bytes]]]] = list.copy  # type: ignore[assignment]


def _raw_names(headers: Headers) -> list[bytes]:
    """Each name as written, cut from the raw lines the first time it is asked for."""
    raw_names = headers._raw_names
    if raw_names is None:
        raw_names = headers._raw_names = [line.split(b":", 1)[0] for line in headers._raw_lines]
    return raw_names


def field_lines(headers: Headers) -> bytes:
    """The fields as lines for the wire, each name as written, each line with its CRLF.

    One comprehension over the names and values: measured on
    bench/server_inprocess.py, 0.5x the time of formatting ``raw_items()``.
    """
    return b"".join(
        [
            b"%s: %s\r\n" % (name, value)
            for name, (_, value) in zip(_raw_names(headers), headers, strict=True)
        ]
    )


def _check_field(field: tuple[bytes | str, bytes | str]) -> tuple[tuple[bytes, bytes], bytes]:
    """A field as given, checked: its ``(lowered name, value)`` and the name as written."""
    try:
        raw_name, raw_value = field
    except (TypeError, ValueError):
        raise LocalProtocolError(
            f"a header field must be a (name, value) pair, got {field!r:.60}"
        ) from None
    name = to_bytes(raw_name, "a header name")
    value = to_bytes(raw_value, "a header value").strip(_OWS)
    if FIELD_NAME_RE.fullmatch(name) is None:
        raise LocalProtocolError(f"invalid header name {quote(name)}")
    if FIELD_VALUE_RE.fullmatch(value) is None:
        raise LocalProtocolError(
            f"invalid header value for {quote(name)}: {quote(value)} "
            "(control characters such as CR, LF and NUL are not allowed)"
        )
    return (name.lower(), value), name
