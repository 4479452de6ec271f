"""What the corrective-action use cases return: typed records the entry points encode."""

from __future__ import annotations

import msgspec


class ActionEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One step of an action's history: who, when, what, why."""

    event: str
    from_state: str | None
    to_state: str
    actor: str
    reason: str | None
    at: str


class CorrectiveAction(msgspec.Struct, frozen=True, kw_only=True):
    """An action as its parties (the provider, the assigned auditor, the secretariat) see it."""

    id: str
    application_id: str
    provider_id: str
    assessment_id: str
    standard: str
    indicator: str
    category: str
    class_: str = msgspec.field(name="class")
    finding: str
    plan_due: str | None
    close_by: str | None
    close_by_next_surveillance: bool
    state: str
    progress: str
    root_cause: str | None
    plan: str | None
    evidence: tuple[str, ...]  # sha256:... references in the evidence store
    evidence_note: str | None
    escalated_at: str | None
    suspends_on: str | None  # when an escalated action suspends the certificate
    suspended_certificate: bool
    closed_at: str | None
    closed_by: str | None
    closed_how: str | None  # desk_review | visit
    follow_up: str | None
    closure_needs_visit: bool
    secretariat_may_review: bool
    opened_at: str
    history: tuple[ActionEvent, ...] = ()


class ActionPage(msgspec.Struct, frozen=True, kw_only=True):
    items: tuple[CorrectiveAction, ...]
    total: int


class OpenByClass(msgspec.Struct, frozen=True, kw_only=True):
    """Public: how many actions of one class are open, and their nearest deadline. Never
    the indicator's finding, the plan or the evidence."""

    class_: str = msgspec.field(name="class")
    open: int
    escalated: int
    next_deadline: str | None  # the earliest closure deadline among them
    by_next_surveillance: int  # those due by the next surveillance audit, not a date


class ClosureTimes(msgspec.Struct, frozen=True, kw_only=True):
    class_: str = msgspec.field(name="class")
    closed: int
    median_days: float | None
