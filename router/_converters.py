"""Converters: how a parameter's text becomes a value, and a value text again.

A converter sees the percent-decoded text of one path segment (of the rest
of the path, for ``path``). It declines a segment by not matching its
``pattern`` or by raising ``ValueError`` from ``to_python``; the matcher
then tries the next candidate route, so a converter is also a filter:
``/users/{id:int}`` and ``/users/{name}`` can live side by side.

To add one, subclass ``Converter``, set ``pattern`` or override
``to_python`` (or both), override ``to_url`` when ``str(value)`` is not the
right text, and register an instance under a name::

    class HexConverter(Converter):
        pattern = "[0-9a-f]+"
        def to_python(self, text): return int(text, 16)
        def to_url(self, value): return format(value, "x")

    router = Router(converters={"hex": HexConverter()})
    router.add_route("/colors/{rgb:hex}", show_color)
"""

from __future__ import annotations

import decimal
import math
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Final

#: Priority of a plain ``{name}``: typed converters weigh less and are tried
#: first. Converters of equal weight are tried in name order, so priority
#: never depends on registration order.
STRING_WEIGHT: Final = 100


class _Miss:
    """The type of MISS."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISS"


#: What a compiled parser returns when a segment does not suit the converter.
#: A sentinel rather than an exception: declining is the matcher's common
#: case and must not cost a raise.
MISS: Final = _Miss()

#: A converter reduced to one call: text in, value or MISS out.
Parser = Callable[[str], object]


class Converter:
    """Base class of path parameter converters.

    ``pattern``: a regular expression that the whole decoded text must match,
    or ``None`` to accept any non-empty text. ``to_python``: turns matching
    text into the value handed to the handler; raising ``ValueError`` declines
    the text. ``to_url``: turns a value given to ``url_for`` back into text
    (not yet percent-encoded); raising ``TypeError`` or ``ValueError`` rejects
    the value. ``weight``: priority among the parameters that could take the
    same segment, lower first; keep it under STRING_WEIGHT so that the
    converter is tried before a plain ``{name}``.
    """

    pattern: str | None = None
    weight: int = 50

    def to_python(self, text: str) -> object:
        return text

    def to_url(self, value: object) -> str:
        return str(value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class StringConverter(Converter):
    """``{name}`` and ``{name:str}``: any non-empty segment, as text."""

    weight = STRING_WEIGHT

    def to_url(self, value: object) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected str, got {type(value).__name__}")
        return value


class IntConverter(Converter):
    """``{name:int}``: ASCII digits, as a non-negative ``int``.

    No sign and no other digits than 0-9 (``str.isdigit`` alone would let
    ``'²'`` through), so that one number has one URL family and a typed route
    never shadows a plain one for text that is merely number-like.
    """

    pattern = "[0-9]+"
    weight = 10

    def to_python(self, text: str) -> object:
        # int() itself refuses more than sys.get_int_max_str_digits() digits
        # with ValueError, which declines the segment: no quadratic parse.
        return int(text)

    def to_url(self, value: object) -> str:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"expected int, got {type(value).__name__}")
        if value < 0:
            raise ValueError(f"expected a non-negative int, got {value}")
        return str(value)


class FloatConverter(Converter):
    """``{name:float}``: ``digits`` or ``digits.digits``, as a ``float``.

    No sign, exponent, ``inf`` or ``nan``: the text a person would write in a
    path, and one that survives any proxy untouched.
    """

    pattern = r"[0-9]+(?:\.[0-9]+)?"
    weight = 30

    def to_python(self, text: str) -> object:
        return float(text)

    def to_url(self, value: object) -> str:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(f"expected float, got {type(value).__name__}")
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"expected a finite non-negative float, got {value!r}")
        # repr() is the shortest text that reads back as the same float;
        # Decimal spells its exponent out (1e+16, 1e-07) without losing that.
        # + 0.0 turns -0.0 into 0.0.
        text = format(decimal.Decimal(repr(number + 0.0)), "f")
        return text


class UUIDConverter(Converter):
    """``{name:uuid}``: the 8-4-4-4-12 hex form, either case, as a ``uuid.UUID``."""

    pattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    weight = 20

    def to_python(self, text: str) -> object:
        return uuid.UUID(text)

    def to_url(self, value: object) -> str:
        if not isinstance(value, uuid.UUID):
            raise TypeError(f"expected uuid.UUID, got {type(value).__name__}")
        return str(value)


class PathConverter(Converter):
    """``{name:path}``: the rest of the path, slashes included, never empty.

    It must end the template, and it is tried after everything else at its
    position, so that it only catches what no narrower route takes.
    """

    weight = STRING_WEIGHT + 1

    def to_url(self, value: object) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected str, got {type(value).__name__}")
        return value


#: The converters every router knows, by the name a template uses.
BUILTIN_CONVERTERS: Final[Mapping[str, Converter]] = {
    "str": StringConverter(),
    "int": IntConverter(),
    "float": FloatConverter(),
    "uuid": UUIDConverter(),
    "path": PathConverter(),
}


def _parse_int(text: str) -> object:
    """IntConverter's parser without a regex: isdigit and isascii together
    are exactly ``[0-9]+``."""
    if text.isdigit() and text.isascii():
        try:
            return int(text)
        except ValueError:  # more digits than sys.get_int_max_str_digits()
            return MISS
    return MISS


def _parse_str(text: str) -> object:
    """StringConverter's parser: any text is fine, the matcher already
    refused empty segments."""
    return text


def compile_parser(converter: Converter) -> Parser:
    """Fold a converter's pattern and ``to_python`` into one call that
    returns MISS instead of raising, for the matcher."""
    if type(converter) is IntConverter:
        return _parse_int
    if type(converter) in (StringConverter, PathConverter):
        return _parse_str
    regex = re.compile(converter.pattern) if converter.pattern is not None else None
    to_python = converter.to_python

    def parse(text: str) -> object:
        if regex is not None and regex.fullmatch(text) is None:
            return MISS
        try:
            return to_python(text)
        except ValueError:
            return MISS

    return parse
