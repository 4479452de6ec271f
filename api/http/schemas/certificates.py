"""Request and response schemas of certificates, status lists and verification (OpenAPI).

The certificate schemas document the records of `registry.certificates.records` and are
validated from their attributes (`CertificateOut.model_validate(summary)`), so the service
spells a certificate once; `tests/unit/certificates/test_records.py` keeps the two in step.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.http.schemas.common import TextInput
from registry.certificates.records import CertificateStatus

# Built from the records' attributes, also when nested in another answer (a decision's).
_FROM_RECORD = ConfigDict(from_attributes=True)


class ProviderRef(BaseModel):
    model_config = _FROM_RECORD
    id: str
    legal_name: str


class StandardRef(BaseModel):
    model_config = _FROM_RECORD
    slug: str
    version: str


class CertificateOut(BaseModel):
    model_config = _FROM_RECORD
    id: str = Field(description="crt_...; the credential lives at `url`")
    code: str = Field(description="The short code employers can type, e.g. RM-7K3Q-9XPD")
    url: str = Field(description="The credential's id: GET it for the signed credential")
    status: CertificateStatus
    status_reason: str | None
    status_changed_at: str | None
    provider: ProviderRef
    standard: StandardRef
    grade: str
    score: float
    report_digest: str
    valid_from: str | None
    valid_until: str | None
    surveillance_due: str | None
    surveillance_overdue: bool
    issued_at: str | None
    application_id: str
    log_index: int | None = Field(description="Its issuance entry in the transparency log")


class CertificateEventOut(BaseModel):
    model_config = _FROM_RECORD
    action: str
    reason: str | None
    at: str | None


class OpenCorrectiveOut(BaseModel):
    """Open corrective actions of one class: counts and dates only, never the finding."""

    model_config = ConfigDict(populate_by_name=True)
    class_: str = Field(alias="class", description="critical, major or minor")
    open: int
    escalated: int = Field(description="How many are past their closure deadline")
    next_deadline: str | None = Field(description="The earliest closure deadline (a date)")
    by_next_surveillance: int = Field(description="How many are due by the next surveillance")


class CertificateDetailOut(CertificateOut):
    history: list[CertificateEventOut]


class CertificateAnswerOut(CertificateDetailOut):
    """`GET /api/v1/certificates/{id}`: the record, and its open corrective actions."""

    open_corrective_actions: list[OpenCorrectiveOut] = Field(
        default_factory=list,
        description="Open corrective actions by class, with their nearest deadline "
        "(counts and dates only, never the finding)",
    )


class CertificatePageOut(BaseModel):
    model_config = _FROM_RECORD
    items: list[CertificateOut]
    total: int
    limit: int
    offset: int


class ReasonIn(TextInput):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000, description="Why; shown in the history")


class StatusListOut(BaseModel):
    purpose: Literal["revocation", "suspension"]
    number: int
    url: str
    size: int
    updated_at: str | None


class StatusListsOut(BaseModel):
    items: list[StatusListOut]


class CheckOut(BaseModel):
    name: str = Field(description="format, issuer, key, signature, validity, revocation, ...")
    result: Literal["passed", "failed", "skipped"]
    detail: str


class VerifyOut(BaseModel):
    valid: bool = Field(description="True only when every check passed")
    status: Literal["valid", "revoked", "suspended", "expired", "not_yet_valid", "invalid"]
    code: str = Field(
        description="The reason as a stable code, the same whatever the language: the status, "
        "or for an invalid certificate `not_genuine.<check>` (format, issuer, key, signature) "
        "or `failed.<check>` naming the first check that failed (docs/languages.md)"
    )
    reason: str = Field(description="The reason in English words")
    checks: list[CheckOut]
    certificate: dict[str, Any] | None = Field(
        description="What the certificate says, if legible; for a genuine certificate of this "
        "registry also `licences`: its provider's licences as the registry records them now, "
        "each with `state`, `registerStatus` (its status in the national register), `match` "
        "and `checkedAt` (docs/assurance.md)"
    )
    open_corrective_actions: list[OpenCorrectiveOut] | None = Field(
        default=None,
        description="For a genuine certificate of this registry: its open corrective actions "
        "by class and nearest deadline (counts and dates only)",
    )


class VerifyBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credentials: list[Any] = Field(min_length=1, max_length=100)


class VerifyBatchOut(BaseModel):
    items: list[VerifyOut]
    valid: int
    not_valid: int
