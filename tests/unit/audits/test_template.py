"""The offline findings template: same shape as a submission, with help the parser ignores."""

from __future__ import annotations

import json
from typing import Any

import pytest

from audits.decision import decide
from audits.model import AuditType
from audits.scoring import parse_and_score
from audits.template import describe_measure, findings_template, passing_value
from audits.validation import parse_submission
from standards.model import NumericMeasure, ProviderType, RuleSet

RECRUITER = ProviderType.RECRUITER


def fill(template: dict[str, Any], ruleset: RuleSet) -> dict[str, Any]:
    measures = {i.id: i.measure for _, i in ruleset.indicators()}
    doc: dict[str, Any] = json.loads(json.dumps(template))
    doc.update(
        audit_type="surveillance",
        started_on="2025-06-02",
        ended_on="2025-06-04",
        workers_interviewed=30,
        sites=[{"name": "Main office", "country": "PH", "address": ""}],
    )
    for finding in doc["findings"]:
        finding["value"] = passing_value(measures[finding["indicator"]])
    return doc


def test_the_template_lists_every_applicable_indicator_unanswered(small: RuleSet) -> None:
    template = findings_template(small, [ProviderType.RECRUITER])
    assert [f["indicator"] for f in template["findings"]] == ["FEE-1", "FEE-2", "REM-1"]
    assert all(f["value"] is None for f in template["findings"])
    assert set(template["findings"][0]) == {"indicator", "value", "notes", "evidence"}
    assert set(template["indicators_help"]) == {"FEE-1", "FEE-2", "REM-1"}
    help_ = template["indicators_help"]["REM-1"]
    assert help_["requirement"] == "Requirement of REM-1."
    assert help_["answer"] == "A number in days, at least 0; passes when the value <= 7."
    assert template["standard"] == small.ref


def test_every_blank_is_reported_as_not_answered(small: RuleSet) -> None:
    template = findings_template(small, [RECRUITER], audit_type=AuditType.INITIAL)
    problems = parse_submission(small, json.dumps(template).encode())
    assert isinstance(problems, list)
    assert sorted((p.path, p.code) for p in problems) == sorted(
        [
            ("$.started_on", "not_answered"),
            ("$.ended_on", "not_answered"),
            ("$.workers_interviewed", "not_answered"),
            ("$.sites[0].name", "not_answered"),
            ("$.sites[0].country", "not_answered"),
            ("$.findings[0].value", "not_answered"),
            ("$.findings[1].value", "not_answered"),
            ("$.findings[2].value", "not_answered"),
        ]
    )


@pytest.mark.parametrize("help_", [None, "edited", {"FEE-1": []}, [1, 2]])
def test_the_help_is_ignored_whatever_the_auditor_does_to_it(small: RuleSet, help_: Any) -> None:
    doc = fill(findings_template(small, [RECRUITER]), small)
    doc["indicators_help"] = help_
    report = parse_and_score(small, json.dumps(doc).encode())
    assert not isinstance(report, list)


def test_template_filled_with_passing_values_scores_100_with_the_top_grade(
    small: RuleSet,
) -> None:
    doc = fill(findings_template(small, [RECRUITER]), small)
    report = parse_and_score(small, json.dumps(doc).encode())
    assert not isinstance(report, list), report
    assert (report.score, report.grade, report.floor_holds) == (100, "gold", True)
    assert report.non_conformities == ()
    # Deleting the help gives the same inputs: it is not part of the submission.
    del doc["indicators_help"]
    again = parse_and_score(small, json.dumps(doc).encode())
    assert not isinstance(again, list)
    assert again.inputs_digest == report.inputs_digest


def test_core_rights_template_round_trip(core_rights: RuleSet) -> None:
    scopes = ([RECRUITER], [ProviderType.LENDER], [ProviderType.VISA_DOCUMENT, ProviderType.TRAVEL])
    for scope in scopes:
        doc = fill(findings_template(core_rights, scope), core_rights)
        report = parse_and_score(core_rights, json.dumps(doc).encode())
        assert not isinstance(report, list), report
        assert (report.score, report.grade) == (100, "gold")
        assert decide(report, core_rights).outcome == "certified"


@pytest.mark.parametrize(
    ("comparator", "minimum", "maximum", "expected"),
    [("<", 0, None, 3.5), ("<", None, None, 6), (">", None, 10, 8.5), (">", None, None, 8)],
)
def test_passing_values_of_strict_comparators(
    comparator: str, minimum: float | None, maximum: float | None, expected: float
) -> None:
    measure = NumericMeasure(
        type="numeric", comparator=comparator, threshold=7, unit="x", minimum=minimum,
        maximum=maximum,
    )  # fmt: skip
    assert passing_value(measure) == expected
    assert describe_measure(measure).startswith("A number in x")


_MEASURES = [
    {"type": "yes_no", "expected": True},
    {"type": "yes_no", "expected": False},
    *({"type": "scale", "pass_mark": mark} for mark in (1, 3, 4)),
    *(
        {"type": "numeric", "comparator": c, "threshold": t, "unit": "days", **bounds}
        for c in ("<", "<=", "==", ">=", ">")
        for t in (0, 7, 100)
        for bounds in ({}, {"minimum": 0, "maximum": 100})
        # Left out: bounded measures that no valid value can pass, or none can fail.
        if not (bounds and (c, t) in {("<", 0), (">", 100), ("<=", 100), (">=", 0)})
    ),
]


@pytest.mark.parametrize("measure", _MEASURES, ids=lambda m: "-".join(map(str, m.values())))
def test_failing_value_fails_and_passing_value_passes(measure: dict[str, Any]) -> None:
    from audits.lookup import compile_ruleset
    from audits.template import failing_value
    from tests.unit.audits.rulesets import category, indicator, make_ruleset

    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", measure=measure)))
    parsed = ruleset.categories[0].indicators[0].measure
    table = compile_ruleset(ruleset).indicators["CAT-1"]
    for value, passes in ((passing_value(parsed), True), (failing_value(parsed), False)):
        assert table.valid(value), value
        _, _, fails = table.score(value)
        assert fails is not passes, (value, measure)
