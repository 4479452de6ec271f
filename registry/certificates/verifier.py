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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from registry import urls
from registry.certificates import status
from registry.certificates.tables import CertificateRow
from registry.clock import utc_now
from registry.db.cache import Region, read_cache
from registry.db.tables import ProviderRow
from registry.errors import RegistryError
from registry.keys import did_document_json, issuer_did
from registry.standards import service as standards
from registry.transparency import checkpoints, log
from registry.trust.signed_note import build_tlog_proof
from registry.trust.tlog_bundles import BundleResult, open_bundle
from registry.trust.tlog_errors import LogIntegrityError, MonitorError
from registry.trust.verify.engine import (
    IssuerTrust,
    Verdict,
    parse_datetime,
    verify_certificate,
    with_check,
)
from registry.trust.verify.licences import licence_states, with_licences
from registry.trust.verify.log import certificate_id, check_log, check_opened
from registry.trust.verify.results import Check, failed, skipped

# The snapshot of keys, status lists and standards, and the verdicts remembered with it, are
# regions of the read cache (`registry.db.cache`): a change made in this process clears
# them once committed, one made by another process once `read_cache.revalidate` sees it
# (within `WINDOW_SECONDS`). `GET` of a status list is always current.
_MEMO_SIZE: Final = 4096
_ISSUED_SIZE: Final = 16384


@dataclass(frozen=True, slots=True)
class _Snapshot:
    trust: IssuerTrust
    lists: dict[str, dict[str, Any]]  # status list URL -> the signed list, parsed
    standards: dict[tuple[str, str], str]  # (slug, version) -> digest, published or retired
    generation: int
    version: int  # read_cache.version before its first read


_snapshots: Region[None, _Snapshot] = read_cache.region("verify.snapshot", size=1, volatile=True)
_SNAPSHOT_TOPICS: Final = frozenset({"status-lists"})
_generation = 0
_latest: _Snapshot | None = None  # the last one taken, kept in `_snapshots` or not
_lock = asyncio.Lock()
# Verdicts by SHA-256 of the exact request body: (the span of time in which it holds, the
# verdict), each given by the snapshot in the region then.
_memo: Region[bytes, tuple[dt.datetime, dt.datetime, Verdict]] = read_cache.region(
    "verify.verdicts", size=_MEMO_SIZE, volatile=True
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


async def _snapshot_now() -> tuple[_Snapshot, int]:
    """The current snapshot, and the read cache's version it holds at. After a change, the
    first caller takes a new one and the others wait for it."""
    version = await read_cache.revalidate()
    current = _snapshots.get(None)
    if current is not None:
        return current, version
    return await _rebuild(version)


async def _rebuild(wanted: int) -> tuple[_Snapshot, int]:
    """A snapshot whose reads all began at read cache version `wanted` or later, so that
    it holds every change acknowledged before the caller asked."""
    global _generation, _latest
    async with _lock:  # one rebuild at a time; requests that need one share it
        version = await read_cache.revalidate()
        current = _snapshots.get(None)
        if current is not None:  # taken while this one waited
            return current, version
        if _latest is not None and _latest.version >= wanted:
            # Taken while this one waited and already outdated by a later change, but no
            # older than this request: it serves it (and is not kept for later ones).
            return _latest, _latest.version
        versions = await standards.list_versions()  # every read after `version` was taken
        _generation += 1
        current = _Snapshot(
            trust=await _trust(),
            lists=await _lists(),
            standards={(v.slug, v.version): v.digest for v in versions},
            generation=_generation,
            version=version,
        )
        await _read_view(current)  # the log checkpoint, before anyone uses the snapshot
        # Kept only if nothing it depends on was invalidated since `version`: a rebuild that
        # raced a commit answers the requests that came before the change, and no later one.
        # Of the changes that say what they touched, only those of a status list concern it
        # (keys and standards change by writes that invalidate everything).
        _snapshots.put(None, current, read_at=version, topics=_SNAPSHOT_TOPICS)
        _latest = current
        return current, version


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


def _remembered(body_digest: bytes | None, now: dt.datetime) -> Verdict | None:
    hit = _memo.get(body_digest) if body_digest is not None else None
    if hit is None or not hit[0] <= now < hit[1]:
        return None
    return hit[2]


async def remembered(body_digest: bytes) -> Verdict | None:
    """The verdict on these exact bytes if it still holds, without decoding them."""
    await read_cache.revalidate()  # a change another process made clears the memo
    return _remembered(body_digest, utc_now())


async def verify(credential: object, *, body_digest: bytes | None = None) -> Verdict:
    """The engine's verdict on `credential` against this registry, as of now.

    `body_digest` (SHA-256 of the exact bytes the credential was read from) lets a repeated
    check of the same bytes reuse the verdict while nothing it depends on has changed: the
    snapshot is the same and no validity boundary has passed.
    """
    snap, read_at = await _snapshot_now()
    now = utc_now()
    remembered = _remembered(body_digest, now)
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
        registry_context_url=urls.context_url(),
    )
    verdict, state = await _with_log_check(credential, verdict, snap)
    verdict = await _with_recorded_reason(credential, verdict, state)
    verdict = await _with_licences(credential, verdict)
    if body_digest is not None:  # not kept if invalidated since the snapshot was current
        entry = (*_span(verdict, now), verdict)
        _memo.put(body_digest, entry, read_at=read_at, topics=_verdict_topics(credential))
    return verdict


