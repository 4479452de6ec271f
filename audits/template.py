"""A findings template an auditor can fill in offline and submit as it is.

The template is a submission document with `null` wherever the auditor must write something:
the parser reports every null as `not_answered`, so a half-filled template says exactly what
is left. Human help lives in a separate top-level `indicators_help` map, keyed by indicator
id, which the submission model accepts and ignores (`SubmissionDocument.indicators_help`):
the findings themselves carry only the keys the API accepts, and editing or deleting the help
can never make a document invalid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audits.model import AuditType
from standards.model import Measure, NumericMeasure, ProviderType, RuleSet, ScaleMeasure

_SCALE_WORDS = "0 absent, 1 weak, 2 partial, 3 good, 4 complete"


def findings_template(
    ruleset: RuleSet,
    provider_types: Sequence[ProviderType],
    *,
    audit_type: AuditType | None = None,
) -> dict[str, Any]:
    """Every indicator that applies to `provider_types`, in the standard's order, unanswered."""
    scope = set(provider_types)
    findings: list[dict[str, Any]] = []
    help_: dict[str, dict[str, Any]] = {}
    for category, indicator in ruleset.indicators():
        if not scope.intersection(indicator.applies_to):
            continue
        findings.append({"indicator": indicator.id, "value": None, "notes": "", "evidence": []})
        help_[indicator.id] = {
            "category": f"{category.id} {category.name}",
            "core": indicator.core,
            "requirement": indicator.requirement,
            "answer": describe_measure(indicator.measure),
            "guidance": indicator.guidance,
            "evidence_examples": list(indicator.evidence),
        }
    return {
        "standard": ruleset.ref,
        "provider_types": sorted(scope),
        "audit_type": None if audit_type is None else audit_type.value,
        "started_on": None,
        "ended_on": None,
        "sites": [{"name": None, "country": None, "address": ""}],
        "workers_interviewed": None,
        "findings": findings,
        "indicators_help": help_,
    }


def describe_measure(measure: Measure) -> str:
    """What to write as `value`, and what passes, in one sentence."""
    if isinstance(measure, ScaleMeasure):
        return f"An integer from 0 to 4 ({_SCALE_WORDS}); passes at {measure.pass_mark} or above."
    if isinstance(measure, NumericMeasure):
        bounds = _bounds(measure)
        return (
            f"A number in {measure.unit}{bounds}; passes when "
            f"the value {measure.comparator} {measure.threshold:g}."
        )
    return f"true or false; passes when {'true' if measure.expected else 'false'}."


def _bounds(measure: NumericMeasure) -> str:
    low, high = measure.minimum, measure.maximum
    if low is not None and high is not None:
        return f" from {low:g} to {high:g}"
    if low is not None:
        return f", at least {low:g}"
    if high is not None:
        return f", at most {high:g}"
    return ""


def passing_value(measure: Measure) -> bool | int | float:
    """An answer that passes `measure`: for examples, demos and benchmarks."""
    if isinstance(measure, ScaleMeasure):
        return 4
    if not isinstance(measure, NumericMeasure):
        return measure.expected
    value = measure.threshold
    if measure.comparator in ("<", ">"):
        step = 1.0 if measure.comparator == ">" else -1.0
        limit = measure.maximum if step > 0 else measure.minimum
        value = value + step if limit is None else (value + limit) / 2
    return int(value) if value.is_integer() else value


def failing_value(measure: Measure) -> bool | int | float:
    """An answer that fails `measure` but is valid for it: for demos and tests."""
    if isinstance(measure, ScaleMeasure):
        return 0
    if not isinstance(measure, NumericMeasure):
        return not measure.expected
    low = measure.minimum if measure.minimum is not None else measure.threshold - 1000
    high = measure.maximum if measure.maximum is not None else measure.threshold + 1000
    # The threshold itself fails a strict comparison; otherwise step away from the side
    # that passes, staying inside the measure's bounds.
    if measure.comparator in ("<", ">"):
        value = measure.threshold
    elif measure.comparator in ("<=", "=="):
        value = min(high, measure.threshold + 1) if measure.threshold < high else low
    else:  # ">=", "!=" does not occur for a fail on the low side
        value = max(low, measure.threshold - 1)
    return int(value) if float(value).is_integer() else value
