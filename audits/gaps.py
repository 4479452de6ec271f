"""The gap list of a report: each indicator not met, its class, and what the standard asks.

A provider that assesses itself before applying (issue 17) needs more than a score: it needs
to know what to fix. The gap list is read off the report the engine made (its
non-conformities, most severe first, in the standard's order within a class) and the rule
set it names, so it can never say something the report does not.
"""

from __future__ import annotations

import msgspec
from msgspec import Struct

from audits.errors import StandardMismatch
from audits.model import FindingValue, Report
from audits.template import describe_measure
from standards.model import NonConformityClass, RuleSet


class Gap(Struct, frozen=True, kw_only=True):
    """One indicator the answers do not meet."""

    indicator: str
    category: str  # "<id> <name>", as the findings template's help names it
    class_: NonConformityClass = msgspec.field(name="class")
    core: bool
    requirement: str  # what the standard asks
    answer: str  # what to write and what passes, in one sentence
    value: FindingValue  # what was answered


def gaps(ruleset: RuleSet, report: Report) -> tuple[Gap, ...]:
    """The report's non-conformities as gaps, in the report's order."""
    if report.standard != ruleset.ref:
        raise StandardMismatch(f"the report is against {report.standard}, not {ruleset.ref}")
    found = {ind.id: (cat, ind) for cat, ind in ruleset.indicators()}
    values = {result.indicator: result.value for result in report.indicators}
    out: list[Gap] = []
    for nc in report.non_conformities:
        category, indicator = found[nc.indicator]
        out.append(
            Gap(
                indicator=indicator.id,
                category=f"{category.id} {category.name}",
                class_=nc.class_,
                core=indicator.core,
                requirement=indicator.requirement,
                answer=describe_measure(indicator.measure),
                value=values.get(nc.indicator),
            )
        )
    return tuple(out)
