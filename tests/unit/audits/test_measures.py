"""Points and pass/fail of each measure type, boundaries included."""

from __future__ import annotations

from typing import Any

import pytest

from audits.model import IndicatorResult
from audits.scoring import score
from tests.unit.audits.rulesets import (
    NO,
    YES,
    category,
    indicator,
    make_ruleset,
    numeric,
    scale,
    submission_doc,
    to_submission,
)


def result_of(measure: dict[str, Any], value: Any) -> IndicatorResult:
    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", measure)))
    report = score(ruleset, to_submission(submission_doc(ruleset, {"CAT-1": value})))
    return report.indicators[0]


@pytest.mark.parametrize(
    ("measure", "value", "passed", "points"),
    [
        (YES, True, True, 1),
        (YES, False, False, 0),
        (NO, False, True, 1),
        (NO, True, False, 0),
    ],
)
def test_yes_no(measure: dict[str, Any], value: bool, passed: bool, points: float) -> None:
    result = result_of(measure, value)
    assert (result.passed, result.points, result.value) == (passed, points, value)


@pytest.mark.parametrize("pass_mark", [0, 2, 3, 4])
@pytest.mark.parametrize("value", [0, 1, 2, 3, 4])
def test_scale_points_are_value_over_four_and_pass_at_the_mark(pass_mark: int, value: int) -> None:
    result = result_of(scale(pass_mark), value)
    assert result.points == value / 4
    assert result.passed is (value >= pass_mark)


@pytest.mark.parametrize(
    ("comparator", "value", "passed"),
    [
        ("<", 6.99, True), ("<", 7, False), ("<", 7.01, False),
        ("<=", 6, True), ("<=", 7, True), ("<=", 7.5, False),
        ("==", 6.5, False), ("==", 7, True), ("==", 7.0, True), ("==", 8, False),
        (">=", 6.999, False), (">=", 7, True), (">=", 100, True),
        (">", 7, False), (">", 7.0, False), (">", 7.25, True),
    ],
)  # fmt: skip
def test_numeric_comparators_at_and_around_the_threshold(
    comparator: str, value: float, passed: bool
) -> None:
    result = result_of(numeric(comparator, 7), value)
    assert result.passed is passed
    assert result.points == (1 if passed else 0)


def test_whole_numbers_keep_one_form_in_the_report() -> None:
    # 7.0 and 7 are the same JSON number; the report shows the integer spelling.
    result = result_of(numeric("==", 7), 7.0)
    assert result.value == 7
    assert type(result.value) is int


@pytest.mark.parametrize(("value", "passed"), [(0, True), (100, True), (0.5, True), (101, None)])
def test_numeric_bounds_are_inclusive(value: float, passed: bool | None) -> None:
    measure = numeric(">=", 0, minimum=0, maximum=100, unit="percent")
    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", measure)))
    doc = submission_doc(ruleset, {"CAT-1": value})
    if passed is None:
        with pytest.raises(Exception, match="problem"):
            score(ruleset, to_submission(doc))
    else:
        assert score(ruleset, to_submission(doc)).indicators[0].passed is passed
