"""The gap list: read off a report and its rule set, most severe first."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from api.cli.rulesets import resolve
from audits.errors import StandardMismatch
from audits.gaps import gaps
from audits.model import AuditType
from audits.scoring import parse_and_score
from audits.template import failing_value, findings_template, passing_value
from standards.model import ProviderType, RuleSet


def submission(ruleset: RuleSet) -> dict[str, Any]:
    """A passing recruiter's findings document."""
    doc = findings_template(ruleset, [ProviderType.RECRUITER], audit_type=AuditType.INITIAL)
    measures = {ind.id: ind.measure for _, ind in ruleset.indicators()}
    for finding in doc["findings"]:
        finding["value"] = passing_value(measures[finding["indicator"]])
    sites = [{"name": "Head office", "country": "PH", "address": ""}]
    doc.update(started_on="2026-10-01", ended_on="2026-10-03", sites=sites)
    doc.update(workers_interviewed=25)
    return doc


def test_each_failed_indicator_is_a_gap_with_what_the_standard_asks() -> None:
    ruleset = resolve("core-rights@1.0.0")
    doc = submission(ruleset)
    minor = next(i for _, i in ruleset.indicators() if i.failure_class == "minor")
    core = next(i for _, i in ruleset.indicators() if i.core)
    for finding in doc["findings"]:
        if finding["indicator"] in (minor.id, core.id):
            indicator = ruleset.indicator(finding["indicator"])
            assert indicator is not None
            finding["value"] = failing_value(indicator.measure)
    report = parse_and_score(ruleset, msgspec.json.encode(doc))
    assert not isinstance(report, list), report
    found = gaps(ruleset, report)
    assert [g.indicator for g in found] == [core.id, minor.id]  # critical first
    assert found[0].class_ == "critical"
    assert found[0].core
    assert found[0].requirement == core.requirement
    assert found[1].value == failing_value(minor.measure)
    assert b'"class":"minor"' in msgspec.json.encode(found[1])
    with pytest.raises(StandardMismatch):
        gaps(resolve("core-rights@1.1.0"), report)
