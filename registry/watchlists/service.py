"""Employers' watchlists: named lists of providers and certificates, each employer's own.

Another account's watchlist does not exist as far as the caller is concerned
(`NotFoundError`, as other people's applications are). An entry names a provider (whatever
certificates it holds, now and later) or one certificate; it is added by certificate code,
by registry id (RMP-...), or by a provider id picked from a search result.

`watchers` and `items` are what the notification outbox asks: who watches a change, and
what a watchlist-scoped webhook covers.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, Final

from msgspec import Struct

from registry import countries as cc
from registry import search_terms as st
from registry.accounts import Actor, Role
from registry.certificates.codes import normalise_code
from registry.certificates.tables import CertificateRow
from registry.clock import iso_utc, utc_now
from registry.db.database import write_transaction
from registry.db.races import unique_violation_raises
from registry.db.tables import ProviderRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.watchlists.standing import Standing, of_certificates, of_providers
from registry.watchlists.tables import WatchlistItemRow, WatchlistRow

MAX_WATCHLISTS: Final = 50
MAX_ITEMS: Final = 5_000  # a supplier list's limit: one list fits in one watchlist


class Watcher(Struct, frozen=True, kw_only=True):
    account_id: str
    watchlist_id: str


class Watchlist(Struct, frozen=True, kw_only=True):
    id: str
    name: str
    created_at: str
    items: int


class Item(Struct, frozen=True, kw_only=True):
    """An entry with what the register says of it today."""

    id: str
    provider_id: str
    certificate_id: str | None  # None: the provider, whichever certificate it holds
    label: str | None
    added_at: str
    standing: Standing | None  # None only if the provider is gone (never, today)


def _own(actor: Actor) -> str:
    if actor.role is not Role.EMPLOYER:
        raise ForbiddenError("watchlists are for employer accounts")
    return actor.account_id


async def _row(actor: Actor, watchlist_id: str) -> dict[str, Any]:
    row = (
        await WatchlistRow.select()
        .where((WatchlistRow.public_id == watchlist_id) & (WatchlistRow.account_id == _own(actor)))
        .first()
    )
    if row is None:
        raise NotFoundError(f"watchlist {watchlist_id} does not exist")
    return row


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 100:
        raise InvalidRequestError("a watchlist's name has 1 to 100 characters", field="name")
    return name


async def _count(watchlist_id: str) -> int:
    return int(await WatchlistItemRow.count().where(WatchlistItemRow.watchlist_id == watchlist_id))


async def create(actor: Actor, name: str) -> Watchlist:
    account = _own(actor)
    name = _name(name)
    public_id = f"wl_{secrets.token_hex(8)}"
    now = utc_now()
    taken = ConflictError(f"you already have a watchlist called {name!r}", field="name")
    async with unique_violation_raises(taken), write_transaction():
        mine = await WatchlistRow.count().where(WatchlistRow.account_id == account)
        if mine >= MAX_WATCHLISTS:
            raise ConflictError(f"an account may keep at most {MAX_WATCHLISTS} watchlists")
        await WatchlistRow.insert(
            WatchlistRow(
                public_id=public_id,
                account_id=account,
                name=name,
                slot=f"{account}|{cc.normalise_name(name)}"[:160],
                created_at=now,
            )
        ).run()
    return Watchlist(id=public_id, name=name, created_at=iso_utc(now), items=0)


async def list_own(actor: Actor) -> list[Watchlist]:
    rows = (
        await WatchlistRow.select()
        .where(WatchlistRow.account_id == _own(actor))
        .order_by(WatchlistRow.id)
    )
    return [
        Watchlist(
            id=r["public_id"],
            name=r["name"],
            created_at=iso_utc(r["created_at"]),
            items=await _count(r["public_id"]),
        )
        for r in rows
    ]


async def get(actor: Actor, watchlist_id: str) -> tuple[Watchlist, list[Item]]:
    row = await _row(actor, watchlist_id)
    entries = (
        await WatchlistItemRow.select()
        .where(WatchlistItemRow.watchlist_id == watchlist_id)
        .order_by(WatchlistItemRow.id)
    )
    providers = await of_providers(e["provider_id"] for e in entries if e["certificate_id"] is None)
    certs = await of_certificates(e["certificate_id"] for e in entries if e["certificate_id"])
    items = [
        Item(
            id=e["public_id"],
            provider_id=e["provider_id"],
            certificate_id=e["certificate_id"],
            label=e["label"],
            added_at=iso_utc(e["added_at"]),
            standing=certs.get(e["certificate_id"])
            if e["certificate_id"]
            else providers.get(e["provider_id"]),
        )
        for e in entries
    ]
    view = Watchlist(
        id=str(row["public_id"]),
        name=str(row["name"]),
        created_at=iso_utc(row["created_at"]),
        items=len(items),
    )
    return view, items


async def delete(actor: Actor, watchlist_id: str) -> None:
    async with write_transaction():
        await _row(actor, watchlist_id)
        await WatchlistItemRow.delete().where(WatchlistItemRow.watchlist_id == watchlist_id)
        await WatchlistRow.delete().where(WatchlistRow.public_id == watchlist_id)


async def resolve(ref: str) -> tuple[str, str | None]:
    """(provider id, certificate id or None) of a certificate code or a registry id."""
    text = ref.strip()
    if provider_id := st.provider_id_in(text):
        if not await ProviderRow.exists().where(ProviderRow.public_id == provider_id):
            raise NotFoundError(f"no provider has the registry id {provider_id}")
        return provider_id, None
    if code := normalise_code(text):
        row = (
            await CertificateRow.select(CertificateRow.public_id, CertificateRow.provider_id)
            .where(CertificateRow.code == code)
            .first()
        )
        if row is None:
            raise NotFoundError(f"no certificate has the code {code}")
        return row["provider_id"], row["public_id"]
    raise InvalidRequestError(
        f"{text[:64]!r} is neither a certificate code (RM-XXXX-XXXX) nor a registry id "
        "(RMP-XXXXXXXX)",
        field="ref",
    )


async def add(actor: Actor, watchlist_id: str, ref: str, *, label: str | None = None) -> Item:
    """Add a provider or certificate; adding what is already there is a conflict."""
    provider_id, certificate_id = await resolve(ref)
    added = await add_many(actor, watchlist_id, [(provider_id, certificate_id, label)])
    if not added:
        what = (
            certificate_id and f"certificate {ref.strip().upper()}"
        ) or f"provider {provider_id}"
        raise ConflictError(f"{what} is already on this watchlist", field="ref")
    _, items = await get(actor, watchlist_id)
    return next(i for i in items if i.id == added[0])


async def add_many(
    actor: Actor, watchlist_id: str, entries: Sequence[tuple[str, str | None, str | None]]
) -> list[str]:
    """Add (provider, certificate or None, label) entries, skipping those already there, in
    one transaction. Returns the new entries' ids."""
    made: list[str] = []
    now = utc_now()
    async with write_transaction():
        await _row(actor, watchlist_id)
        existing = {
            r["slot"]
            for r in await WatchlistItemRow.select(WatchlistItemRow.slot).where(
                WatchlistItemRow.watchlist_id == watchlist_id
            )
        }
        if len(existing) + len(entries) > MAX_ITEMS:
            raise ConflictError(f"a watchlist may hold at most {MAX_ITEMS} entries")
        for provider_id, certificate_id, label in entries:
            slot = f"{watchlist_id}|{provider_id}|{certificate_id or '-'}"
            if slot in existing:
                continue
            existing.add(slot)
            public_id = f"wli_{secrets.token_hex(8)}"
            await WatchlistItemRow.insert(
                WatchlistItemRow(
                    public_id=public_id, watchlist_id=watchlist_id, provider_id=provider_id,
                    certificate_id=certificate_id, slot=slot,
                    label=(label or None) and str(label)[:200], added_at=now,
                )
            ).run()  # fmt: skip
            made.append(public_id)
    return made


