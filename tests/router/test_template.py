"""Parsing templates into segments, and the percent-encoding rules of segments."""

from __future__ import annotations

import pytest

from router import Converter, TemplateError
from router._converters import BUILTIN_CONVERTERS, compile_parser
from router._template import (
    Parameter,
    Template,
    canonical_segment,
    decode_segment,
    encode_segment,
    parse_template,
)

PARSERS = {name: compile_parser(converter) for name, converter in BUILTIN_CONVERTERS.items()}


def parse(text: str) -> Template:
    return parse_template(text, BUILTIN_CONVERTERS, PARSERS)


def test_static_and_parameter_segments():
    template = parse("/users/{id:int}/files/{rest:path}")
    assert template.text == "/users/{id:int}/files/{rest:path}"
    assert template.segments[0] == "users"
    assert template.segments[2] == "files"
    parameter = template.segments[1]
    assert isinstance(parameter, Parameter)
    assert (parameter.name, parameter.converter_name) == ("id", "int")
    assert [p.name for p in template.parameters] == ["id", "rest"]


def test_a_plain_parameter_uses_the_str_converter():
    (parameter,) = parse("/{name}").parameters
    assert parameter.converter_name == "str"
    assert parameter.converter is BUILTIN_CONVERTERS["str"]


def test_root_and_trailing_slash_are_an_empty_last_segment():
    assert parse("/").segments == ("",)
    assert parse("/a").segments == ("a",)
    assert parse("/a/").segments == ("a", "")


def test_shape_ignores_parameter_names_but_not_converters():
    assert parse("/users/{id}").shape == parse("/users/{name}").shape
    assert parse("/users/{id}").shape == parse("/users/{id:str}").shape
    assert parse("/users/{id}").shape != parse("/users/{id:int}").shape
    assert parse("/users/{id}").shape != parse("/users/{id}/").shape


def test_static_segments_are_stored_percent_encoded():
    """Templates are written decoded; the stored form is what clients send."""
    assert parse("/café/x y/100%/a+b:c@d").segments == ("caf%C3%A9", "x%20y", "100%25", "a+b:c@d")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("users", "must start with '/'"),
        ("", "must start with '/'"),
        ("//a", "empty segment"),
        ("/a//b", "empty segment"),
        ("/a{b}", "fill its whole segment"),
        ("/{a}.json", "fill its whole segment"),
        ("/{a", "fill its whole segment"),
        ("/a}", "fill its whole segment"),
        ("/{a:int:x}", "unknown converter"),
        ("/{}", "not an identifier"),
        ("/{1a}", "not an identifier"),
        ("/{a-b}", "not an identifier"),
        ("/{a}/{a:int}", "twice"),
        ("/{a:nope}", "unknown converter 'nope'"),
        ("/{a:path}/b", "must come last"),
        ("/{a:path}/", "must come last"),
    ],
)
def test_bad_templates_are_refused(text, message):
    with pytest.raises(TemplateError, match=message):
        parse(text)


def test_error_messages_cut_long_input():
    with pytest.raises(TemplateError) as caught:
        parse("x" * 1000)
    assert len(str(caught.value)) < 200


def test_custom_converters_are_found_by_name():
    class Hex(Converter):
        pattern = "[0-9a-f]+"

    converters = {**BUILTIN_CONVERTERS, "hex": Hex()}
    parsers = {**PARSERS, "hex": compile_parser(converters["hex"])}
    (parameter,) = parse_template("/{color:hex}", converters, parsers).parameters
    assert parameter.converter is converters["hex"]


def test_joining_a_prefix_keeps_segments_and_refuses_shared_names():
    joined = parse("/api/{version:int}") + parse("/users/{id}")
    assert joined.text == "/api/{version:int}/users/{id}"
    assert [p.name for p in joined.parameters] == ["version", "id"]
    with pytest.raises(TemplateError, match="'id' appears in both"):
        parse("/{id}") + parse("/users/{id}")


def test_encode_segment_encodes_slashes_unless_asked():
    assert encode_segment("a/b c") == "a%2Fb%20c"
    assert encode_segment("a/b c", keep_slashes=True) == "a/b%20c"
    assert encode_segment("~-._!$&'()*+,;=:@") == "~-._!$&'()*+,;=:@"
    assert encode_segment("?#%") == "%3F%23%25"
    with pytest.raises(UnicodeEncodeError):
        encode_segment("\ud800")


def test_decode_segment_refuses_escapes_that_are_not_utf8():
    assert decode_segment("a%2Fb") == "a/b"
    assert decode_segment("J%C3%BCrgen") == "Jürgen"
    assert decode_segment("plain") == "plain"
    assert decode_segment("%zz") == "%zz"  # not an escape: kept as it is
    with pytest.raises(UnicodeDecodeError):
        decode_segment("%FF")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("caf%C3%A9", "caf%C3%A9"),
        ("caf%c3%a9", "caf%C3%A9"),
        ("%41", "A"),
        ("a%2fb", "a%2Fb"),
        ("x%20y", "x%20y"),
        ("%FF", "%FF"),  # not UTF-8: stays, and so matches no static segment
        ("café", "café"),  # no "%": taken as sent
        ("a b", "a b"),
    ],
)
def test_canonical_segment_normalizes_only_segments_with_escapes(raw, canonical):
    assert canonical_segment(raw) == canonical
