"""The scoring engine: aggregation, renormalisation, floor, grades, deadlines, digests."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
import pytest

from audits.errors import InvalidSubmission
from audits.model import SubmissionDocument
from audits.published import hundredths_number
from audits.scoring import (
    METHOD,
    canonical_report,
    divide_half_even,
    parse_and_score,
    report_digest_holds,
    score,
)
from standards.canonical import canonical_digest, canonical_json
from standards.model import RuleSet
from tests.unit.audits.rulesets import (
    YES,
    category,
    indicator,
    make_ruleset,
    numeric,
    submission_doc,
    to_bytes,
    to_submission,
)

PASSING = {"FEE-1": True, "FEE-2": 4, "REM-1": 5}


def scored(ruleset: RuleSet, values: dict[str, Any], **kw: Any) -> Any:
    return score(ruleset, to_submission(submission_doc(ruleset, values, **kw)))


def test_category_and_overall_scores_are_weighted_means(small: RuleSet) -> None:
    report = scored(small, {"FEE-1": True, "FEE-2": 2, "REM-1": 9.5})
    fee, rem = report.categories
    # FEE: (2 x 4 + 1 x 2) / (4 x 3) = 83.33; REM: 0 -> overall (3 x 83.33 + 0) / 4 = 62.4975
    assert (fee.category, fee.applicable, fee.score) == ("FEE", 2, 83.33)
    assert (rem.category, rem.applicable, rem.score) == ("REM", 1, 0)
    assert report.score == 62.5
    assert report.floor_holds
    assert report.grade == "bronze"
    assert report.method == METHOD


def test_not_applicable_indicators_are_left_out_and_weights_renormalised(small: RuleSet) -> None:
    report = scored(small, PASSING)
    rem2 = report.indicators[3]
    assert (rem2.indicator, rem2.applicable, rem2.passed, rem2.points, rem2.value) == (
        "REM-2", False, None, None, None,
    )  # fmt: skip
    assert report.categories[1].applicable == 1
    assert report.score == 100


def test_a_category_with_nothing_applicable_drops_out_of_the_mean(small: RuleSet) -> None:
    # For a lender only REM-2 applies: FEE has no score and REM alone is the overall score.
    report = scored(small, {"REM-2": True}, provider_types=["lender"])
    assert [(c.category, c.applicable, c.score) for c in report.categories] == [
        ("FEE", 0, None),
        ("REM", 1, 100),
    ]
    assert report.score == 100
    assert report.provider_types == ("lender",)


def test_scope_is_the_union_of_provider_types(small: RuleSet) -> None:
    report = scored(small, {**PASSING, "REM-2": False}, provider_types=["recruiter", "lender"])
    assert [r.applicable for r in report.indicators] == [True] * 4
    assert report.categories[1].score == 50


def test_a_failed_core_indicator_breaks_the_floor_whatever_the_score() -> None:
    ruleset = make_ruleset(
        category(
            "CAT",
            1,
            indicator("CAT-1", YES, core=True, weight=1),
            indicator("CAT-2", YES, weight=99),
        )
    )
    report = scored(ruleset, {"CAT-1": False, "CAT-2": True})
    assert report.score == 99
    assert not report.floor_holds
    assert report.grade is None
    assert [(n.indicator, n.class_) for n in report.non_conformities] == [("CAT-1", "critical")]


@pytest.mark.parametrize(
    ("passing", "failing", "expected_score", "grade"),
    [
        (5999, 4001, 59.99, None),
        (60, 40, 60, "bronze"),
        (7499, 2501, 74.99, "bronze"),
        (75, 25, 75, "silver"),
        (8999, 1001, 89.99, "silver"),
        (90, 10, 90, "gold"),
        (1, 0, 100, "gold"),
    ],
)
def test_grade_boundaries(
    passing: float, failing: float, expected_score: float, grade: str | None
) -> None:
    indicators = [indicator("CAT-1", YES, weight=passing)]
    values: dict[str, Any] = {"CAT-1": True}
    if failing:
        indicators.append(indicator("CAT-2", YES, weight=failing))
        values["CAT-2"] = False
    report = scored(make_ruleset(category("CAT", 1, *indicators)), values)
    assert report.score == expected_score
    assert report.grade == grade


def test_fractional_grade_thresholds_compare_exactly() -> None:
    ruleset = make_ruleset(
        category(
            "CAT", 1, indicator("CAT-1", YES, weight=7250), indicator("CAT-2", YES, weight=2750)
        ),
        grades=[("fine", 72.5)],
    )
    assert scored(ruleset, {"CAT-1": True, "CAT-2": False}).grade == "fine"


def test_non_conformities_have_their_class_deadlines_and_severity_order(small: RuleSet) -> None:
    report = scored(small, {"FEE-1": False, "FEE-2": 1, "REM-1": 10})
    ncs = {n.indicator: n for n in report.non_conformities}
    assert [n.indicator for n in report.non_conformities] == ["FEE-1", "FEE-2", "REM-1"]
    end = dt.date(2025, 3, 7)
    critical = ncs["FEE-1"]
    assert critical.class_ == "critical"
    assert critical.corrective_plan_due is None
    assert critical.close_by == end + dt.timedelta(days=30)
    assert critical.suspends_certificate
    assert critical.withdraw_if_open_on == end + dt.timedelta(days=90)
    major = ncs["FEE-2"]
    assert (major.class_, major.category) == ("major", "FEE")
    assert major.corrective_plan_due == dt.date(2025, 3, 21)
    assert major.close_by == dt.date(2025, 5, 6)
    assert not major.suspends_certificate
    assert report.as_of == end


def test_minor_non_conformities_close_by_the_next_surveillance() -> None:
    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", YES, failure_class="minor")))
    (nc,) = scored(ruleset, {"CAT-1": False}).non_conformities
    assert nc.close_by_next_surveillance
    assert (nc.close_by, nc.corrective_plan_due, nc.withdraw_if_open_on) == (None, None, None)


def test_a_class_without_a_rule_has_no_deadlines() -> None:
    ruleset = make_ruleset(
        category("CAT", 1, indicator("CAT-1", YES, failure_class="major")), rules={}
    )
    (nc,) = scored(ruleset, {"CAT-1": False}).non_conformities
    assert (nc.class_, nc.close_by, nc.close_by_next_surveillance) == ("major", None, False)


def test_deadlines_count_from_as_of_when_given(small: RuleSet) -> None:
    sub = to_submission(submission_doc(small, {**PASSING, "FEE-2": 0}))
    report = score(small, sub, as_of=dt.date(2025, 4, 1))
    assert report.as_of == dt.date(2025, 4, 1)
    assert report.non_conformities[0].corrective_plan_due == dt.date(2025, 4, 15)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1, 2, 0), (3, 2, 2), (5, 2, 2), (7, 2, 4), (34999, 4, 8750), (5, 3, 2), (4, 3, 1)],
)
def test_rounding_is_half_to_even(numerator: int, denominator: int, expected: int) -> None:
    assert divide_half_even(numerator, denominator) == expected


@pytest.mark.parametrize(("hundredths", "number"), [(0, 0), (8750, 87.5), (10000, 100), (1, 0.01)])
def test_scores_are_json_numbers_with_their_canonical_spelling(
    hundredths: int, number: float
) -> None:
    shown = hundredths_number(hundredths)
    assert shown == number
    assert json.dumps(shown) == canonical_json(number).decode()


def test_invalid_submissions_are_refused_with_every_problem(small: RuleSet) -> None:
    sub = to_submission(submission_doc(small, {"FEE-1": 1, "FEE-2": 9}))
    with pytest.raises(InvalidSubmission) as caught:
        score(small, sub)
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["missing_finding", "out_of_range", "wrong_type"]


# --- determinism and digests ------------------------------------------------------------------


def test_same_inputs_same_report_whatever_the_order_of_findings_and_keys(small: RuleSet) -> None:
    doc = submission_doc(small, {"FEE-1": True, "FEE-2": 2, "REM-1": 7.5})
    reordered = dict(reversed(list(doc.items())))
    reordered["findings"] = [dict(reversed(list(f.items()))) for f in reversed(doc["findings"])]
    first = parse_and_score(small, to_bytes(doc))
    second = parse_and_score(small, json.dumps(reordered, indent=2).encode())
    assert first == second
    assert not isinstance(first, list)
    assert first.report_digest.startswith("sha256:")
    assert first.inputs_digest != first.report_digest


def test_whole_floats_and_integers_give_the_same_digests(small: RuleSet) -> None:
    a = scored(small, {**PASSING, "REM-1": 5})
    b = scored(small, {**PASSING, "REM-1": 5.0})
    assert (a.inputs_digest, a.report_digest) == (b.inputs_digest, b.report_digest)


def test_the_inputs_digest_covers_what_the_auditor_wrote(small: RuleSet) -> None:
    doc = submission_doc(small, PASSING)
    edited = submission_doc(small, PASSING)
    edited["findings"][0]["notes"] = "something else"
    a, b = score(small, to_submission(doc)), score(small, to_submission(edited))
    assert a.inputs_digest != b.inputs_digest
    assert a.score == b.score


def test_inputs_digest_is_the_documented_canonical_document(small: RuleSet) -> None:
    doc = submission_doc(small, {"REM-1": 5.0, "FEE-2": 4, "FEE-1": True})
    report = score(small, to_submission(doc))
    normalised = dict(doc)
    normalised["findings"] = sorted(doc["findings"], key=lambda f: f["indicator"])
    for finding in normalised["findings"]:
        finding.setdefault("notes", "")
    normalised["provider_types"] = sorted(doc["provider_types"])
    for site in normalised["sites"]:
        site.setdefault("address", "")
    expected = {
        "standard": small.ref,
        "standard_digest": canonical_digest(small.to_document()),
        "submission": normalised,
    }
    assert report.inputs_digest == canonical_digest(expected)
    assert report.standard_digest == canonical_digest(small.to_document())


def test_report_digest_is_the_canonical_digest_of_the_body(small: RuleSet) -> None:
    report = scored(small, {"FEE-1": True, "FEE-2": 1, "REM-1": 6.25})
    assert report_digest_holds(report)
    assert report.report_digest == canonical_digest(msgspec.to_builtins(report.body()))
    tampered = msgspec.structs.replace(report, score=100.0)
    assert not report_digest_holds(tampered)


def test_tiny_floats_take_the_rfc8785_path_and_stay_canonical() -> None:
    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", numeric("<", 0.001))))
    report = scored(ruleset, {"CAT-1": 0.000012})
    assert report.indicators[0].value == 0.000012
    assert report_digest_holds(report)
    assert canonical_report(report) == canonical_json(msgspec.to_builtins(report))
    # RFC 8785 writes 0.000012 where msgspec would write 1.2e-5.
    assert b'"value":0.000012' in canonical_report(report)


def test_canonical_report_is_rfc8785(small: RuleSet) -> None:
    report = scored(small, {"FEE-1": True, "FEE-2": 3, "REM-1": 6.5})
    assert canonical_report(report) == canonical_json(msgspec.to_builtins(report))


def test_a_submission_document_scores_like_its_submission(small: RuleSet) -> None:
    doc = submission_doc(small, PASSING)
    data = to_bytes({**doc, "indicators_help": {"x": 1}})
    with_help = msgspec.json.decode(data, type=SubmissionDocument)
    assert score(small, with_help) == score(small, to_submission(doc))
