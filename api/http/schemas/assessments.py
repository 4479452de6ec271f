"""Response schemas of evidence, assessments, decisions and provider reports (OpenAPI).

These schemas document the records of `registry.assessments.records` (evidence,
assessments, decisions, provider reports) and are validated from their attributes
(`AssessmentSummaryOut.model_validate(summary)`), so the service spells each once;
`tests/unit/registry/test_records.py` keeps the two in step. (The filed and read
assessments are the records' own msgspec encoding.)
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.certificates import CertificateOut


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    ref: str = Field(description="`sha256:` + hex: what a finding's `evidence` lists")
    sha256: str
    application_id: str
    filename: str = Field(description="Sanitised display name; never used as a path")
    content_type: Literal["application/pdf", "image/jpeg", "image/png", "text/plain", "text/csv"]
    size: int
    uploaded_by: str
    uploaded_at: str | None
    url: str


class EvidenceListOut(BaseModel):
    items: list[EvidenceOut]


class AssessmentSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    application_id: str
    provider_id: str
    sequence: int = Field(description="1 for the first filing, +1 for each amendment")
    amends: str | None = Field(description="The assessment this one corrects")
    amended_by: str | None
    current: bool = Field(description="Whether this is the latest assessment in its chain")
    standard: str
    audit_type: str
    inputs_digest: str
    report_digest: str
    score: float
    grade: str | None
    floor_holds: bool
    non_conformities: int
    auditor_id: str
    filed_at: str | None


class AssessmentOut(AssessmentSummaryOut):
    report: dict[str, Any] = Field(description="The scoring engine's report, as stored")


class AssessmentListOut(BaseModel):
    items: list[AssessmentSummaryOut]


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    application_id: str
    outcome: Literal["certified", "not_certified"]
    grade: str | None
    score: float
    reasons: list[str]
    assessment_id: str
    report_digest: str
    standard: str
    decided_by: str
    decided_at: str | None
    certificate: CertificateOut | None = Field(
        default=None, description="The certificate a certified decision issued"
    )


class ProviderReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    application_id: str
    assessment_id: str
    amendments: int
    filed_at: str | None
    standard: str
    score: float
    grade: str | None
    floor_holds: bool
    report_digest: str
    non_conformities: list[dict[str, Any]] = Field(description="With their deadlines")
    report: dict[str, Any]
    decision: DecisionOut | None


class ProviderReportsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    provider_id: str
    items: list[ProviderReportOut]
