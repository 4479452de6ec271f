"""Rule sets and submissions built in Python, plus the shipped core-rights standard (the
fixtures `core_rights` and `small` are in conftest.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from audits.model import Submission
from standards.model import RuleSet
from tests.support.paths import LIBRARY

YES: dict[str, Any] = {"type": "yes_no", "expected": True}
NO: dict[str, Any] = {"type": "yes_no", "expected": False}


def scale(pass_mark: int = 3) -> dict[str, Any]:
    return {"type": "scale", "pass_mark": pass_mark}


def numeric(
    comparator: str,
    threshold: float,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    unit: str = "cases",
) -> dict[str, Any]:
    measure: dict[str, Any] = {
        "type": "numeric",
        "comparator": comparator,
        "threshold": threshold,
        "unit": unit,
    }
    if minimum is not None:
        measure["minimum"] = minimum
    if maximum is not None:
        measure["maximum"] = maximum
    return measure


def indicator(
    ind_id: str,
    measure: dict[str, Any],
    *,
    core: bool = False,
    weight: float = 1.0,
    applies_to: Sequence[str] = ("recruiter",),
    failure_class: str | None = None,
) -> dict[str, Any]:
    return {
        "id": ind_id,
        "requirement": f"Requirement of {ind_id}.",
        "guidance": f"How to check {ind_id}.",
        "core": core,
        "failure_class": failure_class or ("critical" if core else "minor"),
        "applies_to": list(applies_to),
        "weight": weight,
        "measure": measure,
    }


def category(cat_id: str, weight: float, *indicators: dict[str, Any]) -> dict[str, Any]:
    return {"id": cat_id, "name": f"Category {cat_id}", "weight": weight, "indicators": indicators}


DEFAULT_GRADES = (("gold", 90), ("silver", 75), ("bronze", 60))
DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "critical": {"close_within_days": 30, "suspends_certificate": True, "withdraw_after_days": 90},
    "major": {"corrective_plan_days": 14, "close_within_days": 60},
    "minor": {"close_by_next_surveillance": True},
}


def make_ruleset(
    *categories: dict[str, Any],
    grades: Sequence[tuple[str, float]] = DEFAULT_GRADES,
    rules: Mapping[str, dict[str, Any]] = DEFAULT_RULES,
    slug: str = "test-rights",
    version: str = "1.0.0",
) -> RuleSet:
    return RuleSet.model_validate(
        {
            "slug": slug,
            "version": version,
            "title": "A test standard",
            "effective_date": "2025-01-01",
            "categories": categories,
            "grades": [{"name": n, "min_score": s} for n, s in grades],
            "non_conformities": dict(rules),
            "certificate": {"validity_months": 36, "surveillance_interval_months": 12},
        }
    )


def evidence(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def submission_doc(
    ruleset: RuleSet,
    values: Mapping[str, Any],
    *,
    provider_types: Sequence[str] = ("recruiter",),
    **overrides: Any,
) -> dict[str, Any]:
    """A submission document (plain JSON data) answering `values` in the given order."""
    doc: dict[str, Any] = {
        "standard": ruleset.ref,
        "provider_types": list(provider_types),
        "audit_type": "initial",
        "started_on": "2025-03-03",
        "ended_on": "2025-03-07",
        "sites": [{"name": "Head office", "country": "NP"}],
        "workers_interviewed": 12,
        "findings": [
            {"indicator": k, "value": v, "notes": f"notes on {k}", "evidence": [evidence(k)]}
            for k, v in values.items()
        ],
    }
    doc.update(overrides)
    return doc


def to_bytes(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def to_submission(doc: Mapping[str, Any]) -> Submission:
    return msgspec.convert(doc, Submission)


def load_library(version: str = "1.0.0") -> RuleSet:
    from standards.loader import load_ruleset

    return load_ruleset(LIBRARY / "core-rights" / f"{version}.yaml")


Factory = Callable[..., RuleSet]
