"""The verification engine fed from this registry's own records (for `POST /api/v1/verify`).

The engine itself (`registry.trust.verify.engine`) is pure; here it gets the current
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
from registry.certificates.tables import CertificateRow
from registry.clock import utc_now
from registry.errors import RegistryError
from registry.keys import did_document_json, issuer_did
from registry.settings import get_settings
from registry.standards import service as standards
from registry.transparency import checkpoints
from registry.transparency import log as transparency_log
from registry.trust.contexts import registry_context_url
from registry.trust.tlog_errors import LogIntegrityError
from registry.trust.verify.engine import (
    IssuerTrust,
    Verdict,
    parse_datetime,
    verify_certificate,
    with_check,
)
from registry.trust.verify.log import CREDENTIALS_PATH, certificate_id, check_log
from registry.trust.verify.results import failed, skipped

# How long a process trusts its snapshot of keys, status lists and standards. Changes made
# in this process invalidate it at once (`_fresh`); other server processes see them within
# this time. `GET` of a status list is always current.
SNAPSHOT_SECONDS: Final = 1.0
_MEMO_SIZE: Final = 4096
_BUNDLES_SIZE: Final = 4096


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
_tasks: set[asyncio.Task[_Snapshot]] = set()
# Verdicts by SHA-256 of the exact request body: (snapshot generation, the span of time in
# which it holds, the verdict).
_memo: OrderedDict[bytes, tuple[int, dt.datetime, dt.datetime, Verdict]] = OrderedDict()


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
    """The current snapshot. After a change logged by this process, callers wait for a new
    one; when it is merely a second old, they go on with it while one task takes the next
    (so a busy server never stalls on the refresh)."""
    current = _snapshot
    if current is not None and current.appended == transparency_log.appended:
        if time.monotonic() - current.taken >= SNAPSHOT_SECONDS and not _lock.locked():
            task = asyncio.get_running_loop().create_task(_rebuild())
            _tasks.add(task)  # held until done: the loop keeps only weak references
            task.add_done_callback(_tasks.discard)
        return current
    return await _rebuild()


async def _rebuild() -> _Snapshot:
    global _snapshot, _generation
    async with _lock:  # one rebuild at a time; requests that need one share it
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
        await _read_view(current)  # the log checkpoint, before anyone uses the snapshot
        _snapshot = current
        return current


def _claimed_standard(credential: object) -> tuple[object, object, object]:
    subject = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    standard = subject.get("standard") if isinstance(subject, Mapping) else None
    if not isinstance(standard, Mapping):
        return None, None, None
    return standard.get("slug"), standard.get("version"), standard.get("digest")


_EVER: Final = (dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC))


def _span(verdict: Verdict, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The time span around `now` in which the verdict cannot change by time alone: between
    the validity boundaries (validFrom, validUntil) either side of `now`."""
    summary = verdict.certificate or {}
    moments = [parse_datetime(summary.get(k)) for k in ("validFrom", "validUntil")]
    known = [m for m in moments if m is not None]
    before = [m for m in known if m <= now]
    after = [m for m in known if m > now]
    return (max(before) if before else _EVER[0], min(after) if after else _EVER[1])


def _remembered(body_digest: bytes | None, snap: _Snapshot, now: dt.datetime) -> Verdict | None:
    hit = _memo.get(body_digest) if body_digest is not None else None
    if hit is None or hit[0] != snap.generation or not hit[1] <= now < hit[2]:
        return None
    return hit[3]


async def remembered(body_digest: bytes) -> Verdict | None:
    """The verdict on these exact bytes if it still holds, without decoding them."""
    return _remembered(body_digest, await _snapshot_now(), utc_now())


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
    verdict = await _with_log_check(credential, verdict, snap)
    verdict = await _with_recorded_reason(credential, verdict)
    if body_digest is not None:
        _memo[body_digest] = (snap.generation, *_span(verdict, now), verdict)
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


