"""The verification engine fed from this registry's own records (for `POST /api/v1/verify`).

The engine itself (`registry.certificates.verification`) is pure; here it gets the current
DID document, the current status lists (rendered and signed as `GET` serves them) and the
published standards. Nothing is taken on trust from the credential: a status list URL that
is not one of this registry's lists is simply unavailable, and the standard must be one
the registry published, with the digest the credential names.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from registry.certificates import status
from registry.certificates.contexts import registry_context_url
from registry.certificates.tables import CertificateRow
from registry.certificates.verification import (
    IssuerTrust,
    Verdict,
    parse_datetime,
    verify_certificate,
)
from registry.errors import RegistryError
from registry.settings import get_settings
from registry.signing.service import did_document_json, issuer_did
from registry.transparency import log as transparency_log
from standards import service as standards
from standards.clock import utc_now

# How long a process trusts its snapshot of keys, status lists and standards. Changes made
# in this process invalidate it at once (`_fresh`); other server processes see them within
# this time. `GET` of a status list is always current.
SNAPSHOT_SECONDS: Final = 1.0
_MEMO_SIZE: Final = 4096


@dataclass(frozen=True, slots=True)
class _Snapshot:
    trust: IssuerTrust
    lists: dict[str, dict[str, Any]]  # status list URL -> the signed list, parsed
    standards: dict[tuple[str, str], str]  # (slug, version) -> digest, published or retired
    taken: float  # time.monotonic()
    generation: int
    appended: int  # registry.transparency.log.appended when it was taken


_snapshot: _Snapshot | None = None
_generation = 0
_lock = asyncio.Lock()
# Verdicts by SHA-256 of the exact request body: (snapshot generation, the time it was
# reached, the next time it changes by itself, the verdict).
_memo: OrderedDict[bytes, tuple[int, dt.datetime, dt.datetime | None, Verdict]] = OrderedDict()


def _fresh(snap: _Snapshot | None) -> bool:
    """Young enough, and nothing logged by this process since (every change of a key, a
    standard or a certificate's status is logged, in its own transaction)."""
    return (
        snap is not None
        and snap.appended == transparency_log.appended
        and time.monotonic() - snap.taken < SNAPSHOT_SECONDS
    )


async def _trust() -> IssuerTrust:
    document = await did_document_json()
    if not document.get("verificationMethod"):  # no key yet: it vouches for nothing
        return IssuerTrust(issuer_did(), {})
    return IssuerTrust.from_did_document(document, issuer_did())


async def _lists() -> dict[str, dict[str, Any]]:
    lists: dict[str, dict[str, Any]] = {}
    for item in await status.lists():
        try:
            rendered = await status.render(item["purpose"], item["number"])
        except RegistryError:  # unsignable (no active key): the engine reports it unavailable
            continue
        lists[item["url"]] = json.loads(rendered.body)
    return lists


async def _snapshot_now() -> _Snapshot:
    global _snapshot, _generation
    if _fresh(_snapshot):
        assert _snapshot is not None
        return _snapshot
    async with _lock:  # one request rebuilds it; the others wait and share it
        if _fresh(_snapshot):
            assert _snapshot is not None
            return _snapshot
        appended = transparency_log.appended
        versions = await standards.list_versions()
        _generation += 1
        current = _Snapshot(
            trust=await _trust(),
            lists=await _lists(),
            standards={(v.slug, v.version): v.digest for v in versions},
            taken=time.monotonic(),
            generation=_generation,
            appended=appended,
        )
        _snapshot = current
        return current


def _claimed_standard(credential: object) -> tuple[object, object, object]:
    subject = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    standard = subject.get("standard") if isinstance(subject, Mapping) else None
    if not isinstance(standard, Mapping):
        return None, None, None
    return standard.get("slug"), standard.get("version"), standard.get("digest")


def _next_boundary(verdict: Verdict, now: dt.datetime) -> dt.datetime | None:
    """The first moment after `now` at which the verdict changes by time alone."""
    summary = verdict.certificate or {}
    moments = [parse_datetime(summary.get(k)) for k in ("validFrom", "validUntil")]
    later = [m for m in moments if m is not None and m > now]
    return min(later) if later else None


def _remembered(body_digest: bytes | None, snap: _Snapshot, now: dt.datetime) -> Verdict | None:
    hit = _memo.get(body_digest) if body_digest is not None else None
    if hit is None or hit[0] != snap.generation or now < hit[1]:
        return None
    return hit[3] if hit[2] is None or now < hit[2] else None


async def verify(credential: object, *, body_digest: bytes | None = None) -> Verdict:
    """The engine's verdict on `credential` against this registry, as of now.

    `body_digest` (SHA-256 of the exact bytes the credential was read from) lets a repeated
    check of the same bytes reuse the verdict while nothing it depends on has changed: the
    snapshot is the same and no validity boundary has passed.
    """
    snap = await _snapshot_now()
    now = utc_now()
    remembered = _remembered(body_digest, snap, now)
    if remembered is not None:
        return remembered
    slug, version, claimed = _claimed_standard(credential)

    def is_published(s: str, v: str) -> bool | None:
        # A published (or since retired) version with the very digest the credential names.
        digest = snap.standards.get((s, v))
        return digest is not None and (s, v) == (slug, version) and digest == claimed

    verdict = verify_certificate(
        credential,
        trust=snap.trust,
        status_lists=snap.lists.get,
        is_published=is_published,
        now=now,
        registry_context_url=registry_context_url(get_settings().public_url),
    )
    verdict = await _with_recorded_reason(credential, verdict)
    if body_digest is not None:
        _memo[body_digest] = (snap.generation, now, _next_boundary(verdict, now), verdict)
        if len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return verdict


async def _with_recorded_reason(credential: object, verdict: Verdict) -> Verdict:
    """A genuine certificate of this registry that is suspended or revoked: the verdict's
    reason adds the one the registry recorded (the secretariat's, or the audit's)."""
    signature = verdict.check("signature")
    if verdict.status not in ("suspended", "revoked") or signature is None:
        return verdict
    url = credential.get("id") if isinstance(credential, Mapping) else None
    prefix = f"{get_settings().public_url}/credentials/"
    if signature.result != "passed" or not isinstance(url, str) or not url.startswith(prefix):
        return verdict
    row = (
        await CertificateRow.select(CertificateRow.state, CertificateRow.state_reason)
        .where(CertificateRow.public_id == url.removeprefix(prefix)[:40])
        .first()
    )
    if row is None or row["state"] != verdict.status or not row["state_reason"]:
        return verdict
    return replace(verdict, reason=f"{verdict.reason.rstrip('.')}: {row['state_reason']}")