def _verdict_topics(credential: object) -> frozenset[str] | None:
    """What a verdict depends on besides keys and standards: for a certificate of this
    registry, its own state (its status bits, its recorded reason) and nothing of any other
    certificate; for anything else, everything."""
    public_id = certificate_id(credential)
    url = credential.get("id") if isinstance(credential, Mapping) else None
    if public_id is None or not str(url).startswith(urls.credentials_prefix()):
        return None
    topics = {f"certificate:{public_id[:40]}"}
    provider = _provider_of(credential)
    if provider is not None:  # its licences are in the verdict
        topics.add(f"provider:{provider}")
    return frozenset(topics)


def _provider_of(credential: object) -> str | None:
    subject = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    provider = subject.get("provider") if isinstance(subject, Mapping) else None
    found = provider.get("registryId") if isinstance(provider, Mapping) else None
    return found[:12] if isinstance(found, str) and "\x00" not in found else None


async def _with_licences(credential: object, verdict: Verdict) -> Verdict:
    """A genuine certificate of this registry: its provider's licences as the registry
    records them now, each with its check and when it was last checked (national
    registers, docs/assurance.md). Nothing for anything else."""
    url = credential.get("id") if isinstance(credential, Mapping) else None
    log_check = verdict.check("log")
    if (
        verdict.certificate is None
        or not isinstance(url, str)
        or not url.startswith(urls.credentials_prefix())
        or (log_check is not None and log_check.detail.startswith("This registry issued no"))
    ):
        return verdict
    provider = _provider_of(credential)
    row = None
    if provider is not None:
        row = (
            await ProviderRow.select(ProviderRow.licences)
            .where(ProviderRow.public_id == provider)
            .first()
        )
    if row is None:
        return verdict
    return with_licences(verdict, licence_states(json.loads(row["licences"])))


async def _with_recorded_reason(
    credential: object, verdict: Verdict, state: _State | None = None
) -> Verdict:
    """A genuine certificate of this registry that is suspended or revoked: the verdict's
    reason adds the one the registry recorded (the secretariat's, or the audit's). `state`:
    the certificate's row as this request already read it (after its snapshot), if it did."""
    signature = verdict.check("signature")
    if verdict.status not in ("suspended", "revoked") or signature is None:
        return verdict
    url = credential.get("id") if isinstance(credential, Mapping) else None
    prefix = urls.credentials_prefix()
    if signature.result != "passed" or not isinstance(url, str) or not url.startswith(prefix):
        return verdict
    public_id = url.removeprefix(prefix)[:40]
    if state is not None and state.public_id == public_id:
        row: Mapping[str, Any] | None = {"state": state.state, "state_reason": state.reason}
    else:
        row = (
            await CertificateRow.select(CertificateRow.state, CertificateRow.state_reason)
            .where(CertificateRow.public_id == public_id)
            .first()
        )
    if row is None or row["state"] != verdict.status or not row["state_reason"]:
        return verdict
    return replace(verdict, reason=f"{verdict.reason.rstrip('.')}: {row['state_reason']}")


