"""Persistence of the transparency log.

- `log_head`: one row per log, `size` the number of entries. Appends increment it with
  `UPDATE ... RETURNING`: on PostgreSQL that row lock serialises concurrent appends until
  their transactions end, so indexes are distinct and gap-free (a rollback undoes the
  increment); SQLite already serialises writers (IMMEDIATE transactions).
- `log_entries`: the canonical JSON of each entry, by index.
- `log_subtrees`: the hash of every complete subtree, keyed by `node = level << 40 | index`
  (one indexed integer instead of a composite key). Proofs read O(log n) of them.
- `log_checkpoints`: every signed checkpoint; `size` is unique so a size is signed once.
- `log_keys`: the log's own Ed25519 note key, encrypted like the signing keys.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class LogHeadRow(Table, tablename="log_head"):
    id: Serial
    name = Varchar(length=32, unique=True)
    size = BigInt(default=0)


class LogEntryRow(Table, tablename="log_entries"):
    id: Serial
    position = BigInt(unique=True)  # the entry index ("index" is an SQL keyword)
    kind = Varchar(length=40, index=True)
    entry = Text()  # RFC 8785 canonical JSON, hashed as UTF-8 bytes
    recorded_at = Timestamptz()


class LogSubtreeRow(Table, tablename="log_subtrees"):
    id: Serial
    node = BigInt(unique=True)  # level << 40 | index
    hash = Varchar(length=64)  # hex


class LogCheckpointRow(Table, tablename="log_checkpoints"):
    id: Serial
    size = BigInt(unique=True)
    root_hash = Varchar(length=64)  # hex
    note = Text()  # the signed note, verbatim
    key_id = Varchar(length=40)  # log_keys.public_id
    signed_at = Timestamptz()


class LogKeyRow(Table, tablename="log_keys"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # lkey_...
    name = Varchar(length=200)  # the note key name (the log origin)
    public_key = Varchar(length=64)  # base64 of the 32 raw bytes
    encrypted_private_key = Text()  # an encrypted OpenSSH private key (registry.signing.keys)
    state = Varchar(length=16)  # active | retired
    active_slot = Varchar(length=8, null=True, default=None, unique=True)
    created_at = Timestamptz()
