"""Persistence of assessments: evidence, filed assessments, decisions, idempotency keys.

Applications are referenced by their public id rather than a foreign key: this app can be
migrated, and its rows cleaned, without depending on the applications table's layout.
"""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    DoublePrecision,
    Integer,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class EvidenceRow(Table, tablename="evidence"):
    """A stored file made available to one application; the bytes live on disk by digest."""

    id: Serial
    application_sha256 = Varchar(length=120, unique=True)  # "<application>:<sha256>"
    sha256 = Varchar(length=64, index=True)
    application_id = Varchar(length=40, index=True)
    provider_id = Varchar(length=40)
    uploader_id = Varchar(length=40)  # account public id
    uploaded_by = Varchar(length=64)  # actor label, for the audit trail
    filename = Varchar(length=255)  # sanitised, for display only
    content_type = Varchar(length=64)
    size = BigInt()
    uploaded_at = Timestamptz()


class AssessmentRow(Table, tablename="assessments"):
    """A filed assessment: immutable. An amendment is a new row naming the one it corrects."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # asm_...
    application_id = Varchar(length=40, index=True)
    provider_id = Varchar(length=40, index=True)
    sequence = Integer()  # 1 for the first filing of an application, +1 per amendment
    # "<application>#<sequence>": two concurrent filings cannot both take the same place.
    chain_position = Varchar(length=60, unique=True)
    amends = Varchar(length=40, null=True, default=None)  # public id of the corrected one
    standard = Varchar(length=100)
    audit_type = Varchar(length=32)
    submission = Text()  # canonical JSON of the submission as filed
    report = Text()  # canonical JSON of the report (audits.scoring.canonical_report)
    inputs_digest = Varchar(length=80)
    report_digest = Varchar(length=80)
    score = DoublePrecision()
    grade = Varchar(length=64, null=True, default=None)
    floor_holds = Boolean()
    non_conformities = SmallInt()
    auditor_id = Varchar(length=40)
    filed_by = Varchar(length=64)
    filed_at = Timestamptz()


class DecisionRow(Table, tablename="decisions"):
    id: Serial
    application_id = Varchar(length=40, unique=True)
    provider_id = Varchar(length=40, index=True)
    assessment_id = Varchar(length=40)
    outcome = Varchar(length=16)  # certified | not_certified
    grade = Varchar(length=64, null=True, default=None)
    score = DoublePrecision()
    reasons = Text()  # JSON array of strings
    report_digest = Varchar(length=80)
    standard = Varchar(length=100)
    decided_by = Varchar(length=64)
    decided_at = Timestamptz()


class IdempotencyRow(Table, tablename="idempotency_keys"):
    """The stored answer to a request made with an `Idempotency-Key`, per account."""

    id: Serial
    account_key = Varchar(length=300, unique=True)  # "<account>:<key>"
    fingerprint = Varchar(length=64)  # SHA-256 of method, path and body
    status_code = SmallInt()
    response = Text()
    created_at = Timestamptz()
