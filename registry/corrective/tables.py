"""Persistence of corrective actions and their history.

Applications, assessments and certificates are referenced by their public ids, not foreign
keys, as in the other sub-packages: this app migrates on its own.
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class CorrectiveActionRow(Table, tablename="corrective_actions"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # cap_...
    application_id = Varchar(length=40, index=True)
    provider_id = Varchar(length=40, index=True)
    assessment_id = Varchar(length=40, index=True)  # the (current) assessment that found it
    standard = Varchar(length=100)  # slug@version, whose rules set the deadlines
    indicator = Varchar(length=32)
    category = Varchar(length=16)
    klass = Varchar(length=16)  # critical | major | minor
    finding = Text()  # what the auditor recorded: private to the parties
    plan_due = Date(null=True, default=None)
    close_by = Date(null=True, default=None)
    close_by_next_surveillance = Boolean(default=False)
    # Where the work stands (open -> plan_submitted -> plan_accepted -> evidence_submitted
    # -> closed, or withdrawn by an amendment); `state` is what is shown: progress, unless
    # the lifecycle marked it overdue or escalated (registry.corrective.rules.shown_state).
    progress = Varchar(length=24)
    state = Varchar(length=24, index=True)
    root_cause = Text(null=True, default=None)
    plan = Text(null=True, default=None)
    evidence = Text(default="[]")  # JSON array of sha256 digests in the evidence store
    evidence_note = Text(null=True, default=None)
    plan_overdue_at = Timestamptz(null=True, default=None)  # reported to the secretariat
    escalated_at = Timestamptz(null=True, default=None)
    suspended_at = Timestamptz(null=True, default=None)  # it suspended the certificate
    closed_at = Timestamptz(null=True, default=None)
    closed_by = Varchar(length=64, null=True, default=None)
    closed_how = Varchar(length=16, null=True, default=None)  # desk_review | visit
    follow_up = Varchar(length=40, null=True, default=None)  # the visit's assessment id
    opened_at = Timestamptz()
    updated_at = Timestamptz()


class CorrectiveEventRow(Table, tablename="corrective_action_events"):
    """One step of an action's history: who, when, what, why."""

    id: Serial
    action_id = Varchar(length=40, index=True)
    event = Varchar(length=32)
    from_state = Varchar(length=24, null=True, default=None)
    to_state = Varchar(length=24)
    actor = Varchar(length=64)
    reason = Text(null=True, default=None)
    at = Timestamptz()
