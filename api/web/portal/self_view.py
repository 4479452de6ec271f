"""How a self-assessment is shown in the portals: what the provider answered for each
indicator, in words, beside the auditor's own inputs (`portal_indicator_fields.html`)."""

from __future__ import annotations

from typing import Any, Final

from registry.self_assessments.records import SelfAssessment

SCALE: Final = ("0 absent", "1 weak", "2 partial", "3 good", "4 complete")


def shown(kind: str, value: Any, unit: str = "") -> str:
    """An answer as a person reads it: yes/no, the scale's words, a number with its unit."""
    if value is None:
        return "nothing"
    if kind == "yes_no":
        return "yes" if value else "no"
    if kind == "scale" and isinstance(value, int) and 0 <= value < len(SCALE):
        return SCALE[value]
    return f"{value} {unit}".strip()


def answers(found: SelfAssessment, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """indicator -> {shown, passed, non_conformity, notes}, for the form's items."""
    results = {r["indicator"]: r for r in found.report.get("indicators", [])}
    notes = {f["indicator"]: f.get("notes", "") for f in found.submission.get("findings", [])}
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        result = results.get(item["id"])
        if result is None:
            continue
        out[item["id"]] = {
            "shown": shown(item["kind"], result.get("value"), item.get("unit") or ""),
            "passed": result.get("passed"),
            "non_conformity": result.get("non_conformity"),
            "notes": notes.get(item["id"], ""),
        }
    return out
