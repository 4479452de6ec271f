"""The delivery worker: fan out, claim, deliver, record; safe with several at once.

One pass (`run_once`) fans the outbox out, then claims work with a lease and delivers it,
until nothing is due. Claims take only the *head* of each subscription's queue (its oldest
pending delivery) and the pending ones right behind it, so a subscription's deliveries go
out one after another in fan-out order: a receiver that is down holds its queue at the
failed head, retried with backoff (`registry.notifications.retry`), and gets the rest in
order once it answers again. Other subscriptions are not held up by it.

Several workers (the `serve` processes, `rightsmark deliver` elsewhere): on PostgreSQL the
claim locks rows with `FOR UPDATE SKIP LOCKED` and keeps, per subscription, only an unbroken
run from the head, so two workers never split one queue; on SQLite the claim is one
`BEGIN IMMEDIATE` transaction, which the single writer lock serialises. A lease
(`leased_until`) makes a claim expire when its worker dies: the next worker retries it.
Delivery is therefore at least once; receivers deduplicate by `webhook-id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from registry import mail
from registry.clock import utc_now
from registry.db.database import write_transaction
from registry.notifications import email, retry
from registry.notifications.deliveries import fan_out
from registry.notifications.signing import headers as signed_headers
from registry.notifications.ssrf import PinnedTransport, UnsafeAddressError
from registry.notifications.subscriptions import signing_secrets
from registry.notifications.tables import AttemptRow, DeliveryRow, SubscriptionRow
from registry.outbox.tables import OutboxRow
from registry.settings import get_settings

log = logging.getLogger("rightsmark.notifications")

SUBSCRIPTIONS_PER_CLAIM: Final = 32
RUN_LENGTH: Final = 20  # deliveries claimed behind one head
DIGEST_LENGTH: Final = 500  # events in one digest
LEASE_SLACK: Final = dt.timedelta(seconds=5)
MAX_ROUNDS: Final = 200  # claims per pass, so one pass ends even under a steady stream
MAX_ERROR: Final = 300


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


@dataclass
class Claimed:
    subscription: dict[str, Any]
    deliveries: list[dict[str, Any]]


@dataclass
class Pass:
    """What one pass did."""

    fanned_out: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def idle(self) -> bool:
        return not (self.fanned_out or self.delivered or self.retrying or self.failed)


async def _heads(now: dt.datetime) -> list[int]:
    """The oldest pending delivery of each subscription, where it is due and not leased."""
    rows = await DeliveryRow.raw(
        "SELECT MIN(id) AS head FROM notification_deliveries WHERE status = 'pending' "
        "GROUP BY subscription_id"
    ).run()
    ids = [int(r["head"]) for r in rows]
    if not ids:
        return []
    due = (
        await DeliveryRow.select(DeliveryRow.id)
        .where(
            DeliveryRow.id.is_in(ids)
            & (DeliveryRow.next_attempt_at <= now)
            & (DeliveryRow.leased_until.is_null() | (DeliveryRow.leased_until < now))
        )
        .order_by(DeliveryRow.id)
        .limit(SUBSCRIPTIONS_PER_CLAIM)
    )
    return [int(r["id"]) for r in due]


async def _lockable(ids: list[int], now: dt.datetime) -> set[int]:
    """PostgreSQL: the rows no other worker is claiming right now (row locks, skipped when
    held). SQLite: all of them (this transaction is the only writer)."""
    if not get_settings().is_postgres:
        return set(ids)
    rows = await DeliveryRow.raw(
        "SELECT id FROM notification_deliveries WHERE id = ANY({}) AND status = 'pending' "
        "AND (leased_until IS NULL OR leased_until < {}) FOR UPDATE SKIP LOCKED",
        ids,
        now,
    ).run()
    return {int(r["id"]) for r in rows}


async def claim(now: dt.datetime, owner: str) -> list[Claimed]:
    """Lease the next runs of deliveries, one run per subscription, each starting at the
    subscription's head."""
    if not await DeliveryRow.exists().where(
        (DeliveryRow.status == "pending") & (DeliveryRow.next_attempt_at <= now)
    ):
        return []  # the common idle case, without taking the write lock
    timeout = dt.timedelta(seconds=get_settings().webhook_timeout_seconds)
    async with write_transaction():
        heads = await _heads(now)
        if not heads:
            return []
        head_rows = await DeliveryRow.select().where(DeliveryRow.id.is_in(heads))
        subs = {
            r["public_id"]: r
            for r in await SubscriptionRow.select().where(
                SubscriptionRow.public_id.is_in([h["subscription_id"] for h in head_rows])
            )
        }
        runs: dict[str, list[dict[str, Any]]] = {}
        for head in sorted(head_rows, key=lambda r: r["id"]):
            sub = subs[head["subscription_id"]]
            length = DIGEST_LENGTH if sub["digest"] else RUN_LENGTH
            rows = (
                await DeliveryRow.select()
                .where(
                    (DeliveryRow.subscription_id == head["subscription_id"])
                    & (DeliveryRow.status == "pending")
                    & (DeliveryRow.id >= head["id"])
                )
                .order_by(DeliveryRow.id)
                .limit(length)
            )
            run = []
            for row in rows:  # an unbroken run of due, free rows from the head
                leased = row["leased_until"] is not None and row["leased_until"] >= now
                if row["next_attempt_at"] > now or leased:
                    break
                run.append(row)
            runs[head["subscription_id"]] = run
        locked = await _lockable([r["id"] for run in runs.values() for r in run], now)
        claimed: list[Claimed] = []
        for subscription_id, run in runs.items():
            kept = []
            for row in run:  # stop at the first row another worker holds
                if row["id"] not in locked:
                    break
                kept.append(row)
            if not kept:
                continue
            per_row = 1 if subs[subscription_id]["digest"] else len(kept)
            until = now + timeout * per_row + LEASE_SLACK
            await DeliveryRow.update(
                {DeliveryRow.leased_until: until, DeliveryRow.lease_owner: owner}
            ).where(DeliveryRow.id.is_in([r["id"] for r in kept]))
            claimed.append(Claimed(subs[subscription_id], kept))
        return claimed


