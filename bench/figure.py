"""The result record of one figure: a measured ratio held against its target."""

from __future__ import annotations

from typing import Literal, TypedDict

Comparison = Literal[">=", "<="]
Measurement = float | int | str

FIGURE_KEYS = frozenset(
    {"id", "title", "value", "target", "comparison", "passed", "errors", "messages", "details"}
)


class Figure(TypedDict):
    id: str  # e.g. "1 foundation"
    title: str  # what the ratio is: "numerator / denominator"
    value: float  # the ratio; NaN when it could not be measured
    target: float
    comparison: Comparison
    passed: bool  # target met and no errors
    errors: int  # failed requests, failed verifications, harness failures
    messages: list[str]  # what the errors were (first few) and any labels, e.g. fallback
    details: dict[str, Measurement]  # the raw measurements behind the ratio


def make_figure(
    fig_id: str,
    title: str,
    value: float,
    target: float,
    comparison: Comparison,
    *,
    errors: int = 0,
    messages: list[str] | None = None,
    details: dict[str, Measurement] | None = None,
) -> Figure:
    met = value >= target if comparison == ">=" else value <= target
    return Figure(
        id=fig_id,
        title=title,
        value=value,
        target=target,
        comparison=comparison,
        passed=bool(met) and errors == 0,  # NaN compares false: never a pass
        errors=errors,
        messages=list(messages or []),
        details=dict(details or {}),
    )


def failed_figure(
    fig_id: str, title: str, target: float, comparison: Comparison, message: str
) -> Figure:
    """A figure whose measurement could not be taken: a MISS with one error."""
    return make_figure(
        fig_id, title, float("nan"), target, comparison, errors=1, messages=[message]
    )