# --- the log check --------------------------------------------------------------------------
#
# A certificate of this registry gets one more check, `log`: its issuance entry, proved
# under a signed checkpoint and checked with the registry's own log key, exactly as
# `rightsmark verify` checks a downloaded bundle. What each step costs, and why nothing
# remembered here can make a verdict stale:
# - the log's key and latest stored checkpoint are read once per snapshot generation (one
#   is signed only for an entry the stored one lacks);
# - a certificate's entry index and entry never change once set: those of the latest
#   certificates are read in one query per process (`_load_issued`), any other's once,
#   when first asked for (so a certificate issued later, by any process, is found);
# - a bundle is built and opened (the checkpoint's signature and the entry's inclusion
#   checked) once per certificate and log key (`_bundles`), under the checkpoint current
#   then, and kept opened for later checkpoints: the log only grows, so an entry included
#   under a signed checkpoint stays included, and that checkpoint stays signed. Every
#   credential is still matched against the entry (its id and digest: `check_opened`).
# Nothing here says whether the certificate is still valid: its status comes from the
# status lists of the snapshot, and the recorded reason of a suspension or revocation is
# read afresh (`_with_recorded_reason`). A repeated body is answered by the verdict memo.


@dataclass(frozen=True, slots=True)
class _LogView:
    generation: int
    key: str | None
    note: str | None
    size: int
    why: str  # when key or note is None


@dataclass(frozen=True, slots=True)
class _State:
    """A certificate's state as read during this request (after its snapshot was current)."""

    public_id: str
    state: str
    reason: str | None


_log_view: _LogView | None = None
_view_lock = asyncio.Lock()
_issued_lock = asyncio.Lock()
# Lasting: emptied only with the database (`read_cache.invalidate(everything=True)`).
_issued: Region[str, tuple[int, str]] = read_cache.region(
    "verify.issued", size=_ISSUED_SIZE, volatile=False
)  # certificate public id -> (its issuance entry's index, the entry's text)
_bundles: Region[str, tuple[str, BundleResult]] = read_cache.region(
    "verify.bundles", size=_ISSUED_SIZE, volatile=False
)  # certificate public id -> (a log key, its bundle as opened with that key)

# The certificate's entry (none before the log began) and its current state, in one query.
_ISSUED_SQL: Final = (
    "SELECT c.log_index AS log_index, c.state AS state, c.state_reason AS state_reason,"
    " e.entry AS entry FROM certificates c LEFT JOIN log_entries e ON e.position = c.log_index"
    " WHERE c.public_id = {}"
)
# The entries of the latest certificates, as many as `_issued` holds (newest by the primary
# key, which both databases read backwards along its index).
_LATEST_ISSUED_SQL: Final = (
    "SELECT c.public_id AS public_id, c.log_index AS log_index, e.entry AS entry"
    " FROM certificates c JOIN log_entries e ON e.position = c.log_index"
    " ORDER BY c.id DESC LIMIT {}"
)


async def _view(snap: _Snapshot, *, renew: bool = False) -> _LogView:
    if not renew and _log_view is not None and _log_view.generation == snap.generation:
        return _log_view
    seen = _log_view
    async with _view_lock:  # the requests that miss at once share one reading
        fresh = _log_view
        # Read (or signed, when renewing) by another request while this one waited.
        shared = fresh is not None and fresh is not seen and fresh.generation == snap.generation
        if fresh is not None and shared and (not renew or fresh.size > _size_of(seen)):
            return fresh
        return await _read_view(snap, sign=renew)


def _size_of(view: _LogView | None) -> int:
    return -1 if view is None else view.size


async def _read_view(snap: _Snapshot, *, sign: bool = False) -> _LogView:
    """The log as of its latest stored checkpoint: a proof under any signed checkpoint that
    includes an entry proves it, so verifications need not sign one for every entry the log
    gained (which would make each of them a write). `sign`: one for the log as it is now,
    for an entry the stored checkpoint does not include yet."""
    global _log_view
    try:
        key = await checkpoints.log_verifier_key()
        note = None if sign else await checkpoints.stored_checkpoint()
        note = note or await checkpoints.latest_checkpoint()
        view = _LogView(snap.generation, key, note, int(note.split("\n", 2)[1]), "")
    except (RegistryError, LogIntegrityError) as exc:
        # The API answers the other checks; the log's own failure is the operator's alarm
        # (GET /log/checkpoint answers 500 and logs it).
        why = f"Not checked: the registry cannot serve a signed log checkpoint ({exc})."
        view = _LogView(snap.generation, None, None, 0, why)
    _log_view = view
    return view