async def _payloads(claimed: list[Claimed]) -> dict[str, str]:
    ids = sorted({d["event_id"] for c in claimed for d in c.deliveries})
    rows = await OutboxRow.select(OutboxRow.public_id, OutboxRow.payload).where(
        OutboxRow.public_id.is_in(ids)
    )
    return {r["public_id"]: r["payload"] for r in rows}


@dataclass(frozen=True)
class Result:
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int


async def record(
    outcomes: list[tuple[dict[str, Any], Result]], now: dt.datetime, tally: Pass
) -> None:
    """The attempts' outcomes, in one transaction (one commit for a run of deliveries):
    delivered; or retried later; or, past the retry window, failed. Released from the lease
    either way. A worker killed before this commit has its run sent again: at least once."""
    if not outcomes:
        return
    async with write_transaction():
        for row, result in outcomes:
            await _record_one(row, result, now, tally)


async def _record_one(row: dict[str, Any], result: Result, now: dt.datetime, tally: Pass) -> None:
    attempts = int(row["attempts"]) + 1
    values: dict[Any, Any] = {
        DeliveryRow.attempts: attempts,
        DeliveryRow.leased_until: None,
        DeliveryRow.lease_owner: None,
        DeliveryRow.last_status_code: result.status_code,
        DeliveryRow.last_error: result.error,
    }
    if result.ok:
        values |= {DeliveryRow.status: "delivered", DeliveryRow.delivered_at: now}
        tally.delivered += 1
    else:
        again = retry.next_attempt(attempts, row["window_start"], now)
        if again is None:
            values[DeliveryRow.status] = "failed"
            tally.failed += 1
        else:
            values[DeliveryRow.next_attempt_at] = again
            tally.retrying += 1
    await DeliveryRow.update(values).where(
        (DeliveryRow.id == row["id"]) & (DeliveryRow.status == "pending")
    )
    await AttemptRow.insert(
        AttemptRow(
            delivery_id=row["public_id"],
            at=now,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
            ok=result.ok,
        )
    ).run()


