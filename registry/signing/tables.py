"""Persistence of the registry's signing keys.

Rows are never deleted: a retired or compromised key stays listed in the DID document so
that what it signed can still be checked. `active_slot` is "active" on the one active key and
NULL on every other: its unique index lets the database itself refuse a second active key
when two rotations race (NULLs never collide, on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from piccolo.columns import Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class SigningKeyRow(Table, tablename="signing_keys"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # key_...
    public_key_multibase = Varchar(length=64, unique=True)  # z6Mk...
    encrypted_private_key = Text()  # an encrypted OpenSSH private key (registry.signing.keys)
    state = Varchar(length=16)  # active | retired | compromised
    active_slot = Varchar(length=8, null=True, default=None, unique=True)
    created_at = Timestamptz()
    created_by = Varchar(length=64)
    retired_at = Timestamptz(null=True, default=None)
    compromised_at = Timestamptz(null=True, default=None)
    compromise_reason = Text(null=True, default=None)
    compromised_by = Varchar(length=64, null=True, default=None)
