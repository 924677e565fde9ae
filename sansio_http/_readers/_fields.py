"""Field lines (headers and trailers) from octets already checked."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Final

from .._abnf import FIELD_OCTETS, TCHARS_LOWER
from .._errors import RemoteProtocolError, quote
from .._limits import Limits
from .._memo import Memo

_CRLF: Final = b"\r\n"
_OWS: Final = b" \t"
#: What a line starting with SP or HTAB starts with, as ``line[:1]`` gives it.
_OWS_OCTETS: Final = (b" ", b"\t")
#: Accepted field lines and their ``(lowered name, value)``: a few thousand
#: typical lines, whatever the peers send (see ``_memo``).
FIELD_LINES: Final[Memo[bytes, tuple[bytes, bytes]]] = Memo(512 * 1024)
#: Up to this many new lines in a section, each is parsed alone; past it
#: the whole section is parsed in one comprehension, which is cheaper then.
_FEW_NEW_LINES: Final = 3


def cut_lines(buffer: bytearray, end: int) -> list[bytes]:
    """Cut a section ending at ``end`` off ``buffer``; return its lines.

    Every line must end in CRLF: no bare CR or LF may break one (RFC 9112
    §2.2). The section is split on CRLF only, so a bare CR or LF stays
    inside its line, where the check of every line refuses it: the start
    line's pattern allows neither, and neither is a field octet, so no
    field line that holds one is ever accepted or remembered (see
    ``parse_new_field``). Measured with callgrind on bench/parser.py case
    (c), against ``splitlines`` and a count of the CRLF to compare with
    the lines: 38.3k -> 36.1k instructions per message.
    """
    if len(buffer) == end + 4:
        # The section is all the buffer holds, as a request without a
        # body that came by itself is: one copy instead of a slice and a
        # copy (0.35k instructions less, callgrind). Its blank line then
        # gives two empty lines more, dropped below.
        block = bytes(buffer)
        buffer.clear()
        lines = block.split(_CRLF)
        del lines[-2:]
        return lines
    block = bytes(buffer[:end])
    del buffer[: end + 4]
    return block.split(_CRLF)


def parse_fields(
    lines: list[bytes], limits: Limits
) -> tuple[list[tuple[bytes, bytes]], dict[bytes, bytes]]:
    """Turn field lines into ``(lowered name, value)`` pairs and an index.

    The index maps each name to its last value; it has fewer entries than
    the pairs when a name repeats. Lines seen before are looked up in
    ``FIELD_LINES``: measured on bench/parser.py, case (b) (12 fields, all
    seen before) parses in 0.6x the time, and a head of new lines costs
    one failed lookup per line more.
    """
    if len(lines) > limits.max_header_count:
        raise RemoteProtocolError(f"more than {limits.max_header_count} header fields", 431)
    known = list(map(FIELD_LINES.get, lines))
    # ``all()``, not ``None not in``: measured with callgrind, ``in`` costs
    # 1k instructions more on 12 fields (two comparisons per element).
    # No ``cast()``: it is a call, 0.4k instructions on every head.
    if all(known):
        items: list[tuple[bytes, bytes]] = known  # type: ignore[assignment]
        return items, dict(items)
    new = known.count(None)
    if new > _FEW_NEW_LINES:
        return _parse_new_fields(lines)
    # Typically all but a request id or a Referer are known: parse just
    # the new lines, found by C-level scans. Measured on bench/parser.py
    # case (g), 0.65x the time of parsing the whole section anew.
    position = -1
    for _ in range(new):
        position = known.index(None, position + 1)
        known[position] = parse_new_field(lines[position])
    items = known  # type: ignore[assignment]
    return items, dict(items)


def parse_new_field(line: bytes) -> tuple[bytes, bytes]:
    """One field line not seen before, checked as ``_parse_new_fields`` does; remember it."""
    if line.translate(None, FIELD_OCTETS):
        raise bad_octet(line)
    name, colon, value = line.partition(b":")
    item = (name.lower(), value.strip())
    if not colon or not name or item[0].translate(None, TCHARS_LOWER):
        raise _bad_field_line([line])
    FIELD_LINES.remember(line, item, len(line))
    return item


def _parse_new_fields(
    lines: list[bytes],
) -> tuple[list[tuple[bytes, bytes]], dict[bytes, bytes]]:
    """``parse_fields`` for lines not seen before; remember them.

    field-line = field-name ":" OWS field-value OWS     (RFC 9112 §5)

    Names must be tokens, which also rejects whitespace before the colon
    (RFC 9112 §5.1) and obs-fold continuation lines (RFC 9112 §5.2): both
    put SP or HTAB into what would be the name.
    """
    # One comprehension over a C-level partition: measured on
    # bench/parser.py case (b), 1.9x faster than a loop of partition,
    # strip and two appends. ``strip()`` with no argument is safe: the
    # octet check left SP and HTAB as the only whitespace in a line.
    items = [
        (name.lower(), value.strip())
        for name, _, value in map(bytes.partition, lines, repeat(b":"))
    ]
    index = dict(items)
    # Every octet of the new lines at once: no control character.
    if b"".join(lines).translate(None, FIELD_OCTETS):
        raise bad_octet(b"\r\n".join(lines))
    # Every distinct name at once: join them and delete the tchars.
    if b"".join(index).translate(None, TCHARS_LOWER) or b"" in index:
        raise _bad_field_line(lines)
    # A line with no colon reads as a name with an empty value. Empty
    # values and repeated names are rare: only then look line by line.
    if (not all(index.values()) or len(index) != len(items)) and not all(
        b":" in line for line in lines
    ):
        raise _bad_field_line(lines)
    FIELD_LINES.remember_all(lines, items, sum(map(len, lines)))
    return items, index


def unfold(lines: list[bytes]) -> list[bytes] | None:
    """The field lines with each obs-fold replaced by one SP, or ``None`` if none is.

    obs-fold = OWS CRLF RWS                               (RFC 9112 §5.2)

    A first line that starts with whitespace is no fold: RFC 9112 §2.2
    says to refuse whitespace between the start line and the first field.
    """
    if not lines or lines[0][:1] in _OWS_OCTETS:
        return None
    unfolded: list[bytes] = []
    for line in lines:
        if line[:1] in _OWS_OCTETS:
            unfolded[-1] += b" " + line.strip(_OWS)
        else:
            unfolded.append(line)
    return unfolded if len(unfolded) < len(lines) else None


def check_line_lengths(lines: list[bytes], limits: Limits) -> None:
    """431 for a field line over its limit."""
    if max(map(len, lines), default=0) > limits.max_header_line:
        raise RemoteProtocolError("a header field line is longer than the limit", 431)


def single(items: Sequence[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The one value of ``name``, refusing a field that must not repeat."""
    values = [value for item_name, value in items if item_name == name]
    if len(values) > 1:
        raise RemoteProtocolError(f"more than one {name.decode()} header")
    return values[0] if values else None


