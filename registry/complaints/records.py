"""The typed records the complaints use cases return. Which record a caller gets decides
what it sees: only `Case` (the secretariat's) carries contact details and the description
unconditionally; `ProviderCase` carries them only with the complainant's consent;
`ComplainantCase` shows the complainant their own case."""

from __future__ import annotations

from msgspec import Struct

from registry.complaints.rules import (
    AppealState,
    AppealSubject,
    CaseState,
    Category,
    Channel,
    Outcome,
    Party,
    RemedyKind,
    RemedyState,
)


class Contact(Struct, frozen=True, kw_only=True):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None  # BCP 47, e.g. "ne" or "tl"
    channel: Channel | None = None


class Filed(Struct, frozen=True, kw_only=True):
    """What filing answers, once: the access key is never shown again."""

    reference: str
    access_key: str
    received_at: str
    acknowledge_due: str
    resolve_due: str


class Accused(Struct, frozen=True, kw_only=True):
    """The provider complained about: registered (id) or named with its country."""

    provider_id: str | None
    certificate_id: str | None
    name: str | None
    country: str | None


class Message(Struct, frozen=True, kw_only=True):
    id: str
    author: Party
    addressed_to: Party | None
    kind: str  # message | question | response | outcome
    body: str | None  # None once erased
    at: str


class Attachment(Struct, frozen=True, kw_only=True):
    id: str
    party: Party
    sha256: str
    filename: str | None  # None once erased
    content_type: str
    size: int
    uploaded_at: str


class Remedy(Struct, frozen=True, kw_only=True):
    id: str
    complaint: str
    kind: RemedyKind
    amount: str | None
    currency: str | None
    workers: int | None
    deadline: str
    details: str | None
    state: RemedyState
    ordered_at: str
    confirmed_at: str | None
    overdue: bool


class SpecialAudit(Struct, frozen=True, kw_only=True):
    id: str
    complaint: str
    certificate_id: str
    application_id: str
    auditor_id: str
    audit_date: str
    audit_type: str  # always "special"
    unannounced: bool
    ordered_at: str
    assessment_id: str | None


class CaseEvent(Struct, frozen=True, kw_only=True):
    action: str
    actor: str
    note: str | None
    at: str


class Clocks(Struct, frozen=True, kw_only=True):
    received_at: str
    acknowledge_due: str
    acknowledged_at: str | None
    resolve_due: str
    closed_at: str | None
    response_due: str | None  # the provider's response deadline, when requested
    appeal_until: str | None  # while the outcome may be appealed


class Case(Struct, frozen=True, kw_only=True):
    """A case as the secretariat sees it: everything, personal data included."""

    reference: str
    state: CaseState
    accused: Accused
    categories: tuple[Category, ...]
    description: str | None
    occurred_on: str | None
    country: str
    corridor: str | None
    workers_affected: int
    contact: Contact | None
    share_identity_with_provider: bool
    outcome: Outcome | None
    outcome_reasons: str | None
    handler_id: str | None
    clocks: Clocks
    messages: tuple[Message, ...]
    attachments: tuple[Attachment, ...]
    remedies: tuple[Remedy, ...]
    special_audits: tuple[SpecialAudit, ...]
    events: tuple[CaseEvent, ...]
    erased: bool


class CaseSummary(Struct, frozen=True, kw_only=True):
    """One line of the secretariat's queue (with the contact, which it alone sees)."""

    reference: str
    state: CaseState
    accused: Accused
    categories: tuple[Category, ...]
    outcome: Outcome | None
    handler_id: str | None
    contact: Contact | None
    clocks: Clocks
    acknowledge_overdue: bool
    resolve_overdue: bool


class ProviderCase(Struct, frozen=True, kw_only=True):
    """A case about the caller's own organisation. The description and the complainant's
    contact are present only when the complainant agreed to share their identity: a
    worker's own words can name them. The secretariat's questions say what is alleged."""

    reference: str
    state: CaseState
    categories: tuple[Category, ...]
    country: str
    corridor: str | None
    occurred_on: str | None
    workers_affected: int
    identity_shared: bool
    complainant: Contact | None
    description: str | None
    outcome: Outcome | None
    outcome_reasons: str | None
    clocks: Clocks
    messages: tuple[Message, ...]  # written by or addressed to the provider
    attachments: tuple[Attachment, ...]  # the provider's own
    remedies: tuple[Remedy, ...]


class ComplainantCase(Struct, frozen=True, kw_only=True):
    """The complainant's view, by reference and access key."""

    reference: str
    state: CaseState
    categories: tuple[Category, ...]
    outcome: Outcome | None
    outcome_reasons: str | None
    clocks: Clocks
    messages: tuple[Message, ...]  # written by or addressed to the complainant
    attachments: tuple[Attachment, ...]  # the complainant's own
    remedies: tuple[Remedy, ...]


class Appeal(Struct, frozen=True, kw_only=True):
    id: str
    subject: AppealSubject
    target: str
    provider_id: str | None
    state: AppealState
    lodged_at: str
    reasons: str | None
    attachments: tuple[Attachment, ...]
    decided_at: str | None
    decided_by: str | None  # the secretariat member's label: the independence is checkable
    decision_reasons: str | None
    effect: str | None  # what an overturn did: reinstated, re-opened


class ProviderStatistics(Struct, frozen=True, kw_only=True):
    """The public complaint figures of one provider (no personal data, no free text)."""

    provider_id: str
    received: int
    open: int
    substantiated_24_months: int
    median_days_to_acknowledge: float | None
    median_days_to_resolve: float | None
    workers_deployed: int | None  # as declared by the provider
    complainants_in_pending_cases_per_worker: float | None  # LAW-3, a fraction (0.01 = 1 %)
    appeals_pending: tuple[str, ...]  # certificate ids with an appeal pending


class CategoryCount(Struct, frozen=True, kw_only=True):
    category: Category
    received: int
    substantiated: int


class RegistryStatistics(Struct, frozen=True, kw_only=True):
    """The complaint figures of the whole registry, for the statistics page."""

    received: int
    open: int
    substantiated_24_months: int
    median_days_to_acknowledge: float | None
    median_days_to_resolve: float | None
    appeals_pending: int
    by_category: tuple[CategoryCount, ...]  # most received first


class PastComplaint(Struct, frozen=True, kw_only=True):
    """One line of a provider's complaint history as its auditor sees it: what was alleged,
    where and when, and how it ended; never who complained or in their words."""

    received_at: str
    categories: tuple[Category, ...]
    country: str
    corridor: str | None
    workers_affected: int
    state: CaseState
    outcome: Outcome | None
    closed_at: str | None


class Workforce(Struct, frozen=True, kw_only=True):
    provider_id: str
    workers_deployed: int
    period: str
    declared_at: str
