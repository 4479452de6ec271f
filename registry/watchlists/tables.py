"""Persistence of employers' sign-ups, watchlists and supplier-list checks.

Ids are public ids (text), as elsewhere: watchlists point at accounts, providers and
certificates by their public ids so that the rows read alone in an export. `slot` columns
carry a unique index that makes a duplicate impossible under races (one watchlist name per
account, one entry per provider or certificate in a watchlist).
"""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class EmployerSignUpRow(Table, tablename="employer_sign_ups"):
    """A sign-up waiting for its e-mail to be confirmed. Only the SHA-256 of the link's
    secret is kept (like API tokens: 256 random bits need no slow hash). `email_key` is the
    SHA-256 of the address in lower case: how sign-ups per address are counted without
    reading the addresses. The row is kept once used (`used_at`) so a link works once."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # sgn_...
    secret_hash = Varchar(length=64, unique=True)
    email = Varchar(length=320)
    email_key = Varchar(length=64, index=True)
    name = Varchar(length=200)
    organisation = Varchar(length=200)
    created_at = Timestamptz(index=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    account_id = Varchar(length=40, null=True, default=None)


class WatchlistRow(Table, tablename="watchlists"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # wl_...
    account_id = Varchar(length=40, index=True)
    name = Varchar(length=100)
    slot = Varchar(length=160, unique=True)  # account id | name in search form
    created_at = Timestamptz()


class WatchlistItemRow(Table, tablename="watchlist_items"):
    """A provider (certificate_id None: whatever certificates it holds) or one of its
    certificates on a watchlist."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # wli_...
    watchlist_id = Varchar(length=40, index=True)
    provider_id = Varchar(length=12, index=True)
    certificate_id = Varchar(length=40, null=True, default=None, index=True)
    slot = Varchar(length=100, unique=True)  # watchlist | provider | certificate or "-"
    label = Varchar(length=200, null=True, default=None)  # the name in an uploaded list
    added_at = Timestamptz()


class SupplierCheckRow(Table, tablename="supplier_checks"):
    """A supplier list being checked (a public check) or matched for a watchlist (an
    employer's upload waiting for review). The state lives here, not in a process: a check
    resumes after a restart where it stopped (`done` rows finished)."""

    id: Serial
    public_id = Varchar(length=48, unique=True)  # chk_ + 128 random bits: the job's URL
    account_id = Varchar(length=40, null=True, default=None, index=True)  # an upload's owner
    watchlist_id = Varchar(length=40, null=True, default=None)
    state = Varchar(length=16, index=True)  # queued | done | applied
    total = Integer()
    done = Integer(default=0)
    rows = Text()  # the suppliers as parsed (JSON)
    results = Text(default="[]")  # one object per finished row (JSON), in order
    created_at = Timestamptz()
    updated_at = Timestamptz(index=True)
    expires_at = Timestamptz(index=True)
