"""state/fastjson.py against the standard json module, in-process: the same documents, the
same values; anything else only ValueError."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from uvcreds.state import fastjson

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=30
)
JSON_CHARS = st.sampled_from([*'{}[]:,"\\ \t\n-+.eE0123456789truefalsnul', "\\u", "\x00"])
NEAR_JSON = st.lists(JSON_CHARS, max_size=40).map("".join)


@given(VALUES)
def test_what_it_writes_is_what_json_writes_and_reads_back(value: object) -> None:
    text = fastjson.dumps(value)
    assert text == json.dumps(value, separators=(",", ":"))
    assert fastjson.loads(text) == value


@given(VALUES.map(lambda v: json.dumps(v, indent=1)))
def test_it_reads_what_json_writes(text: str) -> None:
    assert fastjson.loads(text) == json.loads(text)


@settings(max_examples=2000)
@given(NEAR_JSON | st.text(max_size=40))
def test_any_text_is_a_document_json_reads_the_same_or_a_value_error(text: str) -> None:
    try:
        mine = fastjson.loads(text)
    except ValueError:
        try:
            theirs = json.loads(text)
        except ValueError:
            return
        assert any(word in text for word in ("NaN", "Infinity")), (text, theirs)
        return
    assert mine == json.loads(text)


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    for opening in ("[" * 100_000, '{"a":' * 100_000):
        try:
            fastjson.loads(opening)
        except ValueError as exc:
            assert "deep" in str(exc)
        else:
            raise AssertionError("accepted")


def test_lone_surrogates_and_astral_characters_round_trip() -> None:
    for text in ("\udcff", "\ud800x", "\U0001f600", "\x7f\x00"):
        assert fastjson.dumps(text) == json.dumps(text)
        assert fastjson.loads(fastjson.dumps(text)) == text