async def _release(rows: list[dict[str, Any]]) -> None:
    if rows:
        async with write_transaction():
            await DeliveryRow.update(
                {DeliveryRow.leased_until: None, DeliveryRow.lease_owner: None}
            ).where(DeliveryRow.id.is_in([r["id"] for r in rows]))


async def post_webhook(
    client: httpx.AsyncClient, sub: dict[str, Any], row: dict[str, Any], body: str
) -> Result:
    started = time.monotonic()
    try:
        sent_at = utc_now()  # the receiver checks the timestamp against its own clock
        secrets = signing_secrets(sub, sent_at)
        response = await client.post(
            sub["url"],
            content=body.encode(),
            headers=signed_headers(secrets, row["message_id"], sent_at, body),
        )
        ok = 200 <= response.status_code < 300
        error = None if ok else f"the receiver answered {response.status_code}"
        return Result(ok, response.status_code, error, _ms(started))
    except UnsafeAddressError as exc:
        return Result(False, None, f"refused: {exc}"[:MAX_ERROR], _ms(started))
    except httpx.HTTPError as exc:
        return Result(False, None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR], _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


async def _deliver_run(
    c: Claimed, payloads: dict[str, str], client: httpx.AsyncClient, now: dt.datetime, tally: Pass
) -> None:
    sub = c.subscription
    if sub["channel"] == "email" and sub["digest"]:
        started = time.monotonic()
        message = email.digest(
            sub["email"], sub["public_id"], [payloads[d["event_id"]] for d in c.deliveries]
        )
        result = await _mail(message, started)
        await record([(row, result) for row in c.deliveries], now, tally)
        return
    outcomes: list[tuple[dict[str, Any], Result]] = []
    for index, row in enumerate(c.deliveries):
        body = payloads[row["event_id"]]
        if sub["channel"] == "email":
            started = time.monotonic()
            result = await _mail(email.alert(sub["email"], sub["public_id"], body), started)
        else:
            result = await post_webhook(client, sub, row, body)
        outcomes.append((row, result))
        if not result.ok:  # the rest wait behind it, in order
            await record(outcomes, now, tally)
            await _release(c.deliveries[index + 1 :])
            return
    await record(outcomes, now, tally)


async def _mail(message: Any, started: float) -> Result:
    try:
        await mail.send(message)
    except mail.MailError as exc:
        return Result(False, None, str(exc)[:MAX_ERROR], _ms(started))
    return Result(True, None, None, _ms(started))


def client() -> httpx.AsyncClient:
    settings = get_settings()
    return httpx.AsyncClient(
        transport=PinnedTransport(
            allow_private=settings.webhook_allow_private,
            timeout=settings.webhook_timeout_seconds,
        ),
        timeout=settings.webhook_timeout_seconds,
        follow_redirects=False,
        headers={"user-agent": "Rightsmark-Webhooks/1"},
    )


async def run_once(now: dt.datetime | None = None, owner: str | None = None) -> Pass:
    """Fan out and deliver until nothing is due at `now` (tests drive the clock forward
    through this argument; a worker passes nothing: the real time at each step)."""
    tally = Pass()
    owner = owner or worker_name()
    async with client() as http:
        for _ in range(MAX_ROUNDS):
            when = now or utc_now()
            while True:
                fanned = await fan_out(when)
                tally.fanned_out += fanned
                if not fanned:
                    break
            claimed = await claim(when, owner)
            if not claimed:
                break
            payloads = await _payloads(claimed)
            await asyncio.gather(*(_deliver_run(c, payloads, http, when, tally) for c in claimed))
    return tally


async def run_forever(stop: asyncio.Event, interval: float = 0.5) -> None:
    """Passes until `stop` is set; an error is logged and the next pass tries again."""
    owner = worker_name()
    while not stop.is_set():
        try:
            done = await run_once(owner=owner)
            if done.delivered or done.failed:
                log.info(
                    "notifications delivered=%d retrying=%d failed=%d",
                    done.delivered,
                    done.retrying,
                    done.failed,
                )
        except Exception:  # the worker must outlive any one bad pass
            log.exception("notification delivery pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
