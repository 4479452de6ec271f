"""Accounts, roles and API tokens.

A token is `rm_` + 43 characters of URL-safe randomness (256 bits). Only its SHA-256 is
stored: with that much entropy a salted slow hash adds nothing, and a plain digest lets a
request be authenticated with one indexed look-up. The token itself is shown once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from msgspec import Struct

from registry.clock import iso_utc as _iso
from registry.clock import utc_now as _now
from registry.countries import is_provider_id
from registry.db.database import write_transaction
from registry.db.tables import AccountRow, ApiTokenRow, ProviderRow
from registry.errors import ConflictError, InvalidRequestError, NotFoundError

TOKEN_PREFIX = "rm_"  # noqa: S105 - a recognisable prefix, not a secret
# The stored provider_id of a provider account that has no organisation yet: "pending:" +
# the account's own id. It can never be a registry id (RMP-...), so it names no provider;
# the account registers its organisation itself (`registry.providers.register`) and is
# re-bound to the new registry id in the same transaction.
PENDING_PREFIX = "pending:"


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    AUDITOR = "auditor"
    PROVIDER = "provider"
    # Watches public data (watchlists, webhooks, alerts): needs no approval, sees nothing
    # private of anyone.
    EMPLOYER = "employer"


@dataclass(frozen=True)
class Actor:
    """Who is calling: resolved from a valid token on every authenticated request."""

    account_id: str
    role: Role
    provider_id: str | None
    token_id: str

    @property
    def label(self) -> str:
        """What audit trails record: the role and the account, never the token."""
        return f"{self.role.value}:{self.account_id}"


class Account(Struct, frozen=True, kw_only=True):
    """An account as the secretariat sees it (`api.http.schemas.common.AccountOut`)."""

    id: str  # acc_...
    name: str
    email: str | None
    role: Role
    provider_id: str | None  # a provider account's registry id; None while it has none
    created_at: str
    revoked_at: str | None
    active: bool


TokenState = Literal["active", "expired", "revoked"]


class Token(Struct, frozen=True, kw_only=True):
    """An API token's public facts, never the token or its hash (`TokenOut`)."""

    id: str  # tok_...
    account_id: str
    hint: str  # its first characters and an ellipsis
    label: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    state: TokenState


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _public_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def bound_provider(provider_id: str | None) -> str | None:
    """The registry id a provider account belongs to; None while it has none (a pending
    placeholder, or a free-text value stored before ids were checked)."""
    return provider_id if provider_id and is_provider_id(provider_id) else None


async def _provider_binding(role: Role, provider_id: str | None) -> str | None:
    """The provider_id to store; checked inside the caller's transaction."""
    if role is not Role.PROVIDER:
        if provider_id:
            raise InvalidRequestError(
                "only provider accounts belong to a provider organisation", field="provider_id"
            )
        return None
    if provider_id is None:
        return None  # pending: set to PENDING_PREFIX + the account id by the caller
    if not is_provider_id(provider_id):
        raise InvalidRequestError(
            f"{provider_id!r} is not a registry id (RMP- and 8 characters); leave provider_id "
            "out to let the account register its own organisation",
            field="provider_id",
        )
    if not await ProviderRow.exists().where(ProviderRow.public_id == provider_id).run():
        raise InvalidRequestError(
            f"provider {provider_id} does not exist; register it first, or leave provider_id "
            "out to let the account register its own organisation",
            field="provider_id",
        )
    return provider_id


def _account_view(row: dict[str, Any]) -> Account:
    return Account(
        id=row["public_id"],
        name=row["name"],
        email=row["email"],
        role=Role(row["role"]),
        provider_id=bound_provider(row["provider_id"]),
        created_at=_iso(row["created_at"]),
        revoked_at=_iso(row["revoked_at"]),
        active=row["revoked_at"] is None,
    )


def _token_view(row: dict[str, Any], account_id: str) -> Token:
    now = _now()
    state: TokenState = "active"
    if row["revoked_at"] is not None:
        state = "revoked"
    elif row["expires_at"] <= now:
        state = "expired"
    return Token(
        id=row["public_id"],
        account_id=account_id,
        hint=row["hint"] + "…",
        label=row["label"],
        created_at=_iso(row["created_at"]),
        expires_at=_iso(row["expires_at"]),
        revoked_at=_iso(row["revoked_at"]),
        state=state,
    )


async def _account_row(account_id: str) -> dict[str, Any]:
    row = await AccountRow.select().where(AccountRow.public_id == account_id).first().run()
    if row is None:
        raise NotFoundError(f"account {account_id} does not exist")
    return row


async def _insert_token(account_pk: int, label: str, ttl_days: int) -> tuple[str, dict[str, Any]]:
    token = new_token()
    now = _now()
    row = ApiTokenRow(
        public_id=_public_id("tok"),
        account=account_pk,
        token_hash=hash_token(token),
        hint=token[:8],
        label=label,
        created_at=now,
        expires_at=now + dt.timedelta(days=ttl_days),
    )
    await ApiTokenRow.insert(row).run()
    saved = await ApiTokenRow.select().where(ApiTokenRow.public_id == row.public_id).first().run()
    return token, saved  # type: ignore[return-value]


