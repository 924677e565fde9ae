"""Converters: what each builtin takes and gives, and how a custom one plugs in."""

from __future__ import annotations

import sys
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from router import (
    Converter,
    FloatConverter,
    IntConverter,
    PathConverter,
    StringConverter,
    UUIDConverter,
)
from router._converters import BUILTIN_CONVERTERS, MISS, STRING_WEIGHT, compile_parser


def parse(converter: Converter, text: str) -> object:
    return compile_parser(converter)(text)


def test_builtin_names():
    assert sorted(BUILTIN_CONVERTERS) == ["float", "int", "path", "str", "uuid"]


def test_typed_converters_weigh_less_than_str_and_str_less_than_path():
    typed = [IntConverter(), FloatConverter(), UUIDConverter()]
    assert all(converter.weight < STRING_WEIGHT for converter in typed)
    assert StringConverter().weight == STRING_WEIGHT < PathConverter().weight
    assert Converter.weight < STRING_WEIGHT


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("42", 42), ("007", 7), ("12345678901234567890", 12345678901234567890)],
)
def test_int_takes_ascii_digits(text, value):
    assert parse(IntConverter(), text) == value


#: Digits that are not 0-9: superscript two, Arabic-Indic one two, fullwidth one.
OTHER_DIGITS = ["\u00b2", "\u0661\u0662", "\uff11"]


@pytest.mark.parametrize("text", ["", "-1", "+1", "1.0", "1e3", " 1", "0x1", *OTHER_DIGITS])
def test_int_declines_anything_else(text):
    """Only 0-9: str.isdigit() alone would take a superscript two, and
    int() takes Arabic-Indic and fullwidth digits."""
    assert parse(IntConverter(), text) is MISS


def test_int_declines_more_digits_than_python_parses():
    text = "9" * (sys.get_int_max_str_digits() + 1)
    assert parse(IntConverter(), text) is MISS


def test_int_to_python_is_int():
    """What the matcher calls once the text matched the pattern."""
    assert IntConverter().to_python("12") == 12


def test_int_to_url():
    assert IntConverter().to_url(12) == "12"
    with pytest.raises(TypeError):
        IntConverter().to_url("12")
    with pytest.raises(TypeError):
        IntConverter().to_url(True)
    with pytest.raises(ValueError, match="non-negative"):
        IntConverter().to_url(-1)


@pytest.mark.parametrize(("text", "value"), [("1", 1.0), ("1.5", 1.5), ("0.25", 0.25)])
def test_float_takes_digits_with_an_optional_fraction(text, value):
    result = parse(FloatConverter(), text)
    assert result == value
    assert type(result) is float


@pytest.mark.parametrize(
    "text", ["", ".5", "1.", "-1.5", "1e3", "inf", "nan", "1_000", "\u0661.\u0665"]
)
def test_float_declines_signs_exponents_and_words(text):
    assert parse(FloatConverter(), text) is MISS


@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False) | st.integers(0, 10**30))
def test_float_to_url_reads_back_exactly(value):
    text = FloatConverter().to_url(value)
    assert parse(FloatConverter(), text) == float(value)


def test_float_to_url_spells_exponents_out():
    assert FloatConverter().to_url(1e16) == "10000000000000000"
    assert FloatConverter().to_url(1e-7) == "0.0000001"
    assert FloatConverter().to_url(-0.0) == "0.0"
    assert FloatConverter().to_url(3) == "3.0"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.5, "1.5", True, None])
def test_float_to_url_refuses_what_no_path_can_say(value):
    with pytest.raises((TypeError, ValueError)):
        FloatConverter().to_url(value)


def test_uuid_takes_either_case():
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert parse(UUIDConverter(), str(value)) == value
    assert parse(UUIDConverter(), str(value).upper()) == value
    assert UUIDConverter().to_url(value) == str(value)


@pytest.mark.parametrize(
    "text",
    ["12345678123456781234567812345678", "{12345678-1234-5678-1234-567812345678}", "x" * 36],
)
def test_uuid_declines_other_spellings(text):
    assert parse(UUIDConverter(), text) is MISS


def test_uuid_to_url_wants_a_uuid():
    with pytest.raises(TypeError):
        UUIDConverter().to_url("12345678-1234-5678-1234-567812345678")


def test_str_and_path_take_text_as_it_is():
    assert parse(StringConverter(), "a b") == "a b"
    assert parse(PathConverter(), "a/b") == "a/b"
    assert StringConverter().to_url("x") == "x"
    assert PathConverter().to_url("a/b") == "a/b"
    with pytest.raises(TypeError):
        StringConverter().to_url(5)
    with pytest.raises(TypeError):
        PathConverter().to_url(5)


def test_a_pattern_converter():
    class Hex(Converter):
        pattern = "[0-9a-f]+"

        def to_python(self, text: str) -> object:
            return int(text, 16)

        def to_url(self, value: object) -> str:
            assert isinstance(value, int)
            return format(value, "x")

    assert parse(Hex(), "ff") == 255
    assert parse(Hex(), "FF") is MISS  # the pattern is checked before to_python
    assert parse(Hex(), "ffg") is MISS  # and must match the whole text
    assert Hex().to_url(255) == "ff"


def test_a_parse_function_converter_declines_by_raising_value_error():
    class Even(Converter):
        def to_python(self, text: str) -> object:
            number = int(text)
            if number % 2:
                raise ValueError("odd")
            return number

    assert parse(Even(), "4") == 4
    assert parse(Even(), "3") is MISS
    assert parse(Even(), "x") is MISS


def test_the_base_converter_takes_any_text_and_writes_str():
    assert parse(Converter(), "anything") == "anything"
    assert Converter().to_url(5) == "5"
    assert repr(Converter()) == "Converter()"


def test_a_subclass_of_a_builtin_keeps_its_own_to_python():
    """The shortcut parsers are for the exact builtin classes only."""

    class Small(IntConverter):
        def to_python(self, text: str) -> object:
            value = int(text)
            if value > 10:
                raise ValueError(text)
            return value

    assert parse(Small(), "7") == 7
    assert parse(Small(), "11") is MISS
    assert parse(Small(), "x") is MISS


def test_miss_has_a_readable_repr():
    assert repr(MISS) == "MISS"
