"""Persistence of self-assessments, apart from the filed assessments on purpose.

A provider's self-assessment is private and never part of the register: keeping it in its
own table, of its own Piccolo app, means nothing that reads `assessments` (decisions,
certificates, surveillance, reports, statistics) can pick one up by accident. Only
`registry.self_assessments.service` reads this table.
"""

from __future__ import annotations

from piccolo.columns import Boolean, DoublePrecision, Serial, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table


class SelfAssessmentRow(Table, tablename="self_assessments"):
    """A provider's self-assessment as scored: immutable but for being attached."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # sas_...
    provider_id = Varchar(length=40, index=True)
    standard = Varchar(length=100)  # slug@version, as scored
    provider_types = Text()  # JSON array, the scope scored
    submission = Text()  # canonical JSON of the submission as filed
    report = Text()  # canonical JSON of the engine's report
    gaps = Text()  # JSON array of audits.gaps.Gap
    inputs_digest = Varchar(length=80)
    report_digest = Varchar(length=80)
    score = DoublePrecision()
    grade = Varchar(length=64, null=True, default=None)
    floor_holds = Boolean()
    non_conformities = SmallInt()
    created_by = Varchar(length=40)  # the provider account's public id
    created_at = Timestamptz()
    # One self-assessment per application at most: the unique index lets two concurrent
    # attachments to one application not both commit (NULLs do not collide).
    application_id = Varchar(length=40, null=True, default=None, unique=True)
    attached_by = Varchar(length=64, null=True, default=None)
    attached_at = Timestamptz(null=True, default=None)
