"""Persistence of the surveillance cycle: one row per piece of planned work.

`slot` is what makes `rightsmark lifecycle run` idempotent under a unique index: a
surveillance audit is planned once per certificate and due date
("<certificate>|surveillance|<due date>"), a recertification once per certificate
("<certificate>|recertification"), so two overlapping runs cannot both plan the same work.
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class ScheduledAuditRow(Table, tablename="scheduled_audits"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # sch_...
    kind = Varchar(length=16)  # surveillance | recertification
    slot = Varchar(length=100, unique=True)
    certificate_id = Varchar(length=40, index=True)
    # The certified application (surveillance) or the next cycle's (recertification, None
    # while it could not be opened).
    application_id = Varchar(length=40, null=True, default=None, index=True)
    provider_id = Varchar(length=12, index=True)
    auditor_id = Varchar(length=40, null=True, default=None, index=True)  # None: unassigned
    due_on = Date()  # surveillance due / certificate expiry
    audit_date = Date(null=True, default=None)
    unannounced = Boolean(default=False)
    state = Varchar(length=16, index=True)  # scheduled | unassigned | filed
    note = Text(null=True, default=None)  # why unassigned: shown to the secretariat only
    assessment_id = Varchar(length=40, null=True, default=None)  # once filed
    created_at = Timestamptz()
    updated_at = Timestamptz()
