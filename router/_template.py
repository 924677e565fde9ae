"""Route templates such as ``/users/{id:int}``, parsed into segments.

A template is written decoded, the way a person reads a path: ``/café`` or
``/files/{name}``. Its static segments are stored percent-encoded in the
canonical form of RFC 3986 §6.2.2 (UTF-8, upper-case hex, unreserved
characters and sub-delims left alone), because the matcher compares them with
the raw segments of the request path, which a client sends encoded.

Each parameter fills a whole segment: ``{name}`` or ``{name:converter}``,
where ``name`` is a Python identifier (it becomes a keyword argument) used
once per template. ``{name:path}`` takes the rest of the path and must come
last. Empty segments are only allowed at the end, where they spell a
trailing slash: ``/a`` and ``/a/`` are different routes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, unquote

from router._converters import Converter, Parser
from router._errors import TemplateError, shown

#: What a path segment keeps unencoded besides the unreserved characters
#: that ``quote`` never touches: RFC 3986 §3.3 pchar = unreserved /
#: pct-encoded / sub-delims / ":" / "@". Everything else, "/" included, is
#: percent-encoded, so a value's "/" can never pass for a separator.
SEGMENT_SAFE: Final = "!$&'()*+,;=:@"

#: A parameter segment: ``{name}`` or ``{name:converter}``.
PARAMETER: Final = re.compile(r"\{([^{}:]*)(?::([^{}]*))?\}")

#: The converter of a plain ``{name}``.
DEFAULT_CONVERTER: Final = "str"

#: The converter that takes the rest of the path.
PATH_CONVERTER: Final = "path"


def encode_segment(text: str, *, keep_slashes: bool = False) -> str:
    """Percent-encode ``text`` for a path, in canonical form.

    Raises ``UnicodeEncodeError`` (a ``ValueError``) for lone surrogates,
    which have no UTF-8 form.
    """
    return quote(text, safe=SEGMENT_SAFE + "/" if keep_slashes else SEGMENT_SAFE, errors="strict")


def decode_segment(raw: str) -> str:
    """Percent-decode one raw segment (or the raw rest of a path).

    Raises ``UnicodeDecodeError`` (a ``ValueError``) when the escapes are not
    UTF-8: such a segment matches no parameter rather than reaching a handler
    as a guess with replacement characters.
    """
    if "%" not in raw:
        return raw
    return unquote(raw, errors="strict")


def canonical_segment(raw: str) -> str:
    """The form of a raw request segment that static segments are stored in.

    Only segments with a ``%`` are normalized (``%c3%a9`` and ``%41`` become
    ``%C3%A9`` and ``A``); any other segment is taken to be canonical as sent,
    which every client's is. A segment whose escapes are not UTF-8 stays as it
    is, and so matches no static segment.
    """
    if "%" not in raw:
        return raw
    try:
        return encode_segment(unquote(raw, errors="strict"))
    except ValueError:
        return raw


@dataclass(frozen=True, slots=True)
class Parameter:
    """One ``{name:converter}`` segment of a template."""

    name: str
    converter_name: str
    converter: Converter
    parse: Parser


#: A parsed segment: the canonical text of a static segment, or a parameter.
Segment = str | Parameter


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: its text and its segments after the leading ``/``."""

    text: str
    segments: tuple[Segment, ...]

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return tuple(segment for segment in self.segments if isinstance(segment, Parameter))

    @property
    def shape(self) -> tuple[str, ...]:
        """What decides which paths the template takes, names aside: two
        templates of the same shape take exactly the same paths."""
        return tuple(
            "{:" + segment.converter_name + "}" if isinstance(segment, Parameter) else segment
            for segment in self.segments
        )

    def __add__(self, other: Template) -> Template:
        """This template as a prefix of ``other``, as ``Router.include`` needs."""
        names = {parameter.name for parameter in self.parameters}
        for parameter in other.parameters:
            if parameter.name in names:
                raise TemplateError(
                    f"parameter {parameter.name!r} appears in both {shown(self.text)} "
                    f"and {shown(other.text)}"
                )
        return Template(self.text + other.text, self.segments + other.segments)


def parse_template(
    text: str, converters: Mapping[str, Converter], parsers: Mapping[str, Parser]
) -> Template:
    """Parse ``text`` with the converters a router knows; raise TemplateError."""
    if not text.startswith("/"):
        raise TemplateError(f"template {shown(text)} must start with '/'")
    pieces = text[1:].split("/")
    segments: list[Segment] = []
    names: set[str] = set()
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        if "{" not in piece and "}" not in piece:
            if not piece and not last:
                raise TemplateError(f"template {shown(text)} has an empty segment")
            segments.append(encode_segment(piece))
            continue
        match = PARAMETER.fullmatch(piece)
        if match is None:
            raise TemplateError(
                f"template {shown(text)}: a parameter must fill its whole segment, "
                f"as in '{{name}}' or '{{name:int}}', not {shown(piece)}"
            )
        name, converter_name = match.group(1), match.group(2) or DEFAULT_CONVERTER
        if not name.isidentifier():
            raise TemplateError(
                f"template {shown(text)}: parameter name {shown(name)} is not an identifier"
            )
        if name in names:
            raise TemplateError(f"template {shown(text)} uses parameter {name!r} twice")
        converter = converters.get(converter_name)
        if converter is None:
            raise TemplateError(
                f"template {shown(text)}: unknown converter {shown(converter_name)}; "
                f"known: {', '.join(sorted(converters))}"
            )
        if converter_name == PATH_CONVERTER and not last:
            raise TemplateError(f"template {shown(text)}: a '{{name:path}}' must come last")
        names.add(name)
        segments.append(Parameter(name, converter_name, converter, parsers[converter_name]))
    return Template(text, tuple(segments))
