"""The certification decision."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from audits.decision import decide
from audits.errors import StandardMismatch
from audits.model import Report
from audits.scoring import score
from standards.model import RuleSet
from tests.unit.audits.rulesets import (
    YES,
    category,
    indicator,
    make_ruleset,
    submission_doc,
    to_submission,
)


def report_of(ruleset: RuleSet, values: dict[str, Any]) -> Report:
    return score(ruleset, to_submission(submission_doc(ruleset, values)))


def test_certified_at_the_grade_reached(small: RuleSet) -> None:
    decision = decide(report_of(small, {"FEE-1": True, "FEE-2": 2, "REM-1": 5}), small)
    assert decision.outcome == "certified"
    assert decision.grade == "silver"  # 87.5
    assert decision.reasons == (
        "All 1 applicable core indicators passed and the score 87.5 reaches silver (from 75)",
    )


def test_every_failed_core_indicator_is_a_reason() -> None:
    ruleset = make_ruleset(
        category(
            "CAT",
            1,
            indicator("CAT-1", YES, core=True),
            indicator("CAT-2", YES, core=True),
            indicator("CAT-3", YES, weight=10),
        )
    )
    decision = decide(report_of(ruleset, {"CAT-1": False, "CAT-2": False, "CAT-3": True}), ruleset)
    assert decision.outcome == "not_certified"
    assert decision.grade is None
    assert decision.reasons == (
        "Core indicator CAT-1 failed: Requirement of CAT-1.",
        "Core indicator CAT-2 failed: Requirement of CAT-2.",
    )


def test_a_score_below_the_lowest_grade_is_a_reason(small: RuleSet) -> None:
    decision = decide(report_of(small, {"FEE-1": True, "FEE-2": 0, "REM-1": 9}), small)
    assert decision.outcome == "not_certified"
    assert decision.reasons == (
        "The score 50 is below 60, the minimum for the lowest grade (bronze)",
    )


def test_both_reasons_together(small: RuleSet) -> None:
    decision = decide(report_of(small, {"FEE-1": False, "FEE-2": 0, "REM-1": 9}), small)
    assert len(decision.reasons) == 2
    assert decision.reasons[0].startswith("Core indicator FEE-1 failed")


def test_the_grade_comes_from_the_rule_set_not_the_report(small: RuleSet) -> None:
    report = report_of(small, {"FEE-1": True, "FEE-2": 2, "REM-1": 5})
    forged = msgspec.structs.replace(report, grade="gold")
    assert decide(forged, small).grade == "silver"


def test_a_rule_set_without_grades_certifies_nothing() -> None:
    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", YES)), grades=())
    decision = decide(report_of(ruleset, {"CAT-1": True}), ruleset)
    assert decision.outcome == "not_certified"


def test_a_report_against_another_standard_is_refused(small: RuleSet) -> None:
    report = report_of(small, {"FEE-1": True, "FEE-2": 2, "REM-1": 5})
    other = make_ruleset(category("CAT", 1, indicator("CAT-1", YES)), slug="other")
    with pytest.raises(StandardMismatch):
        decide(report, other)