# --- the log check --------------------------------------------------------------------------
#
# A certificate of this registry gets one more check, `log`: its issuance entry, proved
# under the current signed checkpoint and checked with the registry's own log key, exactly
# as `rightsmark verify` checks a downloaded bundle. Costs: the checkpoint is read (or
# signed) once per snapshot generation; a certificate's entry index never changes once set,
# so it is read once per process; a bundle is built once per certificate and checkpoint
# size. A repeated body is answered by the verdict memo without any of this.


@dataclass(frozen=True, slots=True)
class _LogView:
    generation: int
    key: str | None
    note: str | None
    size: int
    why: str  # when key or note is None


_log_view: _LogView | None = None
_view_lock = asyncio.Lock()
_log_indexes: dict[str, int] = {}  # certificate public id -> its issuance entry
_bundles: OrderedDict[tuple[str, int], str] = OrderedDict()  # (public id, size) -> bundle


async def _view(snap: _Snapshot, *, renew: bool = False) -> _LogView:
    if not renew and _log_view is not None and _log_view.generation == snap.generation:
        return _log_view
    seen = _log_view
    async with _view_lock:  # the requests that miss at once share one reading
        fresh = _log_view
        if fresh is not seen and fresh is not None and fresh.generation == snap.generation:
            return fresh  # read by another request while this one waited
        return await _read_view(snap)


async def _read_view(snap: _Snapshot) -> _LogView:
    global _log_view
    try:
        key = await checkpoints.log_verifier_key()
        note = await checkpoints.latest_checkpoint()
        view = _LogView(snap.generation, key, note, int(note.split("\n", 2)[1]), "")
    except (RegistryError, LogIntegrityError) as exc:
        # The API answers the other checks; the log's own failure is the operator's alarm
        # (GET /log/checkpoint answers 500 and logs it).
        why = f"Not checked: the registry cannot serve a signed log checkpoint ({exc})."
        view = _LogView(snap.generation, None, None, 0, why)
    _log_view = view
    return view


async def _log_index(public_id: str) -> int | None:
    """Its issuance entry; None for a certificate issued before the log; KeyError when this
    registry has no such certificate."""
    if public_id in _log_indexes:
        return _log_indexes[public_id]
    if "\x00" in public_id:  # PostgreSQL refuses NUL in text; no certificate has one
        raise KeyError(public_id)
    row = (
        await CertificateRow.select(CertificateRow.log_index)
        .where(CertificateRow.public_id == public_id)
        .first()
    )
    if row is None:
        raise KeyError(public_id)  # not remembered: a certificate issued later must be found
    if row["log_index"] is None:
        return None
    if len(_log_indexes) >= _BUNDLES_SIZE:
        _log_indexes.clear()
    _log_indexes[public_id] = int(row["log_index"])
    return _log_indexes[public_id]


async def _bundle(public_id: str, index: int, view: _LogView) -> str:
    assert view.note is not None
    key = (public_id, view.size)
    found = _bundles.get(key)
    if found is None:
        found = await checkpoints.proof_bundle(index, view.note)
        _bundles[key] = found
        if len(_bundles) > _BUNDLES_SIZE:
            _bundles.popitem(last=False)
    return found


async def _with_log_check(credential: object, verdict: Verdict, snap: _Snapshot) -> Verdict:
    """Only for a credential whose id is one of this registry's: the log of another registry
    is not ours to vouch for, and input that is not a certificate has nothing to look up."""
    public_id = certificate_id(credential)
    url = credential.get("id") if isinstance(credential, Mapping) else None
    own = f"{get_settings().public_url}{CREDENTIALS_PATH}"
    if verdict.certificate is None or public_id is None or not str(url).startswith(own):
        return verdict
    try:
        index = await _log_index(public_id[:40])
    except KeyError:
        return with_check(verdict, failed("log", f"This registry issued no {public_id[:40]}."))
    if index is None:
        return with_check(verdict, skipped("log", "Not checked: issued before the log began."))
    view = await _view(snap)
    if view.note is not None and index >= view.size:  # issued by another process since
        view = await _view(snap, renew=True)
    if view.note is None or view.key is None:
        return with_check(verdict, skipped("log", view.why))
    bundle = await _bundle(public_id, index, view)
    return with_check(verdict, check_log(credential, bundle, view.key))
