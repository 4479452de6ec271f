"""Offline check of a log-proof bundle for one subject. Pure: usable by `rightsmark verify`
and the verification engine without a database.

A bundle (`checkpoints.proof_bundle`) is a C2SP tlog-proof whose `extra` line carries the
entry itself. Checking it means: the checkpoint is signed by the log key; the entry, hashed
as the leaf, is included under that checkpoint's root; and the entry is about what the
verifier holds - the subject id, and the digest if one is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.errors import NoteError, ProofVerificationError
from registry.trust.merkle import leaf_hash
from registry.trust.signed_note import Checkpoint, parse_tlog_proof, verify_tlog_proof
from registry.trust.tlog_entries import parse_entry
from registry.trust.tlog_errors import LogUsageError, MonitorError


@dataclass(frozen=True)
class BundleResult:
    index: int
    checkpoint: Checkpoint
    entry: dict[str, Any]


def verify_bundle(
    bundle: str,
    log_key: str,
    *,
    subject: tuple[str, str],
    digest: tuple[str, str] | None = None,
) -> BundleResult:
    """`subject` and `digest` are (name, value) pairs the entry must carry, e.g.
    `("certificate", "crt_...")` and `("credential", "sha256:...")`. MonitorError names the
    first thing that does not hold."""
    return match_bundle(open_bundle(bundle, log_key), subject=subject, digest=digest)


def open_bundle(bundle: str, log_key: str) -> BundleResult:
    """The half of `verify_bundle` that depends on the bundle and the key alone: the
    checkpoint is signed by `log_key` and the entry is included under it. MonitorError if
    not. (So a verifier that checks many credentials against one bundle opens it once.)"""
    try:
        parsed = parse_tlog_proof(bundle)
        if parsed.extra is None:
            raise MonitorError("the bundle does not carry its log entry")
        checkpoint = verify_tlog_proof(
            bundle, leaf_hash(parsed.extra), log_key, origin=log_key.split("+", 1)[0]
        )
        entry = parse_entry(parsed.extra)
    except (NoteError, ProofVerificationError, LogUsageError, ValueError) as exc:
        raise MonitorError(f"the log proof does not verify: {exc}") from exc
    return BundleResult(parsed.index, checkpoint, entry)


def match_bundle(
    opened: BundleResult,
    *,
    subject: tuple[str, str],
    digest: tuple[str, str] | None = None,
) -> BundleResult:
    """The other half of `verify_bundle`: the opened entry is about `subject` (and records
    `digest`, if given). MonitorError if not."""
    name, value = subject
    if (opened.entry.get("subject") or {}).get(name) != value:
        raise MonitorError(f"the log entry is not about {name} {value}")
    if digest is not None and (opened.entry.get("digests") or {}).get(digest[0]) != digest[1]:
        raise MonitorError(f"the log entry records another {digest[0]} digest")
    return opened