def joined(items: Sequence[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """A list-valued field's lines combined, as RFC 9110 §5.3 allows."""
    values = [value for item_name, value in items if item_name == name]
    return b", ".join(values) if values else None


# --- diagnosis: cold paths that explain why bytes were refused ---------------


def bad_octet(block: bytes) -> RemoteProtocolError:
    for position, octet in enumerate(block):
        if octet == 0x0D and block[position + 1 : position + 2] != b"\n":
            return RemoteProtocolError(f"bare CR in {quote(block[max(position - 20, 0) :])}")
        if octet == 0x0A and block[position - 1 : position] != b"\r":
            return RemoteProtocolError("a line ends with a bare LF; HTTP/1.1 lines end with CRLF")
        if (octet < 0x20 and octet not in (0x09, 0x0D, 0x0A)) or octet == 0x7F:
            return RemoteProtocolError(
                f"control character {octet:#04x} in {quote(block[max(position - 20, 0) :])}"
            )
    return RemoteProtocolError("invalid octet in the message head")  # pragma: no cover


def _bad_field_line(lines: list[bytes]) -> RemoteProtocolError:
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            return RemoteProtocolError(
                f"obs-fold (a line starting with whitespace) is not accepted: {quote(line)}"
            )
        name, colon, _ = line.partition(b":")
        if not colon:
            return RemoteProtocolError(f"header line without a colon: {quote(line)}")
        if name[-1:] in (b" ", b"\t"):
            return RemoteProtocolError(f"whitespace before the colon in {quote(line)}")
        if not name or name.lower().translate(None, TCHARS_LOWER):
            return RemoteProtocolError(f"invalid header name in {quote(line)}")
    return RemoteProtocolError("malformed header section")  # pragma: no cover


def parse_response_fields(
    lines: list[bytes], limits: Limits
) -> tuple[list[tuple[bytes, bytes]], dict[bytes, bytes]]:
    """``parse_fields`` for a response's head or trailers, which may fold lines (unfolded in place)."""
    try:
        return parse_fields(lines, limits)
    except RemoteProtocolError:
        # RFC 9112 §5.2: a user agent replaces each obs-fold in a response
        # with SP, where a server refuses them. Looked for only here, off
        # the path of every response without one.
        unfolded = unfold(lines)
        if unfolded is None:
            raise
        lines[:] = unfolded
        return parse_fields(lines, limits)
