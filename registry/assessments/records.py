"""What the assessment use cases return: typed records, encoded by the entry points.

The fields are declared in the order the API has always written them (the summary's keys,
then `id`, `amended_by` and `current`, then the report), so `msgspec.json.encode` of a record
gives the same bytes as before and a stored idempotent answer stays byte-identical to a new
one. `score` is the published score (`audits.published`): an int when integral.

The evidence, decision and provider-report records are declared in the order of their API
schemas (`api.http.schemas.assessments`), which are validated from their attributes. The
findings document's own JSON (a report, its non-conformities) stays a JSON value.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from registry.certificates.records import CertificateSummary


class AssessmentSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One assessment of an application's chain, without its report."""

    application_id: str
    provider_id: str
    sequence: int  # 1 for the first filing, +1 for each amendment or later audit
    amends: str | None  # the assessment this one corrects
    standard: str
    audit_type: str
    inputs_digest: str
    report_digest: str
    score: int | float
    grade: str | None
    floor_holds: bool
    non_conformities: int
    auditor_id: str
    filed_at: str
    id: str
    amended_by: str | None  # the amendment that corrects this one, if any
    current: bool  # whether this is the latest of its chain (not amended)


class Assessment(AssessmentSummary, frozen=True, kw_only=True):
    """An assessment with its report, spliced in as the stored canonical JSON bytes."""

    report: msgspec.Raw


class Evidence(msgspec.Struct, frozen=True, kw_only=True):
    """An evidence file uploaded for an application: what findings cite by `ref`."""

    ref: str  # `sha256:` + hex
    sha256: str
    application_id: str
    filename: str  # sanitised display name; never used as a path
    content_type: str
    size: int
    uploaded_by: str  # the uploader's account id
    uploaded_at: str
    url: str


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """The certification decision on an application, with the certificate it issued."""

    application_id: str
    outcome: Literal["certified", "not_certified"]
    grade: str | None
    score: int | float  # published: an int when integral
    reasons: tuple[str, ...]
    assessment_id: str
    report_digest: str
    standard: str
    decided_by: str
    decided_at: str
    certificate: CertificateSummary | None = None


class ProviderReport(msgspec.Struct, frozen=True, kw_only=True):
    """The current report of one of a provider's applications, and its decision if any."""

    application_id: str
    assessment_id: str
    amendments: int
    filed_at: str
    standard: str
    score: int | float
    grade: str | None
    floor_holds: bool
    report_digest: str
    non_conformities: list[dict[str, Any]]  # as in the report, with their deadlines
    report: dict[str, Any]  # the scoring engine's report, as stored
    decision: Decision | None


class ProviderReports(msgspec.Struct, frozen=True, kw_only=True):
    provider_id: str
    items: tuple[ProviderReport, ...]
