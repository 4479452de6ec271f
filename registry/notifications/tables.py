"""Subscriptions, their deliveries and each delivery's attempts.

Accounts, certificates and providers are referenced by their public ids, as in the other
sub-packages: this app migrates on its own.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class SubscriptionRow(Table, tablename="notification_subscriptions"):
    """A webhook endpoint or an e-mail subscription of one employer account."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # whk_... (webhook) | eml_... (e-mail)
    account_id = Varchar(length=40, index=True)
    channel = Varchar(length=8)  # webhook | email
    url = Text(null=True, default=None)  # webhook
    email = Varchar(length=320, null=True, default=None)  # e-mail: the account's address
    digest = Boolean(default=False)  # e-mail: one message a day instead of one per event
    events = Text(default="[]")  # JSON array of kinds; [] means every kind
    certificates = Text(default="[]")  # JSON array of crt_... ids
    providers = Text(default="[]")  # JSON array of provider registry ids
    watchlist = Varchar(length=40, null=True, default=None)  # resolved at fan-out time
    # The whsec_ secret, sealed (registry.notifications.secrets); during a rotation the
    # previous one signs too, until previous_until.
    secret_sealed = Text(null=True, default=None)
    previous_secret_sealed = Text(null=True, default=None)
    previous_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None, index=True)  # deleted or unsubscribed
    ended_how = Varchar(length=16, null=True, default=None)  # deleted | unsubscribed


class DeliveryRow(Table, tablename="notification_deliveries"):
    """One event for one subscription. `id` orders a subscription's deliveries: the next
    waits while an earlier one is pending (registry.notifications.worker)."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # dlv_...
    # The webhook-id: the same on every retry and on a re-delivery the employer asks for,
    # so receivers deduplicate by it.
    message_id = Varchar(length=40, index=True)  # msg_...
    subscription_id = Varchar(length=40, index=True)
    account_id = Varchar(length=40, index=True)
    event_id = Varchar(length=40, index=True)  # evt_... in the outbox
    kind = Varchar(length=48)
    log_index = BigInt(null=True, default=None)
    status = Varchar(length=12, index=True)  # pending | delivered | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    window_start = Timestamptz()  # retries give up some days after this (retry.GIVE_UP)
    leased_until = Timestamptz(null=True, default=None)
    lease_owner = Varchar(length=64, null=True, default=None)
    last_status_code = Integer(null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz()
    delivered_at = Timestamptz(null=True, default=None)


class AttemptRow(Table, tablename="notification_attempts"):
    """One try of a delivery: what the delivery log shows the employer."""

    id: Serial
    delivery_id = Varchar(length=40, index=True)  # dlv_...
    at = Timestamptz()
    status_code = Integer(null=True, default=None)
    error = Text(null=True, default=None)  # our words: never the receiver's body
    duration_ms = Integer(default=0)
    ok = Boolean(default=False)