async def remove(actor: Actor, watchlist_id: str, item_id: str) -> None:
    async with write_transaction():
        await _row(actor, watchlist_id)
        row = (
            await WatchlistItemRow.select(WatchlistItemRow.id)
            .where(
                (WatchlistItemRow.public_id == item_id)
                & (WatchlistItemRow.watchlist_id == watchlist_id)
            )
            .first()
        )
        if row is None:
            raise NotFoundError(f"entry {item_id} is not on watchlist {watchlist_id}")
        await WatchlistItemRow.delete().where(WatchlistItemRow.id == row["id"])


# --- for the notification outbox ---------------------------------------------------------


async def watchers(certificate_id: str | None, provider_id: str) -> list[Watcher]:
    """Which employers' watchlists cover a change of this certificate (or, with None, of
    this provider): those listing the certificate itself or its provider. One per
    watchlist, in a stable order."""
    clause: Any = (WatchlistItemRow.provider_id == provider_id) & (
        WatchlistItemRow.certificate_id.is_null()
    )
    if certificate_id is not None:
        clause = clause | (WatchlistItemRow.certificate_id == certificate_id)
    lists = sorted(
        {
            r["watchlist_id"]
            for r in await WatchlistItemRow.select(WatchlistItemRow.watchlist_id).where(clause)
        }
    )
    if not lists:
        return []
    owners = await WatchlistRow.select(WatchlistRow.public_id, WatchlistRow.account_id).where(
        WatchlistRow.public_id.is_in(lists)
    )
    return sorted(
        (Watcher(account_id=r["account_id"], watchlist_id=r["public_id"]) for r in owners),
        key=lambda w: (w.account_id, w.watchlist_id),
    )


async def items(watchlist_id: str) -> tuple[list[str], list[str]]:
    """(provider ids, certificate ids) a watchlist lists: a provider entry covers all its
    certificates; a certificate entry that one only."""
    rows = await WatchlistItemRow.select(
        WatchlistItemRow.provider_id, WatchlistItemRow.certificate_id
    ).where(WatchlistItemRow.watchlist_id == watchlist_id)
    providers = sorted({r["provider_id"] for r in rows if r["certificate_id"] is None})
    certificates_ = sorted({r["certificate_id"] for r in rows if r["certificate_id"]})
    return providers, certificates_
