"""The outbox table: events waiting to be fanned out to subscriptions."""

from __future__ import annotations

from piccolo.columns import BigInt, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class OutboxRow(Table, tablename="notification_outbox"):
    """One public event. `id` orders the events; `dedupe` makes an event that must happen
    once (a certificate's 30-day expiry warning) a no-op the second time."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # evt_...
    kind = Varchar(length=48)  # certificate.suspended, ... (registry.outbox.events.KINDS)
    certificate_id = Varchar(length=40, null=True, default=None, index=True)
    provider_id = Varchar(length=40, null=True, default=None, index=True)
    log_index = BigInt(null=True, default=None)  # the transparency-log entry it reports
    payload = Text()  # the public JSON the receivers get (Standard Webhooks: type, timestamp, data)
    dedupe = Varchar(length=120, null=True, default=None, unique=True)
    occurred_at = Timestamptz()
    fanned_out_at = Timestamptz(null=True, default=None, index=True)
