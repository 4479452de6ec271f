"""Pure monitor logic: what a log monitor remembers and how it checks a new checkpoint.

A monitor keeps, between runs, the last checkpoint it verified and the *compact range* of
that tree: the hashes of the complete subtrees on its right border (one per one-bit of the
size, at most 64). Given the entries added since, it rebuilds the new root itself; if that
equals the signed root, every new entry is included, in order, at its index - no per-entry
proof needed, and a rewritten, dropped or inserted entry changes the root. The consistency
proof from the old checkpoint to the new one is checked too: a registry that rewrote its
past (a fork) cannot produce one. Network access lives in `api/cli/log.py`.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from registry.errors import NoteError, ProofVerificationError
from registry.trust import merkle
from registry.trust.signed_note import Checkpoint, verify_note
from registry.trust.tlog_entries import entry_leaf_hash
from registry.trust.tlog_errors import MonitorError

STATE_VERSION = 1


class CompactRange:
    """The right border of a tree of `size` leaves, largest subtree first."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise MonitorError(f"a compact range of size {size} has {bin(size).count('1')} hashes")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        self.hashes.append(leaf)
        self.size += 1
        carry = self.size
        while carry & 1 == 0:  # equal neighbours merge, like a binary counter's carries
            right, left = self.hashes.pop(), self.hashes.pop()
            self.hashes.append(merkle.node_hash(left, right))
            carry >>= 1

    def root(self) -> bytes:
        if not self.hashes:
            return merkle.EMPTY_ROOT
        result = self.hashes[-1]
        for item in reversed(self.hashes[:-1]):
            result = merkle.node_hash(item, result)
        return result


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class MonitorState:
    url: str
    key: str  # the pinned verifier key
    checkpoint: str  # the last verified signed note, verbatim
    size: int
    root: bytes
    compact: tuple[bytes, ...]

    def to_json(self) -> str:
        body = {
            "version": STATE_VERSION,
            "url": self.url,
            "key": self.key,
            "checkpoint": self.checkpoint,
            "size": self.size,
            "root": _b64(self.root),
            "compact": [_b64(h) for h in self.compact],
        }
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> MonitorState:
        try:
            body: dict[str, Any] = json.loads(text)
            if body.get("version") != STATE_VERSION:
                raise ValueError(f"unknown state version {body.get('version')!r}")
            return cls(
                url=str(body["url"]),
                key=str(body["key"]),
                checkpoint=str(body["checkpoint"]),
                size=int(body["size"]),
                root=base64.b64decode(body["root"], validate=True),
                compact=tuple(base64.b64decode(h, validate=True) for h in body["compact"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise MonitorError(f"the state file is damaged: {exc}") from exc


def open_checkpoint(note: str, key: str, origin: str | None = None) -> Checkpoint:
    """The checkpoint in `note` if the pinned key signed it; MonitorError otherwise."""
    try:
        return verify_note(note, key, origin=origin)
    except NoteError as exc:
        raise MonitorError(
            f"the checkpoint is not validly signed by the pinned key: {exc}"
        ) from exc


def check_consistency(old: MonitorState, new: Checkpoint, proof: Sequence[bytes]) -> None:
    """The new checkpoint extends the old one (or equals it); a fork raises MonitorError."""
    if new.size < old.size:
        raise MonitorError(f"the log shrank from {old.size} to {new.size} entries")
    if new.size == old.size or old.size == 0:
        if new.size == old.size and not hmac.compare_digest(new.root_hash, old.root):
            raise MonitorError(f"fork: two different signed roots for size {new.size}")
        return
    try:
        merkle.verify_consistency(old.size, new.size, proof, old.root, new.root_hash)
    except ProofVerificationError as exc:
        raise MonitorError(
            f"fork: the checkpoint of size {new.size} is not consistent with the verified "
            f"checkpoint of size {old.size} ({exc})"
        ) from exc


@dataclass
class Update:
    """What one run verified: the new state and a count of the new entries by type."""

    state: MonitorState
    old_size: int
    new_entries: int
    by_type: Counter[str] = field(default_factory=Counter)


def apply_entries(
    old: MonitorState | None,
    url: str,
    key: str,
    note: str,
    checkpoint: Checkpoint,
    entries: Iterable[tuple[int, str]],
) -> Update:
    """Rebuild the tree from the old compact range and the new (index, entry) pairs; the root
    must be the signed one. Indexes must run on from the old size without a gap."""
    compact = CompactRange(old.size, old.compact) if old else CompactRange()
    old_size, by_type = compact.size, Counter[str]()
    for index, entry in entries:
        if index != compact.size:
            raise MonitorError(f"entry {compact.size} is missing (the log served {index})")
        compact.append(entry_leaf_hash(entry))
        by_type[_entry_type(entry)] += 1
    if compact.size != checkpoint.size:
        raise MonitorError(
            f"the log served {compact.size - old_size} new entries; the checkpoint has "
            f"{checkpoint.size - old_size}: an entry was dropped"
        )
    if not hmac.compare_digest(compact.root(), checkpoint.root_hash):
        raise MonitorError(
            f"the entries {old_size}..{checkpoint.size - 1} do not hash to the signed root: "
            "an entry was rewritten, dropped or inserted"
        )
    state = MonitorState(
        url, key, note, checkpoint.size, checkpoint.root_hash, tuple(compact.hashes)
    )
    return Update(state, old_size, checkpoint.size - old_size, by_type)


def _entry_type(entry: str) -> str:
    try:
        value = json.loads(entry)
    except ValueError:
        return "(not JSON)"
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else "(no type)"