async def _load_issued() -> None:
    """The latest certificates' entries into an empty `_issued`, in one query (once per
    process, and again after the database was emptied): so that verifying many different
    certificates costs no query each."""
    async with _issued_lock:  # the requests that miss at once share one reading
        if len(_issued) > 0:
            return
        rows = await CertificateRow.raw(_LATEST_ISSUED_SQL, _ISSUED_SIZE).run()
        for row in reversed(rows):  # the newest last: the last to be dropped
            _issued.put(str(row["public_id"]), (int(row["log_index"]), str(row["entry"])))


async def _issuance(public_id: str) -> tuple[tuple[int, str] | None, _State | None]:
    """Its issuance entry (index, text), None for a certificate issued before the log; and
    its state when it was read now (not when the entry was remembered). KeyError when this
    registry has no such certificate."""
    if len(_issued) == 0:
        await _load_issued()
    known = _issued.get(public_id)
    if known is not None:
        return known, None
    if "\x00" in public_id:  # PostgreSQL refuses NUL in text; no certificate has one
        raise KeyError(public_id)
    rows = await CertificateRow.raw(_ISSUED_SQL, public_id).run()
    if not rows:
        raise KeyError(public_id)  # not remembered: a certificate issued later must be found
    row = rows[0]
    state = _State(public_id, row["state"], row["state_reason"])
    if row["log_index"] is None:
        return None, state
    if row["entry"] is None:
        raise LogIntegrityError(f"the log has no entry {row['log_index']} for {public_id}")
    return _issued.put(public_id, (int(row["log_index"]), str(row["entry"]))), state


async def _log_check(
    credential: object, public_id: str, index: int, entry: str, view: _LogView
) -> Check:
    """`check_log` of the bundle `checkpoints.proof_bundle(index, note)` serves, under the
    checkpoint `note` current when this certificate was first checked with the log key
    `view.key`: the bundle is built and opened (signature, inclusion) only then."""
    assert view.note is not None
    assert view.key is not None
    found = _bundles.get(public_id)
    if found is None or found[0] != view.key:
        proof = await log.signed_inclusion_proof(index, view.size)
        bundle = build_tlog_proof(index, proof, view.note, extra=entry.encode("utf-8"))
        try:
            opened = open_bundle(bundle, view.key)
        except MonitorError:  # the store is damaged: the check says how, nothing is kept
            return check_log(credential, bundle, view.key)
        found = _bundles.put(public_id, (view.key, opened))
    return check_opened(credential, found[1], view.key)


async def _with_log_check(
    credential: object, verdict: Verdict, snap: _Snapshot
) -> tuple[Verdict, _State | None]:
    """Only for a credential whose id is one of this registry's: the log of another registry
    is not ours to vouch for, and input that is not a certificate has nothing to look up.
    Also the certificate's state, when it was read on the way."""
    public_id = certificate_id(credential)
    url = credential.get("id") if isinstance(credential, Mapping) else None
    own = urls.credentials_prefix()
    if verdict.certificate is None or public_id is None or not str(url).startswith(own):
        return verdict, None
    public_id = public_id[:40]
    try:
        issued, state = await _issuance(public_id)
    except KeyError:
        missing = failed("log", f"This registry issued no {public_id}.")
        return with_check(verdict, missing), None
    if issued is None:
        return with_check(
            verdict, skipped("log", "Not checked: issued before the log began.")
        ), state
    index, entry = issued
    view = await _view(snap)
    if view.note is not None and index >= view.size:  # issued by another process since
        view = await _view(snap, renew=True)
    if view.note is None or view.key is None:
        return with_check(verdict, skipped("log", view.why)), state
    check = await _log_check(credential, public_id, index, entry, view)
    return with_check(verdict, check), state
