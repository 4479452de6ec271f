"""Persistence of the registry: accounts and their API tokens."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.table import Table


class AccountRow(Table, tablename="accounts"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # acc_...; never the row number
    name = Varchar(length=200)
    email = Varchar(length=254, null=True, default=None)
    role = Varchar(length=16, index=True)  # secretariat | auditor | provider
    provider_id = Varchar(length=40, null=True, default=None)
    created_at = Timestamptz()
    created_by = Varchar(length=64)
    revoked_at = Timestamptz(null=True, default=None)


class ApiTokenRow(Table, tablename="api_tokens"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # tok_...
    account = ForeignKey(references=AccountRow)
    token_hash = Varchar(length=64, unique=True)  # SHA-256 hex of the whole token
    hint = Varchar(length=16)  # rm_ + first characters, to recognise a token in lists
    label = Varchar(length=100)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
