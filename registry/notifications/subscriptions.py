"""Employers' subscriptions: webhook endpoints and e-mail alerts, made, read, rotated and
ended by their own account (another account's subscription does not exist for it)."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets as random_ids
from collections.abc import Sequence
from typing import Any, Final

from registry.accounts import Actor, Role, get_account
from registry.clock import iso_utc, utc_now
from registry.db.database import write_transaction
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.notifications import secrets, ssrf
from registry.notifications.records import CreatedWebhook, Subscription
from registry.notifications.tables import SubscriptionRow
from registry.outbox.events import KINDS
from registry.settings import get_settings
from registry.watchlists import service as watchlists_service

MAX_LISTED: Final = 1000  # certificates or providers named by one subscription
MAX_ACTIVE: Final = 20  # live subscriptions per account
ROTATION_OVERLAP: Final = dt.timedelta(hours=24)
_ID: Final = re.compile(r"(whk|eml)_[0-9a-f]{24}")
_REF: Final = re.compile(r"[A-Za-z0-9_.:-]{1,60}")


def _view(row: dict[str, Any]) -> Subscription:
    return Subscription(
        id=row["public_id"],
        channel=row["channel"],
        url=row["url"],
        email=row["email"],
        digest=bool(row["digest"]),
        events=tuple(json.loads(row["events"])),
        certificates=tuple(json.loads(row["certificates"])),
        providers=tuple(json.loads(row["providers"])),
        watchlist=row["watchlist"],
        created_at=iso_utc(row["created_at"]),
        active=row["ended_at"] is None,
        previous_secret_until=iso_utc(row["previous_until"])
        if row["previous_secret_sealed"]
        else None,
    )


def require_employer(actor: Actor) -> None:
    if actor.role is not Role.EMPLOYER:
        raise ForbiddenError("subscriptions are for employer accounts")


def _refs(values: Sequence[str], field: str) -> list[str]:
    if len(values) > MAX_LISTED:
        raise InvalidRequestError(f"{field} may name at most {MAX_LISTED}", field=field)
    for value in values:
        if not _REF.fullmatch(value):
            raise InvalidRequestError(f"{field} holds an invalid id: {value[:60]!r}", field=field)
    return sorted(set(values))


def _events(values: Sequence[str]) -> list[str]:
    unknown = [v for v in values if v not in KINDS]
    if unknown:
        raise InvalidRequestError(
            f"events: unknown {unknown[0][:60]!r}; one of {', '.join(KINDS)}", field="events"
        )
    return sorted(set(values), key=KINDS.index)


async def _row(actor: Actor, subscription_id: str, channel: str | None = None) -> dict[str, Any]:
    """The actor's subscription; NotFoundError when it is not theirs, as if it did not
    exist."""
    row = None
    if _ID.fullmatch(subscription_id):
        row = (
            await SubscriptionRow.select()
            .where(
                (SubscriptionRow.public_id == subscription_id)
                & (SubscriptionRow.account_id == actor.account_id)
            )
            .first()
        )
    if row is None or (channel is not None and row["channel"] != channel):
        raise NotFoundError(f"subscription {subscription_id} does not exist")
    return row


async def _check_room(actor: Actor) -> None:
    live = await SubscriptionRow.count().where(
        (SubscriptionRow.account_id == actor.account_id) & SubscriptionRow.ended_at.is_null()
    )
    if live >= MAX_ACTIVE:
        raise ConflictError(f"an account may have at most {MAX_ACTIVE} live subscriptions")


def _scope_columns(
    events: Sequence[str],
    certificates: Sequence[str],
    providers: Sequence[str],
    watchlist: str | None,
) -> dict[str, Any]:
    if watchlist is not None and (certificates or providers):
        raise InvalidRequestError(
            "name either a watchlist or certificates and providers, not both", field="watchlist"
        )
    if watchlist is not None and not _REF.fullmatch(watchlist):
        raise InvalidRequestError("watchlist must be a watchlist id", field="watchlist")
    return {
        "events": json.dumps(_events(events)),
        "certificates": json.dumps(_refs(certificates, "certificates")),
        "providers": json.dumps(_refs(providers, "providers")),
        "watchlist": watchlist,
    }


async def _own_watchlist(actor: Actor, watchlist: str | None) -> None:
    """A subscription may follow only its own account's watchlist: another's is refused as
    if it did not exist."""
    if watchlist is None:
        return
    try:
        await watchlists_service.get(actor, watchlist)
    except NotFoundError:
        raise InvalidRequestError(
            f"watchlist {watchlist} is not one of yours", field="watchlist"
        ) from None


async def create_webhook(
    actor: Actor,
    *,
    url: str,
    events: Sequence[str] = (),
    certificates: Sequence[str] = (),
    providers: Sequence[str] = (),
    watchlist: str | None = None,
) -> CreatedWebhook:
    """A new endpoint and its secret, shown this once."""
    require_employer(actor)
    columns = _scope_columns(events, certificates, providers, watchlist)
    await _own_watchlist(actor, watchlist)
    url = await ssrf.check_url(url, allow_private=get_settings().webhook_allow_private)
    public_id = "whk_" + random_ids.token_hex(12)
    secret = secrets.new_secret()
    async with write_transaction():
        await _check_room(actor)
        await SubscriptionRow.insert(
            SubscriptionRow(
                public_id=public_id,
                account_id=actor.account_id,
                channel="webhook",
                url=url,
                secret_sealed=secrets.seal(secret, public_id),
                created_at=utc_now(),
                **columns,
            )
        ).run()
    return CreatedWebhook(webhook=_view(await _row(actor, public_id)), secret=secret)


async def create_email(
    actor: Actor,
    *,
    digest: bool,
    events: Sequence[str] = (),
    certificates: Sequence[str] = (),
    providers: Sequence[str] = (),
    watchlist: str | None = None,
) -> Subscription:
    """E-mail alerts (one message per event) or a daily digest, to the account's address."""
    require_employer(actor)
    columns = _scope_columns(events, certificates, providers, watchlist)
    await _own_watchlist(actor, watchlist)
    account = await get_account(actor.account_id)
    if not account.email:
        raise InvalidRequestError("the account has no e-mail address", field="email")
    public_id = "eml_" + random_ids.token_hex(12)
    async with write_transaction():
        await _check_room(actor)
        await SubscriptionRow.insert(
            SubscriptionRow(
                public_id=public_id,
                account_id=actor.account_id,
                channel="email",
                email=account.email,
                digest=digest,
                created_at=utc_now(),
                **columns,
            )
        ).run()
    return _view(await _row(actor, public_id))


