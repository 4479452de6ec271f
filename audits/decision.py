"""The certification decision: a pure function of a report and the rule set it was made under."""

from __future__ import annotations

from typing import Literal

import msgspec

from audits.errors import StandardMismatch
from audits.lookup import CompiledRuleSet, compile_ruleset
from audits.model import Report
from audits.published import hundredths_number, score_text
from standards.model import RuleSet

Outcome = Literal["certified", "not_certified"]


class Decision(msgspec.Struct, frozen=True):
    outcome: Outcome
    grade: str | None
    reasons: tuple[str, ...]  # plain language, for the provider and the public record


def decide(report: Report, ruleset: RuleSet) -> Decision:
    """Certified when the core-rights floor holds and the score reaches the lowest grade.

    The grade is recomputed from the rule set rather than trusted from the report, so a
    report edited after scoring cannot buy a better grade.
    """
    if report.standard != ruleset.ref:
        raise StandardMismatch(f"the report is against {report.standard}, not {ruleset.ref}")
    table = compile_ruleset(ruleset)
    score = round(report.score * 100)  # reports carry at most two decimals
    shown = score_text(report.score)
    failed_core = [r for r in report.indicators if r.applicable and r.core and not r.passed]
    reasons = [
        f"Core indicator {r.indicator} failed: {_requirement(table, r.indicator)}"
        for r in failed_core
    ]
    if not table.grades:
        reasons.append(f"{ruleset.ref} defines no grades, so no score can be certified")
        return Decision("not_certified", None, tuple(reasons))
    lowest_name, lowest = table.grades[-1]
    if score < lowest:
        minimum = score_text(hundredths_number(lowest))
        reasons.append(
            f"The score {shown} is below {minimum}, the minimum for the lowest grade "
            f"({lowest_name})"
        )
    if reasons:
        return Decision("not_certified", None, tuple(reasons))
    grade, least = next((name, least) for name, least in table.grades if score >= least)
    checked = sum(1 for r in report.indicators if r.applicable and r.core)
    return Decision(
        "certified",
        grade,
        (
            f"All {checked} applicable core indicators passed and the score {shown} reaches "
            f"{grade} (from {score_text(hundredths_number(least))})",
        ),
    )


def _requirement(table: CompiledRuleSet, indicator_id: str) -> str:
    ind = table.indicators.get(indicator_id)
    return ind.indicator.requirement if ind else "(not in the standard)"
