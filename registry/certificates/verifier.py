"""The verification engine fed from this registry's own records (for `POST /api/v1/verify`).

The engine itself (`registry.certificates.verification`) is pure; here it gets the current
DID document, the current status lists (rendered and signed as `GET` serves them) and the
published standards. Nothing is taken on trust from the credential: a status list URL that
is not one of this registry's lists is simply unavailable, and the standard must be one
the registry published, with the digest the credential names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from registry.certificates import status
from registry.certificates.contexts import registry_context_url
from registry.certificates.tables import CertificateRow
from registry.certificates.verification import IssuerTrust, Verdict, verify_certificate
from registry.errors import RegistryError
from registry.settings import get_settings
from registry.signing.service import did_document_json, issuer_did
from standards import service as standards
from standards.clock import utc_now

_trust: tuple[str, IssuerTrust] | None = None  # (DID document JSON, trust built from it)
_lists: dict[str, tuple[str, dict[str, Any]]] = {}  # url -> (etag, parsed credential)


async def _current_trust() -> IssuerTrust:
    global _trust
    document = await did_document_json()
    key = json.dumps(document, sort_keys=True)
    if _trust is None or _trust[0] != key:
        if not document.get("verificationMethod"):  # no key yet: it vouches for nothing
            trust = IssuerTrust(issuer_did(), {})
        else:
            trust = IssuerTrust.from_did_document(document, issuer_did())
        _trust = (key, trust)
    return _trust[1]


def _status_urls(credential: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """(url, purpose, number) of each entry that names one of this registry's lists."""
    entries = credential.get("credentialStatus")
    found = []
    prefix = f"{get_settings().public_url}/api/v1/status/"
    for entry in entries if isinstance(entries, list) else [entries]:
        url = entry.get("statusListCredential") if isinstance(entry, Mapping) else None
        if not isinstance(url, str) or not url.startswith(prefix):
            continue
        purpose, _, number = url.removeprefix(prefix).partition("/")
        if purpose in status.STATE_OF and number.isdigit() and len(number) < 10:
            found.append((url, purpose, int(number)))
    return found[:4]


async def _status_lists(credential: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    lists: dict[str, dict[str, Any]] = {}
    for url, purpose, number in _status_urls(credential):
        try:
            rendered = await status.render(purpose, number)
        except RegistryError:  # unknown, or unsignable: the engine reports it unavailable
            continue
        cached = _lists.get(url)
        if cached is None or cached[0] != rendered.etag:
            cached = (rendered.etag, json.loads(rendered.body))
            _lists[url] = cached
        lists[url] = cached[1]
    return lists


async def _standard_digest(credential: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    subject = credential.get("credentialSubject")
    standard = subject.get("standard") if isinstance(subject, Mapping) else None
    if not isinstance(standard, Mapping):
        return None
    slug, version = standard.get("slug"), standard.get("version")
    if not isinstance(slug, str) or not isinstance(version, str):
        return None
    try:
        body = await standards.get_version(slug[:64], version[:32])
    except Exception:  # unknown or malformed: not published here
        return slug, version, None
    return slug, version, str(body["digest"])


async def verify(credential: object) -> Verdict:
    """The engine's verdict on `credential` against this registry, as of now."""
    trust = await _current_trust()
    lists: dict[str, dict[str, Any]] = {}
    published: tuple[str, str, str | None] | None = None
    if isinstance(credential, Mapping):
        lists = await _status_lists(credential)
        published = await _standard_digest(credential)
    subject = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    standard = subject.get("standard") if isinstance(subject, Mapping) else None
    claimed = standard.get("digest") if isinstance(standard, Mapping) else None

    def is_published(slug: str, version: str) -> bool | None:
        # A published (or since retired) version with the very digest the credential names.
        if published is None or (slug, version) != published[:2]:
            return False
        return published[2] is not None and published[2] == claimed

    verdict = verify_certificate(
        credential,
        trust=trust,
        status_lists=lists.get,
        is_published=is_published,
        now=utc_now(),
        registry_context_url=registry_context_url(get_settings().public_url),
    )
    return await _with_recorded_reason(credential, verdict)


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
