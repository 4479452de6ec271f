"""What the self-assessment use cases return: typed records, answered as they are by the API.

Every record carries `self_assessed: true`, so that wherever it is shown (the application's
record, the auditor's view, the secretariat's) it cannot pass for an auditor's assessment.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from audits.gaps import Gap


class SelfAssessmentSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A provider's self-assessment as scored by the engine, without its report."""

    id: str  # sas_...
    self_assessed: Literal[True] = True
    provider_id: str
    standard: str  # slug@version scored against
    provider_types: list[str]
    score: int | float  # published: an int when integral
    grade: str | None
    floor_holds: bool
    non_conformities: int  # the number of gaps
    inputs_digest: str
    report_digest: str
    created_by: str  # the provider account that filed it
    created_at: str
    application_id: str | None  # the application it is attached to, if any
    attached_at: str | None
    url: str  # its API path


class SelfAssessment(SelfAssessmentSummary, frozen=True, kw_only=True):
    """With the gap list, the answers as filed and the engine's report."""

    gaps: list[Gap]  # each indicator not met: its class and what the standard asks
    submission: dict[str, Any]  # the findings document as filed (without its help)
    report: dict[str, Any]  # the scoring engine's report, as stored


class SelfAssessmentList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[SelfAssessmentSummary]
    limit: int
    offset: int
