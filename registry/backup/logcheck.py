"""Recompute an archived transparency log before anything is written (pure).

The entries are re-hashed from their text into a compact range (`CompactRange`, the
monitor's), so the root at the snapshot and the root at every checkpoint size come from the
entries themselves, not from the archived subtree hashes. Each checkpoint's signature is
checked with the archived log key: a log rewritten after signing cannot match them. The
restored database is checked again, through the stored proofs, by `restore.py`.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.backup.errors import LogMismatchError
from registry.backup.manifest import LogState
from registry.errors import NoteError
from registry.trust import merkle
from registry.trust.signed_note import verifier_key, verify_note
from registry.trust.tlog_entries import entry_leaf_hash
from registry.trust.tlog_monitor import CompactRange


@dataclass(frozen=True)
class ArchivedCheckpoint:
    size: int
    root_hash: str  # hex, as stored
    note: str


def verifier_keys(log_keys: Iterable[tuple[str, str]]) -> list[str]:
    """Verifier key strings from (name, base64 public key) rows of `log_keys`."""
    keys = []
    for name, public_key in log_keys:
        raw = base64.b64decode(public_key, validate=True)
        keys.append(verifier_key(name, Ed25519PublicKey.from_public_bytes(raw)))
    return keys


def _signed_roots(
    checkpoints: Sequence[ArchivedCheckpoint], keys: Sequence[str], size: int
) -> dict[int, bytes]:
    roots: dict[int, bytes] = {}
    for stored in checkpoints:
        try:
            signed = verify_note(stored.note, keys)
        except NoteError as exc:
            raise LogMismatchError(
                f"the checkpoint of size {stored.size} is not signed by the archived log key "
                f"({exc})"
            ) from exc
        if signed.size != stored.size or signed.root_hash.hex() != stored.root_hash:
            raise LogMismatchError(
                f"the checkpoint row of size {stored.size} differs from its signed note"
            )
        if signed.size > size:
            raise LogMismatchError(
                f"a checkpoint of size {signed.size} is beyond the log's {size} entries"
            )
        roots[signed.size] = signed.root_hash
    return roots


def check_archived_log(
    entries: Iterable[tuple[int, str]],
    checkpoints: Sequence[ArchivedCheckpoint],
    keys: Sequence[str],
    head_size: int,
    expected: LogState,
) -> None:
    """Entries (in index order) recompute to the manifest's root, and to the signed root at
    every checkpoint's size; the log head agrees. LogMismatchError otherwise."""
    if head_size != expected.size:
        raise LogMismatchError(
            f"the log head says {head_size} entries, the manifest {expected.size}"
        )
    roots = _signed_roots(checkpoints, keys, expected.size)
    compact = CompactRange()
    if 0 in roots and roots[0] != merkle.EMPTY_ROOT:
        raise LogMismatchError("the checkpoint of size 0 does not sign the empty root")
    for index, entry in entries:
        if index != compact.size:
            raise LogMismatchError(f"log entry {compact.size} is missing (found {index})")
        compact.append(entry_leaf_hash(entry))
        signed = roots.get(compact.size)
        if signed is not None and not hmac.compare_digest(compact.root(), signed):
            raise LogMismatchError(
                f"the entries do not recompute to the root signed at size {compact.size}"
            )
    if compact.size != expected.size:
        raise LogMismatchError(f"the log has {compact.size} entries, the manifest {expected.size}")
    if compact.root().hex() != expected.root_hash:
        raise LogMismatchError(
            f"the entries recompute to root {compact.root().hex()}, the manifest says "
            f"{expected.root_hash}"
        )
