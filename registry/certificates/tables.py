"""Persistence of certificates: the signed credentials, their history and the status lists.

A certificate's status bits are not stored as bitstrings: they follow from each
certificate's state (revoked -> its revocation bit, suspended -> its suspension bit), so a
status list can never disagree with the certificates it describes. `StatusListRow.version`
moves on in the same transaction as every change of state, which is what tells a server
process that its rendered, signed copy of a list is stale.
"""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    DoublePrecision,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class CertificateRow(Table, tablename="certificates"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # crt_...: the last segment of the id URL
    code = Varchar(length=16, unique=True)  # RM-XXXX-XXXX
    application_id = Varchar(length=40, unique=True)  # one certificate per decision
    provider_id = Varchar(length=12, index=True)
    legal_name = Varchar(length=300)  # as certified, for listings
    standard = Varchar(length=100)  # slug@version
    grade = Varchar(length=64)
    score = DoublePrecision()
    report_digest = Varchar(length=80)
    valid_from = Timestamptz()
    valid_until = Timestamptz(index=True)
    state = Varchar(length=16, index=True)  # active | suspended | revoked
    state_reason = Text(null=True, default=None)
    state_changed_at = Timestamptz()
    surveillance_due = Timestamptz()  # the next surveillance audit is due by then
    surveillance_overdue = Boolean(default=False)
    # "<list number>:<index>" under unique indexes: two certificates never share a bit.
    revocation_list = Integer()
    revocation_index = Integer()
    revocation_slot = Varchar(length=24, unique=True)
    suspension_list = Integer()
    suspension_index = Integer()
    suspension_slot = Varchar(length=24, unique=True)
    verification_method = Varchar(length=300)
    credential = Text()  # the signed credential, canonical JSON
    issued_at = Timestamptz()
    issued_by = Varchar(length=64)
    log_index = BigInt(null=True, default=None)  # its issuance entry in the transparency log


class CertificateEventRow(Table, tablename="certificate_events"):
    id: Serial
    certificate_id = Varchar(length=40, index=True)  # public id
    action = Varchar(length=24)  # issued | suspended | reinstated | revoked | surveillance_overdue
    actor = Varchar(length=64)
    reason = Text(null=True, default=None)
    # What caused an automatic change (e.g. the assessment that suspended it): makes
    # `rightsmark lifecycle run` idempotent.
    cause = Varchar(length=60, null=True, default=None, index=True)
    at = Timestamptz()


class StatusListRow(Table, tablename="status_lists"):
    id: Serial
    key = Varchar(length=40, unique=True)  # "<purpose>/<number>"
    purpose = Varchar(length=16)  # revocation | suspension
    number = Integer()
    size = Integer()  # bits
    version = Integer()  # +1 with every change of a bit
    updated_at = Timestamptz()
