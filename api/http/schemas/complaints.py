"""Request schemas of complaints, remedies, special audits and appeals (shapes and sizes
only: the use cases check the rest and name the field they refuse). The answers are the
records of `registry.complaints.records` themselves, named for OpenAPI."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from litestar.params import KwargDefinition
from msgspec import Struct
from pydantic import ConfigDict, Field

from api.http.schemas.common import TextInput
from registry.complaints import records
from registry.complaints.rules import (
    AppealSubject,
    Category,
    Channel,
    Outcome,
    Party,
    RemedyKind,
)


class _In(TextInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactIn(_In):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, min_length=5, max_length=40)
    email: str | None = Field(default=None, min_length=3, max_length=254)
    language: str | None = Field(
        default=None, min_length=2, max_length=35, description="BCP 47, e.g. ne, tl, bn"
    )
    channel: Channel | None = Field(default=None, description="How to be contacted")


class NamedProviderIn(_In):
    name: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")


class ComplaintIn(_In):
    provider: str | NamedProviderIn = Field(
        description="A registry id (RMP-...), a certificate code (RM-XXXX-XXXX), or the name "
        "and country of a provider that is not registered"
    )
    categories: list[Category] = Field(min_length=1, max_length=14)
    description: str = Field(min_length=1, max_length=10_000, description="What happened")
    occurred_on: dt.date | None = None
    country: str = Field(min_length=2, max_length=2, description="Where it happened")
    corridor: str | None = Field(default=None, min_length=5, max_length=5, description="PH-AE")
    workers_affected: int = Field(ge=1, le=1_000_000)
    contact: ContactIn | None = Field(
        default=None, description="Optional: leave it out to stay anonymous"
    )
    share_identity_with_provider: bool = Field(
        default=False,
        description="Whether the provider may learn who you are and read your description",
    )


class MessageIn(_In):
    body: str = Field(min_length=1, max_length=5_000)


class NoteIn(_In):
    note: str | None = Field(default=None, min_length=1, max_length=5_000)


class HandlerIn(_In):
    handler_id: str = Field(min_length=1, max_length=40, description="A secretariat account")


class QuestionIn(_In):
    to: Literal[Party.COMPLAINANT, Party.PROVIDER]
    body: str = Field(min_length=1, max_length=5_000)
    response_due: dt.date | None = Field(
        default=None, description="To the provider only: its response is requested by then"
    )


class SuspensionIn(_In):
    indicator: str = Field(min_length=3, max_length=16, description="A core indicator, e.g. DOC-1")
    certificate: str | None = Field(default=None, min_length=1, max_length=40)


class CloseIn(_In):
    outcome: Outcome
    reasons: str = Field(min_length=1, max_length=5_000)


class RemedyIn(_In):
    kind: RemedyKind
    deadline: dt.date
    amount: str | None = Field(default=None, min_length=1, max_length=16, examples=["1250.00"])
    currency: str | None = Field(default=None, min_length=3, max_length=3, description="ISO 4217")
    workers: int | None = Field(default=None, ge=1, le=1_000_000)
    details: str | None = Field(default=None, min_length=1, max_length=5_000)


class SpecialAuditIn(_In):
    auditor_id: str | None = Field(
        default=None, max_length=40, description="Left out: the eligible auditor is picked"
    )
    audit_date: dt.date
    unannounced: bool = False
    certificate: str | None = Field(default=None, min_length=1, max_length=40)


class WorkforceIn(_In):
    workers_deployed: int = Field(ge=0, le=10_000_000)
    period: str = Field(min_length=1, max_length=40, examples=["2026"])


class AppealIn(_In):
    subject: Literal[
        AppealSubject.REFUSAL,
        AppealSubject.SUSPENSION,
        AppealSubject.REVOCATION,
        AppealSubject.COMPLAINT_OUTCOME,
    ]
    target: str = Field(
        min_length=1,
        max_length=40,
        description="The application (refusal), the certificate (suspension, revocation) or "
        "the complaint reference (outcome)",
    )
    reasons: str = Field(min_length=1, max_length=5_000)


class ReviewIn(_In):
    reasons: str = Field(min_length=1, max_length=5_000)


class AppealDecisionIn(_In):
    outcome: Literal["upheld", "overturned"]
    reasons: str = Field(min_length=1, max_length=5_000)


FiledOut = Annotated[records.Filed, KwargDefinition(schema_component_key="ComplaintFiledOut")]
CaseOut = Annotated[records.Case, KwargDefinition(schema_component_key="ComplaintCaseOut")]
ProviderCaseOut = Annotated[
    records.ProviderCase, KwargDefinition(schema_component_key="ProviderComplaintOut")
]
ComplainantCaseOut = Annotated[
    records.ComplainantCase, KwargDefinition(schema_component_key="ComplainantCaseOut")
]
MessageOut = Annotated[records.Message, KwargDefinition(schema_component_key="ComplaintMessageOut")]
AttachmentOut = Annotated[
    records.Attachment, KwargDefinition(schema_component_key="ComplaintAttachmentOut")
]
RemedyOut = Annotated[records.Remedy, KwargDefinition(schema_component_key="RemedyOut")]
SpecialAuditOut = Annotated[
    records.SpecialAudit, KwargDefinition(schema_component_key="SpecialAuditOut")
]
AppealOut = Annotated[records.Appeal, KwargDefinition(schema_component_key="AppealOut")]
StatisticsOut = Annotated[
    records.ProviderStatistics, KwargDefinition(schema_component_key="ComplaintStatisticsOut")
]
PastComplaintOut = Annotated[
    records.PastComplaint, KwargDefinition(schema_component_key="PastComplaintOut")
]
WorkforceOut = Annotated[records.Workforce, KwargDefinition(schema_component_key="WorkforceOut")]


class CaseListOut(Struct, frozen=True, kw_only=True, tag_field="view", tag="secretariat"):
    """The secretariat's queue, with contacts (`view` says whose list it is)."""

    items: tuple[records.CaseSummary, ...]
    total: int
    limit: int
    offset: int


class ProviderCaseListOut(Struct, frozen=True, kw_only=True, tag_field="view", tag="provider"):
    """A provider's complaints about its own organisation, without the complainants'
    identity unless they agreed."""

    items: tuple[records.ProviderCase, ...]
    total: int
    limit: int
    offset: int


class RemedyListOut(Struct, frozen=True, kw_only=True):
    items: tuple[records.Remedy, ...]


class SpecialAuditListOut(Struct, frozen=True, kw_only=True):
    items: tuple[records.SpecialAudit, ...]


class AppealListOut(Struct, frozen=True, kw_only=True):
    items: tuple[records.Appeal, ...]


class ComplaintHistoryOut(Struct, frozen=True, kw_only=True):
    """What was alleged against a provider and how each case ended: for the auditor who
    assesses it. No complainant, no description, no reference."""

    provider_id: str
    items: tuple[PastComplaintOut, ...]
