"""Employers sign themselves up: an e-mail with a single-use, expiring link, and the account
with its API token when the link is opened.

An employer needs no approval: it watches public data only. What guards the channel:

- **no account enumeration**: `request_sign_up` does the same thing, and the caller answers
  the same, whether or not the address already has an account (the e-mail itself differs:
  it is read only by the address's owner). Confirming for an address that has an employer
  account gives that account a new token instead of a second account;
- **single use, expiring**: the link carries 256 random bits; only their SHA-256 is stored;
  confirming marks the row used inside the transaction that creates the account;
- **throttled**: at most `PER_ADDRESS_PER_DAY` e-mails to one address a day (counted by a
  hash of the address), beyond the per-client rate limit of the HTTP edge;
- **no address in logs**: log lines name the sign-up's id, never the address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Final
from urllib.parse import quote

import structlog

from registry import accounts, mail
from registry.accounts import Account, Role, Token
from registry.clock import utc_now
from registry.db.database import write_transaction
from registry.db.tables import AccountRow
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.settings import get_settings
from registry.urls import public_base
from registry.watchlists.tables import EmployerSignUpRow

LINK_HOURS: Final = 24
PER_ADDRESS_PER_DAY: Final = 3
CONFIRM_PATH: Final = "/employers/confirm"
_log = structlog.get_logger("rightsmark.employers")


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def confirm_url(secret: str) -> str:
    """The link in the e-mail: the secret in the query string, which access logs omit."""
    return f"{public_base()}{CONFIRM_PATH}?key={quote(secret, safe='')}"


def _check(name: str, organisation: str, email: str) -> tuple[str, str, str]:
    name, organisation, email = name.strip(), organisation.strip(), email.strip()
    for field, value in (("name", name), ("organisation", organisation)):
        if not value or len(value) > 200:
            raise InvalidRequestError(f"the {field} must have 1 to 200 characters", field=field)
    local, at, domain = email.rpartition("@")
    if (
        not at
        or not local
        or "." not in domain
        or len(email) > 320
        or any(c.isspace() for c in email)
    ):
        raise InvalidRequestError("this is not an e-mail address", field="email")
    return name, organisation, email


def _message(to: str, name: str, url: str, existing: bool) -> EmailMessage:
    what = (
        "This address already has an employer account. Opening the link gives it a new API "
        "token (the old ones keep working until they expire or are revoked)."
        if existing
        else "Opening the link creates your employer account and shows its API token once."
    )
    text = (
        f"Hello {name},\n\n"
        f"someone (we hope you) asked for an employer account at the Rightsmark registry with "
        f"this address. {what}\n\n"
        f"{url}\n\n"
        f"The link works once and for {LINK_HOURS} hours. If you did not ask for this, ignore "
        f"this e-mail: nothing happens without the link.\n"
    )
    return mail.compose(to=to, subject="Confirm your Rightsmark employer account", text=text)


async def request_sign_up(*, name: str, organisation: str, email: str) -> None:
    """Record a sign-up and send its confirmation e-mail; silently nothing more when the
    address had its share today. Returns the same (nothing) in every case."""
    name, organisation, email = _check(name, organisation, email)
    key = email_key(email)
    now = utc_now()
    secret = secrets.token_urlsafe(32)
    async with write_transaction():
        recent = await EmployerSignUpRow.count().where(
            (EmployerSignUpRow.email_key == key)
            & (EmployerSignUpRow.created_at > now - dt.timedelta(days=1))
        )
        if recent >= PER_ADDRESS_PER_DAY:
            _log.info("employer sign-up throttled", per_address_per_day=PER_ADDRESS_PER_DAY)
            return
        public_id = f"sgn_{secrets.token_hex(8)}"
        await EmployerSignUpRow.insert(
            EmployerSignUpRow(
                public_id=public_id,
                secret_hash=_secret_hash(secret),
                email=email,
                email_key=key,
                name=name,
                organisation=organisation,
                created_at=now,
                expires_at=now + dt.timedelta(hours=LINK_HOURS),
            )
        ).run()
    existing = await _employer_account(email) is not None
    try:
        await mail.send(_message(email, name, confirm_url(secret), existing))
    except mail.MailError as exc:  # the caller still answers the same; the operator sees it
        _log.error("employer sign-up e-mail not sent", sign_up=public_id, error=str(exc))
        return
    _log.info("employer sign-up e-mail sent", sign_up=public_id)


@dataclass(frozen=True, slots=True)
class PendingSignUp:
    """What the confirmation page shows before the button is pressed."""

    name: str
    organisation: str


async def _pending(secret: str) -> dict[str, object]:
    if not secret or len(secret) > 100:
        raise NotFoundError("this confirmation link is not valid")
    row = (
        await EmployerSignUpRow.select()
        .where(EmployerSignUpRow.secret_hash == _secret_hash(secret))
        .first()
    )
    if row is None:
        raise NotFoundError("this confirmation link is not valid")
    if row["used_at"] is not None:
        raise ConflictError("this confirmation link was used already; sign up again for a new one")
    if row["expires_at"] <= utc_now():
        raise ConflictError("this confirmation link has expired; sign up again for a new one")
    return row


async def pending(secret: str) -> PendingSignUp:
    """The sign-up a link names, if it can still be confirmed (NotFound / Conflict if not).
    Reading changes nothing: mail scanners that open links must not use them up."""
    row = await _pending(secret)
    return PendingSignUp(name=str(row["name"]), organisation=str(row["organisation"]))


async def confirm(secret: str) -> tuple[Account, str, Token]:
    """Use the link: create the employer account (or give the address's employer account a
    new token) and mark the link used, in one transaction. The token is returned once."""
    ttl = get_settings().token_ttl_days
    async with write_transaction():
        row = await _pending(secret)
        existing = await _employer_account(str(row["email"]))
        if existing is not None and not existing.active:
            raise ConflictError(
                "the employer account of this address was revoked; ask the secretariat"
            )
        if existing is None:
            account, token, details = await accounts.create_account(
                name=f"{row['name']} ({row['organisation']})",
                role=Role.EMPLOYER,
                email=str(row["email"]),
                actor="self-sign-up",
                ttl_days=ttl,
            )
        else:
            account = existing
            token, details = await accounts.issue_token(account.id, label="sign-up", ttl_days=ttl)
        await EmployerSignUpRow.update(
            {EmployerSignUpRow.used_at: utc_now(), EmployerSignUpRow.account_id: account.id}
        ).where(EmployerSignUpRow.id == row["id"])
    _log.info("employer sign-up confirmed", sign_up=row["public_id"], account=account.id)
    return account, token, details


async def _employer_account(email: str) -> Account | None:
    wanted = email.strip().lower()
    rows = (
        await AccountRow.select(AccountRow.public_id, AccountRow.email)
        .where(AccountRow.role == Role.EMPLOYER.value)
        .order_by(AccountRow.id)
    )
    for row in rows:
        if (row["email"] or "").strip().lower() == wanted:
            return await accounts.get_account(row["public_id"])
    return None
