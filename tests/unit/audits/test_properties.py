"""Hypothesis: scores stay in range, order never matters, fast digests equal RFC 8785."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
import rfc8785
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from audits.lookup import compile_ruleset
from audits.model import SubmissionDocument, structural_problems
from audits.scoring import parse_and_score, report_digest_holds, score_validated
from standards.canonical import canonical_digest
from standards.model import RuleSet
from tests.unit.audits.rulesets import (
    NO,
    YES,
    category,
    evidence,
    indicator,
    make_ruleset,
    numeric,
    scale,
    submission_doc,
    to_bytes,
)

RULESET: RuleSet = make_ruleset(
    category(
        "FEE",
        2.5,
        indicator("FEE-1", YES, core=True, weight=2),
        indicator("FEE-2", scale(3), weight=0.5),
        indicator("FEE-3", numeric(">=", 100, minimum=0, maximum=100, unit="percent")),
    ),
    category(
        "REM",
        1,
        indicator("REM-1", numeric("<=", 7, minimum=0, unit="days"), weight=1.25),
        indicator("REM-2", NO, applies_to=("recruiter", "lender")),
        indicator("REM-3", scale(2), applies_to=("lender",)),
    ),
    category("LAW", 0.75, indicator("LAW-1", numeric("<", 1, minimum=0), applies_to=("lender",))),
)

finite = st.floats(allow_nan=False, allow_infinity=False)
percent = st.one_of(st.integers(0, 100), st.floats(0, 100))
days = st.one_of(st.integers(0, 10**6), st.floats(0, 1e6), st.sampled_from([1e-5, 3e-7, 7.0]))
answers = st.fixed_dictionaries(
    {
        "FEE-1": st.booleans(),
        "FEE-2": st.integers(0, 4),
        "FEE-3": percent,
        "REM-1": days,
        "REM-2": st.booleans(),
        "REM-3": st.integers(0, 4),
        "LAW-1": days,
    }
)
scopes = st.sampled_from([("recruiter",), ("lender",), ("lender", "recruiter")])
notes = st.text(st.characters(codec="utf-8"), max_size=40)


def applicable(values: dict[str, Any], scope: tuple[str, ...]) -> dict[str, Any]:
    lender_only = {"REM-3", "LAW-1"}
    recruiter_only = {"FEE-1", "FEE-2", "FEE-3", "REM-1"}
    return {
        k: v
        for k, v in values.items()
        if not (k in lender_only and "lender" not in scope)
        and not (k in recruiter_only and "recruiter" not in scope)
    }


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(values=answers, scope=scopes, note=notes, order=st.randoms(use_true_random=False))
def test_score_is_in_range_and_independent_of_order(
    values: dict[str, Any], scope: tuple[str, ...], note: str, order: Any
) -> None:
    doc = submission_doc(RULESET, applicable(values, scope), provider_types=list(scope))
    for finding in doc["findings"]:
        finding["notes"] = note
    report = parse_and_score(RULESET, to_bytes(doc))
    assert not isinstance(report, list), report
    assert 0 <= report.score <= 100
    assert all(c.score is None or 0 <= c.score <= 100 for c in report.categories)
    assert report.score == round(report.score, 2)
    shuffled = dict(doc)
    shuffled["findings"] = list(doc["findings"])
    order.shuffle(shuffled["findings"])
    shuffled["provider_types"] = list(reversed(doc["provider_types"]))
    again = parse_and_score(RULESET, json.dumps(shuffled, ensure_ascii=False).encode())
    assert again == report
    # The msgspec fast path writes exactly what rfc8785 writes.
    assert report_digest_holds(report)
    assert report.report_digest == canonical_digest(msgspec.to_builtins(report.body()))


@settings(max_examples=1000)
@given(st.floats(1e-4, 2.0**52).filter(lambda x: not x.is_integer()), st.booleans())
def test_msgspec_writes_non_whole_floats_from_1e_4_as_rfc8785_does(x: float, neg: bool) -> None:
    x = -x if neg else x
    assert msgspec.json.encode(x) == rfc8785.dumps(x)


@given(st.integers(-(2**53) + 1, 2**53 - 1))
def test_msgspec_writes_safe_integers_as_rfc8785_does(n: int) -> None:
    assert msgspec.json.encode(n) == rfc8785.dumps(n)


@given(st.text(st.characters(codec="utf-8")))
def test_msgspec_escapes_strings_as_rfc8785_does(text: str) -> None:
    assert msgspec.json.encode(text) == rfc8785.dumps(text)


# --- the error walk agrees with the decoder ---------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | finite | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELD_VALUES = st.one_of(
    json_values,
    st.sampled_from(
        ["2025-02-30", "2025-03-01", "NP", "xx", "initial", "lender", evidence("e"), "sha256:"]
    ),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_error_walk_agrees_with_the_decoder(data: st.DataObject) -> None:
    doc = submission_doc(
        RULESET, {"FEE-1": True, "FEE-2": 3, "FEE-3": 100, "REM-1": 2, "REM-2": False}
    )
    target: dict[str, Any] = data.draw(
        st.sampled_from([doc, doc["findings"][0], doc["findings"][2], doc["sites"][0]])
    )
    key = data.draw(st.sampled_from([*target.keys(), "extra"]))
    if data.draw(st.booleans()) and key in target:
        del target[key]
    else:
        target[key] = data.draw(FIELD_VALUES)
    try:
        raw = to_bytes(doc)
    except ValueError:
        return
    assume(all(math.isfinite(v) for v in _floats(doc)))
    try:
        msgspec.json.decode(raw, type=SubmissionDocument)
        decoded = True
    except msgspec.ValidationError:
        decoded = False
    assert decoded == (structural_problems(json.loads(raw)) == [])


def _floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(values=answers, scope=scopes)
def test_the_scoring_engine_gives_the_scores_of_the_report(
    values: dict[str, Any], scope: tuple[str, ...]
) -> None:
    doc = submission_doc(RULESET, applicable(values, scope), provider_types=list(scope))
    report = parse_and_score(RULESET, to_bytes(doc))
    assert not isinstance(report, list), report
    submission = msgspec.convert(doc, SubmissionDocument).submission()
    table = compile_ruleset(RULESET)
    scored = score_validated(
        table, table.scope(submission.provider_types), submission.findings, report.as_of
    )
    assert (scored.indicators, scored.categories, scored.score) == (
        report.indicators,
        report.categories,
        report.score,
    )
    assert (scored.floor_holds, scored.grade, scored.non_conformities) == (
        report.floor_holds,
        report.grade,
        report.non_conformities,
    )
