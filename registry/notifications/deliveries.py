"""Deliveries: the fan-out of outbox events into one row per matching subscription, and the
delivery log an employer reads (and re-delivery on request).

The fan-out runs in one write transaction per batch: the events it marks fanned out and the
deliveries it writes commit together, so an event is fanned out exactly once even when
several workers run (on PostgreSQL one holds a transaction-scoped advisory lock while the
others skip the step; SQLite's single writer serialises them). Deliveries are numbered in
fan-out order, which is what "in order" means for a subscription.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets as random_ids
from typing import Any, Final

from registry.accounts import Actor
from registry.clock import iso_utc, utc_now
from registry.db.database import write_transaction
from registry.errors import ConflictError, NotFoundError
from registry.notifications.records import Attempt, Delivery, DeliveryPage
from registry.notifications.scope import Scope, scope_matches, wants, watching_lists
from registry.notifications.subscriptions import _row, require_employer
from registry.notifications.tables import AttemptRow, DeliveryRow, SubscriptionRow
from registry.outbox.tables import OutboxRow
from registry.settings import get_settings

FAN_OUT_BATCH: Final = 200
_FAN_OUT_LOCK: Final = 0x524D4E4F  # "RMNO": the advisory lock of the fan-out step
_DELIVERY_ID: Final = re.compile(r"dlv_[0-9a-f]{24}")


def new_delivery_ids() -> tuple[str, str]:
    return "dlv_" + random_ids.token_hex(12), "msg_" + random_ids.token_hex(12)


def next_digest(now: dt.datetime) -> dt.datetime:
    """Digests go out once a day, at midnight UTC."""
    midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + dt.timedelta(days=1)


async def _fan_out_lock() -> bool:
    if not get_settings().is_postgres:
        return True  # BEGIN IMMEDIATE already made this the only writer
    rows = await OutboxRow.raw("SELECT pg_try_advisory_xact_lock({}) AS ok", _FAN_OUT_LOCK).run()
    return bool(rows[0]["ok"])


async def fan_out(now: dt.datetime | None = None, batch: int = FAN_OUT_BATCH) -> int:
    """Fan out up to `batch` events; how many were fanned out (0: none waiting, or another
    worker is at it)."""
    now = now or utc_now()
    async with write_transaction():
        if not await _fan_out_lock():
            return 0
        events = (
            await OutboxRow.select()
            .where(OutboxRow.fanned_out_at.is_null())
            .order_by(OutboxRow.id)
            .limit(batch)
        )
        if not events:
            return 0
        subscriptions = (
            await SubscriptionRow.select()
            .where(SubscriptionRow.ended_at.is_null())
            .order_by(SubscriptionRow.id)
        )
        scopes = [(row, Scope.of_row(row)) for row in subscriptions]
        rows: list[DeliveryRow] = []
        for event in events:
            # A subscription gets the events that happened after it was made.
            targets = [
                (r, s)
                for r, s in scopes
                if wants(s, event["kind"]) and r["created_at"] <= event["occurred_at"]
            ]
            watching = None
            if any(s.watchlist is not None for _, s in targets):
                watching = await watching_lists(event["certificate_id"], event["provider_id"])
            for sub, scope in targets:
                cert, provider = event["certificate_id"], event["provider_id"]
                if await scope_matches(scope, cert, provider, watching):
                    rows.append(_delivery(sub, event, now))
        if rows:
            await DeliveryRow.insert(*rows).run()
        await OutboxRow.update({OutboxRow.fanned_out_at: now}).where(
            OutboxRow.id.is_in([e["id"] for e in events])
        )
        return len(events)


def _delivery(sub: dict[str, Any], event: dict[str, Any], now: dt.datetime) -> DeliveryRow:
    public_id, message_id = new_delivery_ids()
    return DeliveryRow(
        public_id=public_id,
        message_id=message_id,
        subscription_id=sub["public_id"],
        account_id=sub["account_id"],
        event_id=event["public_id"],
        kind=event["kind"],
        log_index=event["log_index"],
        status="pending",
        attempts=0,
        next_attempt_at=next_digest(now) if sub["digest"] else now,
        window_start=now,
        created_at=now,
    )


async def drop_pending(subscription_id: str, why: str) -> None:
    await DeliveryRow.update(
        {DeliveryRow.status: "failed", DeliveryRow.last_error: why, DeliveryRow.leased_until: None}
    ).where((DeliveryRow.subscription_id == subscription_id) & (DeliveryRow.status == "pending"))


def _view(row: dict[str, Any], history: tuple[Attempt, ...] = ()) -> Delivery:
    return Delivery(
        id=row["public_id"],
        message_id=row["message_id"],
        subscription=row["subscription_id"],
        event=row["event_id"],
        type=row["kind"],
        log_index=row["log_index"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=iso_utc(row["next_attempt_at"]) if row["status"] == "pending" else None,
        last_status_code=row["last_status_code"],
        last_error=row["last_error"],
        created_at=iso_utc(row["created_at"]),
        delivered_at=iso_utc(row["delivered_at"]),
        history=history,
    )


async def list_deliveries(
    actor: Actor, subscription_id: str, *, status: str | None, limit: int, offset: int
) -> DeliveryPage:
    """The delivery log of one of the actor's subscriptions, newest first, each with its
    attempts."""
    require_employer(actor)
    await _row(actor, subscription_id)
    condition: Any = DeliveryRow.subscription_id == subscription_id
    if status is not None:
        condition = condition & (DeliveryRow.status == status)
    rows = (
        await DeliveryRow.select()
        .where(condition)
        .order_by(DeliveryRow.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    attempts = (
        await AttemptRow.select()
        .where(AttemptRow.delivery_id.is_in([r["public_id"] for r in rows] or [""]))
        .order_by(AttemptRow.id)
    )
    by_delivery: dict[str, list[Attempt]] = {}
    for a in attempts:
        by_delivery.setdefault(a["delivery_id"], []).append(
            Attempt(
                at=iso_utc(a["at"]),
                ok=bool(a["ok"]),
                status_code=a["status_code"],
                error=a["error"],
                duration_ms=a["duration_ms"],
            )
        )
    total = await DeliveryRow.count().where(condition)
    return DeliveryPage(
        items=tuple(_view(r, tuple(by_delivery.get(r["public_id"], ()))) for r in rows),
        total=total,
        limit=limit,
        offset=offset,
    )


async def redeliver(actor: Actor, subscription_id: str, delivery_id: str) -> Delivery:
    """Send a delivered or failed message again, with the same webhook-id (receivers
    deduplicate by it), queued after the subscription's pending ones."""
    require_employer(actor)
    now = utc_now()
    async with write_transaction():
        sub = await _row(actor, subscription_id)
        if sub["ended_at"] is not None:
            raise ConflictError(f"subscription {subscription_id} has ended")
        row = None
        if _DELIVERY_ID.fullmatch(delivery_id):
            row = (
                await DeliveryRow.select()
                .where(
                    (DeliveryRow.public_id == delivery_id)
                    & (DeliveryRow.subscription_id == subscription_id)
                )
                .first()
            )
        if row is None:
            raise NotFoundError(f"delivery {delivery_id} does not exist")
        if row["status"] == "pending":
            raise ConflictError(f"delivery {delivery_id} is still pending; it will be retried")
        public_id, _ = new_delivery_ids()
        await DeliveryRow.insert(
            DeliveryRow(
                public_id=public_id,
                message_id=row["message_id"],
                subscription_id=subscription_id,
                account_id=row["account_id"],
                event_id=row["event_id"],
                kind=row["kind"],
                log_index=row["log_index"],
                status="pending",
                attempts=0,
                next_attempt_at=now,
                window_start=now,
                created_at=now,
            )
        ).run()
        fresh = await DeliveryRow.select().where(DeliveryRow.public_id == public_id).first()
        assert fresh is not None
        return _view(fresh)
