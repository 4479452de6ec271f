"""Synthetic but consistent registry rows, generated one at a time (constant memory).

Every certificate is built and signed exactly as `registry.certificates.issuance.issue`
does (same facts, real Ed25519 key, eddsa-jcs-2022), and comes with what issuance leaves
behind: a certified application and its decision, an `issued` history event, two status-list
slots and a `certificate.issued` transparency-log entry with the Merkle subtrees it closes.
A few certificates are then suspended or revoked, with their event and log entry too.

Not generated: assessments (their submissions and reports are ~20 KB each and nothing at
scale reads them; decisions name an `asm_bulk...` id that has no row) and application
events. Everything else is deterministic in the row number, so nothing is kept per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.scale.names import (
    ACTOR,
    LIST_SIZE,
    PER_LIST,
    SLUG,
    certificate_code,
    certificate_id,
    provider,
    provider_id,
    provider_row,
)
from registry.clock import add_months, iso_utc
from registry.transparency.log import node_key
from registry.trust import merkle
from registry.trust.credential import CertificateFacts, StatusEntry, build_certificate
from registry.trust.proofs import create_proof
from registry.trust.tlog_entries import build_entry, entry_leaf_hash
from standards.canonical import canonical_json

Record = tuple[str, dict[str, Any]]  # (table name, column -> value)


@dataclass(frozen=True)
class Context:
    """What the rows need from the initialised registry they are loaded into."""

    public_url: str
    did: str
    verification_method: str
    private_key: Ed25519PrivateKey
    standards: dict[str, str]  # "slug@version" -> rule-set digest
    validity_months: int
    surveillance_months: int
    auditor_id: str
    log_size: int  # entries already in the log
    frontier: dict[int, bytes]  # level -> hash of the last complete subtree at that level
    first_list: int  # first status list number (of each purpose) the bulk rows may use
    start: dt.datetime  # first issuance time; the last is `start + span`
    span: dt.timedelta


class LogStream:
    """Appends leaves like `registry.transparency.log.append_leaf`, from a frontier of the
    last complete subtree per level instead of database reads: O(log n) memory."""

    def __init__(self, size: int, frontier: dict[int, bytes]) -> None:
        self.size, self.last = size, dict(frontier)

    def append(self, leaf: bytes) -> Iterator[Record]:
        index, self.size = self.size, self.size + 1
        levels = (self.size & -self.size).bit_length() - 1
        node = leaf
        yield "log_subtrees", {"node": node_key(0, index), "hash": node.hex()}
        for level in range(levels):
            left, self.last[level] = self.last[level], node
            node = merkle.node_hash(left, node)
            key = node_key(level + 1, (self.size >> (level + 1)) - 1)
            yield "log_subtrees", {"node": key, "hash": node.hex()}
        self.last[levels] = node


def _grade(score: float) -> str:
    return "gold" if score >= 90 else "silver" if score >= 75 else "bronze"


def _log(
    stream: LogStream,
    kind: str,
    subject: dict[str, str],
    at: dt.datetime,
    digests: dict[str, str] | None = None,
) -> Iterator[Record]:
    data = build_entry(kind, subject, digests=digests, actor_role="secretariat", at=at)
    yield (
        "log_entries",
        {"position": stream.size, "kind": kind, "entry": data.decode(), "recorded_at": at},
    )
    yield from stream.append(entry_leaf_hash(data))


def _slot(k: int, salt: int, ctx: Context) -> tuple[int, int]:
    """(list, index): an odd-multiplier permutation of the list's bits, so indexes within
    a list are distinct and scattered without remembering which are taken."""
    number, j = ctx.first_list + k // PER_LIST, k % PER_LIST
    return number, (j * 0x2C9277B5 + salt) % LIST_SIZE


def certificate_records(
    k: int, providers: int, certificates: int, ctx: Context, stream: LogStream
) -> Iterator[Record]:
    """Certificate `k` and every row its issuance (and any later change) leaves behind."""
    p, cycle = k % providers, k // providers + 1
    facts, pid = provider(p), provider_id(p)
    refs = sorted(ctx.standards)
    ref = refs[k % len(refs)]
    at = (ctx.start + ctx.span * k / certificates).replace(microsecond=0)
    score = 60 + (k * 7919 % 400) / 10
    public_id, code, application = certificate_id(k), certificate_code(k), f"apl_bulk{k:010d}"
    report = "sha256:" + hashlib.sha256(f"bulk-report-{k}".encode()).hexdigest()
    yield (
        "applications",
        {
            "public_id": application,
            "provider_id": pid,
            "standard": ref,
            "standard_slug": SLUG,
            "provider_types": json.dumps(facts.types),
            "corridors": json.dumps(facts.corridors),
            "countries": json.dumps(
                sorted({facts.country} | {c for x in facts.corridors for c in x.split("-")})
            ),
            "state": "certified",
            "auditor_id": ctx.auditor_id,
            "audit_date": at.date(),
            "cycle": cycle,
            "cycle_key": f"{pid}|{SLUG}|{cycle}",
            "created_at": at,
            "created_by": ACTOR,
            "updated_at": at,
        },
    )
    yield (
        "decisions",
        {
            "application_id": application,
            "provider_id": pid,
            "assessment_id": f"asm_bulk{k:010d}",
            "outcome": "certified",
            "grade": _grade(score),
            "score": score,
            "reasons": "[]",
            "report_digest": report,
            "standard": ref,
            "decided_by": ACTOR,
            "decided_at": at,
        },
    )
    rev, sus = _slot(k, 0x1F, ctx), _slot(k, 0x2E, ctx)
    url = ctx.public_url
    slug, _, version = ref.partition("@")
    until = add_months(at, ctx.validity_months)
    signed = create_proof(
        build_certificate(
            CertificateFacts(
                credential_url=f"{url}/credentials/{public_id}",
                code=code,
                issuer=ctx.did,
                context_url=f"{url}/contexts/rightsmark/v1",
                valid_from=at,
                valid_until=until,
                provider_id=pid,
                legal_name=facts.legal_name,
                country=facts.country,
                licences=facts.licences,
                standard_slug=slug,
                standard_version=version,
                standard_digest=ctx.standards[ref],
                standard_url=f"{url}/api/v1/standards/{slug}/versions/{version}",
                provider_types=facts.types,
                corridors=facts.corridors,
                grade=_grade(score),
                score=score,
                report_digest=report,
                statuses=[
                    StatusEntry("revocation", f"{url}/api/v1/status/revocation/{rev[0]}", rev[1]),
                    StatusEntry("suspension", f"{url}/api/v1/status/suspension/{sus[0]}", sus[1]),
                ],
            )
        ),
        ctx.private_key,
        ctx.verification_method,
        created=iso_utc(at),
    )
    credential = canonical_json(signed)
    # 1 in 50 suspended, 1 in 100 revoked: the status lists have bits to publish.
    state = "revoked" if k % 100 == 7 else "suspended" if k % 50 == 3 else "active"
    changed = at + dt.timedelta(days=30) if state != "active" else at
    log_index = stream.size
    yield (
        "certificates",
        {
            "public_id": public_id,
            "code": code,
            "application_id": application,
            "provider_id": pid,
            "legal_name": facts.legal_name,
            "standard": ref,
            "grade": _grade(score),
            "score": score,
            "report_digest": report,
            "valid_from": at,
            "valid_until": until,
            "state": state,
            "state_reason": None if state == "active" else "bulk-loaded change",
            "state_changed_at": changed,
            "surveillance_due": add_months(at, ctx.surveillance_months),
            "surveillance_overdue": False,
            "revocation_list": rev[0],
            "revocation_index": rev[1],
            "revocation_slot": f"{rev[0]}:{rev[1]}",
            "suspension_list": sus[0],
            "suspension_index": sus[1],
            "suspension_slot": f"{sus[0]}:{sus[1]}",
            "verification_method": ctx.verification_method,
            "credential": credential.decode(),
            "issued_at": at,
            "issued_by": ACTOR,
            "log_index": log_index,
        },
    )
    yield (
        "certificate_events",
        {
            "certificate_id": public_id,
            "action": "issued",
            "actor": ACTOR,
            "reason": f"decision on {application}",
            "cause": None,
            "at": at,
        },
    )
    yield from _log(
        stream,
        "certificate.issued",
        {
            "certificate": public_id,
            "code": code,
            "application": application,
            "provider": pid,
            "standard": ref,
        },
        at,
        {
            "credential": "sha256:" + hashlib.sha256(credential).hexdigest(),
            "report": report,
            "rule_set": ctx.standards[ref],
        },
    )
    if state != "active":
        action = "suspended" if state == "suspended" else "revoked"
        yield (
            "certificate_events",
            {
                "certificate_id": public_id,
                "action": action,
                "actor": ACTOR,
                "reason": "bulk-loaded change",
                "cause": None,
                "at": changed,
            },
        )
        yield from _log(
            stream, f"certificate.{action}", {"certificate": public_id, "code": code}, changed
        )


def records(providers: int, certificates: int, ctx: Context) -> Iterator[Record]:
    """Every row of the bulk load, providers first; a generator, never a list of rows."""
    for p in range(providers):
        yield "providers", provider_row(p, ctx.start)
    stream = LogStream(ctx.log_size, ctx.frontier)
    for k in range(certificates):
        yield from certificate_records(k, providers, certificates, ctx, stream)
    yield "log_head", {"size": stream.size}
