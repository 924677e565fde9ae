"""Hypothesis strategies for routes, parameter values and request paths.

Static segments and parameter values come from small alphabets on purpose,
so that they collide: a value equal to a static sibling, a digit string that
both ``{x:int}`` and ``{x}`` take, an escape that decodes to a static word.
Those collisions are where the priority rules matter.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from hypothesis import strategies as st

#: Static words, written decoded as templates are.
WORDS = ["a", "b", "users", "5", "1.5", "café", "x y", "100%", "é/"]

#: What a generated route's ``methods`` may be.
METHOD_SETS = [None, ("GET",), ("POST",), ("GET", "POST"), ("HEAD",), ("PUT", "DELETE")]

#: Text that ``{x}`` may take: anything but "" and lone surrogates.
segment_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8
) | st.sampled_from(["a", "b", "5", "007", "1.5", "users", "café", "%", "/", "a/b"])

path_text = st.lists(segment_text, min_size=1, max_size=3).map("/".join)

#: For each converter, values that url_for accepts.
values_by_converter = {
    "str": segment_text,
    "int": st.integers(min_value=0, max_value=10**20),
    "float": st.floats(min_value=0, allow_nan=False, allow_infinity=False),
    "uuid": st.uuids(),
    "path": path_text,
}


@dataclass(frozen=True)
class Spec:
    """One route to add: template, methods and name."""

    template: str
    methods: tuple[str, ...] | None
    name: str


@st.composite
def templates(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=0, max_value=4))
    segments = []
    for index in range(count):
        if draw(st.booleans()):
            segments.append(draw(st.sampled_from(WORDS)).replace("/", ""))
        else:
            converters = ["str", "int", "float", "uuid"]
            if index == count - 1:
                converters.append("path")
            converter = draw(st.sampled_from(converters))
            suffix = "" if converter == "str" and draw(st.booleans()) else f":{converter}"
            segments.append(f"{{p{index}{suffix}}}")
    trailing = draw(st.booleans()) and not (segments and ":path}" in segments[-1])
    return "/" + "/".join(segments) + ("/" if trailing and segments else "")


@st.composite
def route_specs(draw: st.DrawFn) -> list[Spec]:
    specs = []
    for number in range(draw(st.integers(min_value=1, max_value=8))):
        template = draw(templates())
        specs.append(Spec(template, draw(st.sampled_from(METHOD_SETS)), f"route{number}"))
    return specs


#: Raw path segments as a client might send them, escapes included.
raw_segments = st.sampled_from(
    [
        *("a", "b", "users", "5", "007", "1.5", "", "caf%C3%A9", "caf%c3%a9", "x%20y", "%35"),
        *("a%2Fb", "%FF", "%zz", "100%25", "%", str(uuid.UUID(int=7)), "é", "%C2%B2"),
        *("\u00b2", "\u0661\u0662"),  # superscript two, Arabic-Indic one two: digits, not 0-9
    ]
)

raw_paths = st.lists(raw_segments, min_size=0, max_size=5).map(lambda parts: "/" + "/".join(parts))

methods = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