async def create_account(
    *,
    name: str,
    role: Role,
    actor: str,
    ttl_days: int,
    email: str | None = None,
    provider_id: str | None = None,
) -> tuple[Account, str, Token]:
    """Create an account with its first token. Returns (account, token, token view).

    A provider account names an existing organisation by its registry id (RMP-...), or no
    provider_id at all: it is then pending and may register its own organisation."""
    if role is Role.EMPLOYER and not email:
        # Alerts and digests go to it; an employer account without one could not hear of
        # anything it watches.
        raise InvalidRequestError("an employer account needs an e-mail address", field="email")
    async with write_transaction():
        provider_id = await _provider_binding(role, provider_id)
        public_id = _public_id("acc")
        if role is Role.PROVIDER and provider_id is None:
            provider_id = PENDING_PREFIX + public_id
        await AccountRow.insert(
            AccountRow(
                public_id=public_id,
                name=name,
                email=email,
                role=role.value,
                provider_id=provider_id,
                created_at=_now(),
                created_by=actor,
            )
        ).run()
        row = await _account_row(public_id)
        token, token_row = await _insert_token(row["id"], "initial", ttl_days)
    return _account_view(row), token, _token_view(token_row, public_id)


async def issue_token(account_id: str, *, label: str, ttl_days: int) -> tuple[str, Token]:
    async with write_transaction():
        row = await _account_row(account_id)
        if row["revoked_at"] is not None:
            raise ConflictError(f"account {account_id} is revoked; it cannot get new tokens")
        token, token_row = await _insert_token(row["id"], label, ttl_days)
    return token, _token_view(token_row, account_id)


async def revoke_account(account_id: str) -> Account:
    """Revoke an account and every token it has. Revoking twice is a conflict, not a no-op,
    so the caller learns the first revocation's time from the answer's detail."""
    async with write_transaction():
        row = await _account_row(account_id)
        if row["revoked_at"] is not None:
            raise ConflictError(
                f"account {account_id} was already revoked at {_iso(row['revoked_at'])}"
            )
        now = _now()
        await (
            AccountRow.update({AccountRow.revoked_at: now}).where(AccountRow.id == row["id"]).run()
        )
        await (
            ApiTokenRow.update({ApiTokenRow.revoked_at: now})
            .where((ApiTokenRow.account == row["id"]) & ApiTokenRow.revoked_at.is_null())
            .run()
        )
        return _account_view(await _account_row(account_id))


async def revoke_token(token_id: str) -> Token:
    async with write_transaction():
        row = (
            await ApiTokenRow.select(
                *ApiTokenRow.all_columns(), ApiTokenRow.account.public_id.as_alias("account_public")
            )
            .where(ApiTokenRow.public_id == token_id)
            .first()
            .run()
        )
        if row is None:
            raise NotFoundError(f"token {token_id} does not exist")
        if row["revoked_at"] is not None:
            raise ConflictError(f"token {token_id} is already revoked")
        await (
            ApiTokenRow.update({ApiTokenRow.revoked_at: _now()})
            .where(ApiTokenRow.id == row["id"])
            .run()
        )
        row["revoked_at"] = _now()
        return _token_view(row, row["account_public"])


async def list_accounts(*, role: Role | None = None, limit: int, offset: int) -> list[Account]:
    query = AccountRow.select().order_by(AccountRow.id).limit(limit).offset(offset)
    if role is not None:
        query = query.where(AccountRow.role == role.value)
    return [_account_view(row) for row in await query.run()]


async def get_account(account_id: str) -> Account:
    return _account_view(await _account_row(account_id))


async def list_tokens(account_id: str) -> list[Token]:
    row = await _account_row(account_id)
    tokens = (
        await ApiTokenRow.select()
        .where(ApiTokenRow.account == row["id"])
        .order_by(ApiTokenRow.id)
        .run()
    )
    return [_token_view(token, account_id) for token in tokens]


_TOKEN_ACTOR = (
    ApiTokenRow.public_id,
    ApiTokenRow.expires_at,
    ApiTokenRow.revoked_at,
    ApiTokenRow.account.public_id.as_alias("account_id"),
    ApiTokenRow.account.role.as_alias("role"),
    ApiTokenRow.account.provider_id.as_alias("provider_id"),
    ApiTokenRow.account.revoked_at.as_alias("account_revoked_at"),
)


async def _actor_where(condition: Any) -> Actor | None:
    """The actor of the one token matching `condition`, if it is still good to use."""
    row = await ApiTokenRow.select(*_TOKEN_ACTOR).where(condition).first().run()
    if row is None or row["revoked_at"] is not None or row["account_revoked_at"] is not None:
        return None
    if row["expires_at"] <= _now():
        return None
    return Actor(
        account_id=row["account_id"],
        role=Role(row["role"]),
        provider_id=row["provider_id"],
        token_id=row["public_id"],
    )


async def authenticate(token: str) -> Actor | None:
    """The actor a token stands for, or None when unknown, expired or revoked."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return await _actor_where(ApiTokenRow.token_hash == hash_token(token))


async def actor_of_token(token_id: str, account_id: str) -> Actor | None:
    """The actor of a token named by its public id (a portal session keeps only that),
    re-checked now: None when unknown, of another account, expired or revoked."""
    actor = await _actor_where(ApiTokenRow.public_id == token_id)
    return actor if actor is not None and actor.account_id == account_id else None


async def has_active_secretariat() -> bool:
    count: int = (
        await AccountRow.count()
        .where((AccountRow.role == Role.SECRETARIAT.value) & AccountRow.revoked_at.is_null())
        .run()
    )
    return count > 0
