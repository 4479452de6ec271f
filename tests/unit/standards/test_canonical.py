"""`canonical_json` is RFC 8785 byte for byte: property tests against `rfc8785` and the
cyberphone/json-canonicalization test data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from standards.canonical import _fast_path_safe, canonical_digest, canonical_json, sha256_hex
from tests.support.conformance import CONFORMANCE_DIR, conformance_files

JCS_INPUTS = conformance_files("jcs/input/*.json")

# Every code point except surrogates (those are not valid in UTF-8 and are tested apart):
# astral characters, control characters, U+2028/9, DEL, noncharacters.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
BMP_TEXT = st.text(st.characters(exclude_categories=["Cs"], max_codepoint=0xFFFF), max_size=12)
SAFE_INT = st.integers(-(2**53) + 1, 2**53 - 1)
EDGE_INT = st.sampled_from([2**53 - 1, 2**53, 2**53 + 1, -(2**53) + 1, -(2**53), 10**30])


def json_values(keys: st.SearchStrategy[str], scalars: st.SearchStrategy[Any]) -> Any:
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=25,
    )


ANY_SCALAR = (
    st.none()
    | st.booleans()
    | SAFE_INT
    | st.integers()  # big integers: both sides must refuse the same ones
    | EDGE_INT
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats()  # NaN and infinities: refused on both sides
    | ANY_TEXT
)
# Non-integral floats from 1e-4 up (scores like 87.5): repr() is ECMAScript's form there.
PLAIN_FLOAT = st.floats(min_value=1e-4, max_value=2.0**52, exclude_max=True).filter(
    lambda f: not f.is_integer()
)
FAST_FLOAT = PLAIN_FLOAT | PLAIN_FLOAT.map(lambda f: -f)
FAST_SCALAR = st.none() | st.booleans() | SAFE_INT | FAST_FLOAT | ANY_TEXT
# Floats around every boundary of the fast path, and the forms JCS spells unlike repr().
EDGE_FLOATS = [
    1e-4, 9.999999999999999e-05, 1.0000000000000002e-4, 1e-5, 1e-6, 1e-7, 5e-324, 0.1, 0.5,
    87.5, 87.0, -0.0, 0.0, 2.0**52 - 0.5, 2.0**52, 2.0**53, 2.0**53 + 2, 1e15 + 0.5, 1e16,
    1e20, 1e21, 1e22, 1.7976931348623157e308, 0.30000000000000004, 123456789.12345679,
]  # fmt: skip


def outcome(function: Any, value: Any) -> tuple[str, Any]:
    try:
        return "bytes", bytes(function(value))
    except Exception as exc:  # the error class is part of the contract
        return "error", type(exc)


@settings(max_examples=1500)
@given(json_values(ANY_TEXT, ANY_SCALAR))
def test_matches_rfc8785_for_any_json_value(value: Any) -> None:
    assert outcome(canonical_json, value) == outcome(rfc8785.dumps, value)


@settings(max_examples=500)
@given(json_values(BMP_TEXT, FAST_SCALAR))
def test_fast_path_is_taken_and_identical(value: Any) -> None:
    # The domain the registry's documents live in must take the msgspec fast path.
    assert _fast_path_safe(value)
    expected = rfc8785.dumps(value)
    with patch.object(rfc8785, "dumps", _no_fallback):
        assert canonical_json(value) == expected


def _no_fallback(value: Any) -> bytes:
    raise AssertionError("the fast path fell back to rfc8785")


@settings(max_examples=1000)
@given(st.lists(st.floats() | FAST_FLOAT, max_size=6))
def test_floats_match_rfc8785(value: list[float]) -> None:
    assert outcome(canonical_json, value) == outcome(rfc8785.dumps, value)


@pytest.mark.parametrize("number", EDGE_FLOATS + [-f for f in EDGE_FLOATS])
def test_edge_floats_match_rfc8785(number: float) -> None:
    assert outcome(canonical_json, {"score": number}) == outcome(rfc8785.dumps, {"score": number})


def test_a_non_integral_score_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    subject: dict[str, Any] = {
        "grade": "B",
        "score": 87.5,
        "scope": {"corridor": ["NP-AE"]},
        "ttl": 300000,
    }
    expected = rfc8785.dumps(subject)
    monkeypatch.setattr(rfc8785, "dumps", _no_fallback)
    assert (
        canonical_json(subject)
        == expected
        == b'{"grade":"B","scope":{"corridor":["NP-AE"]},"score":87.5,"ttl":300000}'
    )


@given(json_values(ANY_TEXT, FAST_SCALAR))
def test_astral_keys_anywhere_match_rfc8785(value: Any) -> None:
    nested = {"a": value, "\U0001f600": {"\ufb33": value, "\U00010000": [value]}, "\ufb33": 1}
    assert outcome(canonical_json, nested) == outcome(rfc8785.dumps, nested)


def test_subclasses_and_other_types_match_rfc8785() -> None:
    class Text(str):
        pass

    class Number(int):
        pass

    for value in (
        {Text("k"): Text("v")},
        [Number(5)],
        {"when": __import__("datetime").date(2026, 1, 1)},
        {"raw": b"bytes"},
        {"set": {1, 2}},
        {"n": float("inf")},
        {"n": float("nan")},
        {"k": 2**53 - 1, "j": -(2**53) + 1},
    ):
        assert outcome(canonical_json, value) == outcome(rfc8785.dumps, value), value


@given(st.dictionaries(ANY_TEXT, st.integers(0, 9), min_size=2, max_size=8))
def test_key_order_is_utf16_even_with_astral_keys(value: dict[str, int]) -> None:
    # U+1F600 sorts before U+FB33 in UTF-16 (surrogate 0xD83D < 0xFB33), unlike code points.
    value = {**value, "\U0001f600": 1, "\ufb33": 2}
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        2**53,
        -(2**53),
        {"n": 2**53},
        "\ud800",
        {"\udc00": 1},
        {"k": ["\ud83d"]},
        float("nan"),
        {1: "int key"},
        {"k": object()},
    ],
)
def test_refusals_match_rfc8785(value: Any) -> None:
    kind, error = outcome(canonical_json, value)
    assert kind == "error"
    assert (kind, error) == outcome(rfc8785.dumps, value)


def test_tuples_and_nesting() -> None:
    value = {"b": (1, [2, {"z": None, "a": True}]), "a": ""}
    assert canonical_json(value) == b'{"a":"","b":[1,[2,{"a":true,"z":null}]]}'
    deep: Any = "leaf"
    for _ in range(5000):  # deeper than the recursion limit of the reference encoder
        deep = [deep]
    assert _fast_path_safe(deep)


def test_digest_helpers() -> None:
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert canonical_digest({"b": 1, "a": 2}) == "sha256:" + sha256_hex(b'{"a":2,"b":1}')


@pytest.mark.parametrize("path", JCS_INPUTS, ids=lambda p: p.name)
def test_jcs_conformance_vectors(path: Path) -> None:
    expected = (CONFORMANCE_DIR / "jcs" / "output" / path.name).read_bytes()
    expected_hex = CONFORMANCE_DIR / "jcs" / "outhex" / path.with_suffix(".txt").name
    value = json.loads(path.read_text(encoding="utf-8"))
    assert canonical_json(value) == expected
    assert canonical_json(value).hex() == "".join(expected_hex.read_text().split())
    # JCS reads every number as a double: parsing integers as floats gives the same bytes.
    as_doubles = json.loads(path.read_text(encoding="utf-8"), parse_int=float)
    assert canonical_json(as_doubles) == expected
