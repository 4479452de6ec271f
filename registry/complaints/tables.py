"""Persistence of complaints, their messages, attachments, remedies, special audits, appeals
and providers' declared workforce.

Columns ending in `_sealed` hold personal data or free text sealed by
`registry.complaints.sealing` (bound to the case and the column): contact details, the
description, messages, reasons and file names. Everything else is what the secretariat and
the public counts need in the clear. Other packages' records are named by public id.
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class ComplaintRow(Table, tablename="complaints"):
    id: Serial
    reference = Varchar(length=16, unique=True)  # RMC-XXXXXXXXXX, given to the complainant
    key_hash = Varchar(length=64)  # SHA-256 hex of the access key; the key is shown once
    provider_id = Varchar(length=12, null=True, default=None, index=True)  # RMP-...
    certificate_id = Varchar(length=40, null=True, default=None)  # crt_... when named
    provider_name = Varchar(length=300, null=True, default=None)  # an unregistered provider
    provider_country = Varchar(length=2, null=True, default=None)
    categories = Text()  # JSON list of `rules.Category` values
    description_sealed = Text(null=True, default=None)  # None once erased
    description_digest = Varchar(length=80)  # sha256 of the sealed text: what the log pins
    occurred_on = Date(null=True, default=None)
    country = Varchar(length=2)
    corridor = Varchar(length=5, null=True, default=None)
    workers_affected = Integer()
    contact_sealed = Text(null=True, default=None)  # JSON {name, phone, email, language, channel}
    share_identity = Boolean(default=False)
    state = Varchar(length=16, index=True)  # rules.CaseState
    outcome = Varchar(length=24, null=True, default=None)  # rules.Outcome
    outcome_reasons_sealed = Text(null=True, default=None)
    handler_id = Varchar(length=40, null=True, default=None)  # a secretariat account
    response_due = Timestamptz(null=True, default=None)  # the provider's response deadline
    received_at = Timestamptz()
    acknowledged_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    closed_by = Varchar(length=64, null=True, default=None)  # actor label of the decider
    erased_at = Timestamptz(null=True, default=None)


class ComplaintEventRow(Table, tablename="complaint_events"):
    """Who did what on a case, in order: the trail an appeal's independence is checked on."""

    id: Serial
    complaint = Varchar(length=16, index=True)  # reference
    action = Varchar(length=32)
    actor = Varchar(length=64)  # actor label, or "complainant"
    note = Varchar(length=200, null=True, default=None)  # ids and dates only, never free text
    at = Timestamptz()


class ComplaintMessageRow(Table, tablename="complaint_messages"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # msg_...
    complaint = Varchar(length=16, index=True)
    author = Varchar(length=16)  # rules.Party
    author_label = Varchar(length=64)  # actor label, or "complainant"
    addressed_to = Varchar(length=16, null=True, default=None)  # rules.Party; None: the file
    kind = Varchar(length=16)  # message | question | response | outcome
    body_sealed = Text(null=True, default=None)  # None once erased
    at = Timestamptz()


class ComplaintAttachmentRow(Table, tablename="complaint_attachments"):
    """A file attached to a case or an appeal, kept sealed (`sealing.seal_bytes`, bound to
    the owner and the attachment id) in the evidence store under the sealed bytes' digest."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # att_...
    owner = Varchar(length=40, index=True)  # a complaint reference or an appeal id
    party = Varchar(length=16)  # rules.Party
    sha256 = Varchar(length=64, index=True)  # of the file as uploaded
    stored_sha256 = Varchar(length=64)  # of the sealed file in the evidence store
    filename_sealed = Text(null=True, default=None)
    content_type = Varchar(length=64)
    size = Integer()
    uploaded_at = Timestamptz()


class RemedyRow(Table, tablename="complaint_remedies"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # rem_...
    complaint = Varchar(length=16, index=True)
    provider_id = Varchar(length=12, null=True, default=None, index=True)
    kind = Varchar(length=24)  # rules.RemedyKind
    amount = Varchar(length=24, null=True, default=None)  # decimal text, refunds only
    currency = Varchar(length=3, null=True, default=None)
    workers = Integer(null=True, default=None)
    deadline = Date()
    details_sealed = Text(null=True, default=None)
    state = Varchar(length=16)  # rules.RemedyState
    ordered_by = Varchar(length=64)
    ordered_at = Timestamptz()
    confirmed_by = Varchar(length=64, null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)


class SpecialAuditRow(Table, tablename="special_audits"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # spa_...
    complaint = Varchar(length=16, index=True)
    certificate_id = Varchar(length=40)
    application_id = Varchar(length=40, index=True)
    auditor_id = Varchar(length=40, index=True)
    audit_date = Date()
    unannounced = Boolean(default=False)
    ordered_by = Varchar(length=64)
    ordered_at = Timestamptz()
    assessment_id = Varchar(length=40, null=True, default=None)  # once filed


class AppealRow(Table, tablename="appeals"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # apc_...
    subject = Varchar(length=24)  # rules.AppealSubject
    target = Varchar(length=40, index=True)  # application, certificate or complaint reference
    provider_id = Varchar(length=12, null=True, default=None, index=True)
    # "<subject>:<target>" while pending, NULL once decided: one pending appeal per decision.
    pending_key = Varchar(length=80, null=True, default=None, unique=True)
    lodged_by = Varchar(length=64)  # actor label, or "complainant"
    lodged_at = Timestamptz()
    reasons_sealed = Text(null=True, default=None)
    original_deciders = Text()  # JSON list of actor labels barred from deciding
    state = Varchar(length=16, index=True)  # rules.AppealState
    decided_by = Varchar(length=64, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_reasons_sealed = Text(null=True, default=None)
    superseded = Text(null=True, default=None)  # JSON of the decision an overturn set aside


class WorkforceRow(Table, tablename="provider_workforce"):
    """Workers deployed, as a provider declares it: the denominator of LAW-3."""

    id: Serial
    provider_id = Varchar(length=12, unique=True)
    workers_deployed = Integer()
    period = Varchar(length=40)  # e.g. "2026" or "2026-01/2026-12", as declared
    declared_by = Varchar(length=64)
    declared_at = Timestamptz()