async def list_subscriptions(actor: Actor, channel: str) -> list[Subscription]:
    require_employer(actor)
    rows = (
        await SubscriptionRow.select()
        .where(
            (SubscriptionRow.account_id == actor.account_id)
            & (SubscriptionRow.channel == channel)
            & SubscriptionRow.ended_at.is_null()
        )
        .order_by(SubscriptionRow.id)
    )
    return [_view(row) for row in rows]


async def get_subscription(actor: Actor, subscription_id: str, channel: str) -> Subscription:
    require_employer(actor)
    return _view(await _row(actor, subscription_id, channel))


async def end(actor: Actor, subscription_id: str, channel: str) -> None:
    """Delete: nothing more is fanned out to it; what is pending is dropped as failed."""
    require_employer(actor)
    async with write_transaction():
        row = await _row(actor, subscription_id, channel)
        if row["ended_at"] is None:
            await _end(row["public_id"], "deleted")


async def _end(subscription_id: str, how: str) -> None:
    from registry.notifications.deliveries import drop_pending  # same package, no cycle

    await SubscriptionRow.update(
        {SubscriptionRow.ended_at: utc_now(), SubscriptionRow.ended_how: how}
    ).where(SubscriptionRow.public_id == subscription_id)
    await drop_pending(subscription_id, f"subscription {how}")


async def rotate(actor: Actor, subscription_id: str) -> CreatedWebhook:
    """A new secret, shown once; the previous one keeps signing beside it for
    ROTATION_OVERLAP, so the receiver can switch without losing a message."""
    require_employer(actor)
    secret = secrets.new_secret()
    async with write_transaction():
        row = await _row(actor, subscription_id, "webhook")
        if row["ended_at"] is not None:
            raise ConflictError(f"webhook {subscription_id} was deleted")
        await SubscriptionRow.update(
            {
                SubscriptionRow.secret_sealed: secrets.seal(secret, subscription_id),
                SubscriptionRow.previous_secret_sealed: row["secret_sealed"],
                SubscriptionRow.previous_until: utc_now() + ROTATION_OVERLAP,
            }
        ).where(SubscriptionRow.public_id == subscription_id)
    return CreatedWebhook(webhook=_view(await _row(actor, subscription_id)), secret=secret)


def signing_secrets(row: dict[str, Any], now: dt.datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the previous one during
    the rotation's overlap."""
    found = [secrets.unseal(row["secret_sealed"], row["public_id"])]
    if row["previous_secret_sealed"] and row["previous_until"] and now < row["previous_until"]:
        found.append(secrets.unseal(row["previous_secret_sealed"], row["public_id"]))
    return found


async def unsubscribe_target(token: str) -> dict[str, Any]:
    """The e-mail subscription an unsubscribe token names (NotFoundError if forged)."""
    subscription_id = secrets.subscription_of_token(token)
    row = None
    if subscription_id is not None:
        row = (
            await SubscriptionRow.select()
            .where(
                (SubscriptionRow.public_id == subscription_id)
                & (SubscriptionRow.channel == "email")
            )
            .first()
        )
    if row is None:
        raise NotFoundError("this unsubscribe link is not valid")
    return row


async def unsubscribe(token: str) -> dict[str, Any]:
    """One-click unsubscribe (RFC 8058): no sign-in, the token is the proof. Idempotent."""
    async with write_transaction():
        row = await unsubscribe_target(token)
        if row["ended_at"] is None:
            await _end(row["public_id"], "unsubscribed")
    return row
