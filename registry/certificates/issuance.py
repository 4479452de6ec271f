"""Certificate issuance: the signed credential of a certified decision, stored with its
status list slots and recorded in the transparency log.

Issuance runs inside the decision's transaction, so a decision that cannot be signed (no
active key, say) is not stored either. The signed credential is stored as issued and never
changes; what changes is the certificate's state (`registry.certificates.service`), which
the status lists publish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any, Protocol

from registry import urls
from registry.applications import Application
from registry.certificates import status
from registry.certificates.codes import new_code
from registry.certificates.records import CertificateSummary
from registry.certificates.service import certificate_row, credential_url, record_event, summary
from registry.certificates.tables import CertificateRow
from registry.clock import add_months, iso_utc, utc_now, whole_seconds
from registry.outbox.events import CERTIFICATE_GRADE_CHANGED, CERTIFICATE_ISSUED, certificate_event
from registry.providers import provider_row
from registry.signing.signer import current_signer
from registry.standards import service as standards
from registry.transparency.log import append_event
from registry.trust.credential import CertificateFacts, StatusEntry, build_certificate
from registry.trust.proofs import create_proof
from registry.trust.tlog_entries import actor_role
from standards.canonical import canonical_json


class CertifiedDecision(Protocol):
    """What issuance reads of the decision (`registry.assessments.records.Decision`)."""

    @property
    def standard(self) -> str: ...  # slug@version
    @property
    def grade(self) -> str | None: ...  # always set when certified
    @property
    def score(self) -> int | float: ...
    @property
    def report_digest(self) -> str: ...


async def _unused_code() -> str:
    while True:  # 40 random bits; the unique index is the final word
        code = new_code()
        if not await CertificateRow.exists().where(CertificateRow.code == code):
            return code


async def issue(
    application: Application,
    decision: CertifiedDecision,
    actor: str,
    *,
    issued_at: dt.datetime | None = None,
) -> CertificateSummary:
    """Sign and store the certificate of a certified decision; inside its transaction."""
    signer = await current_signer()
    if decision.grade is None:
        raise ValueError("only a certified decision, which has a grade, is issued a certificate")
    slug, _, version = decision.standard.partition("@")
    version_body = await standards.get_version(slug, version)
    rules = version_body["rule_set"]["certificate"]
    provider = await provider_row(application.provider_id)
    issued_at = whole_seconds(issued_at or utc_now())
    public_id = f"crt_{secrets.token_hex(8)}"
    code = await _unused_code()
    slots = {purpose: await status.allocate(purpose) for purpose in ("revocation", "suspension")}
    valid_until = add_months(issued_at, rules["validity_months"])
    facts = CertificateFacts(
        credential_url=credential_url(public_id),
        code=code,
        issuer=signer.did,
        context_url=urls.context_url(),
        valid_from=issued_at,
        valid_until=valid_until,
        provider_id=provider["public_id"],
        legal_name=provider["legal_name"],
        country=provider["country"],
        licences=json.loads(provider["licences"]),
        standard_slug=slug,
        standard_version=version,
        standard_digest=version_body["digest"],
        standard_url=urls.standard_version_url(slug, version),
        provider_types=application.provider_types,
        corridors=application.corridors,
        grade=decision.grade,
        score=decision.score,
        report_digest=decision.report_digest,
        statuses=[
            StatusEntry(purpose, status.list_url(purpose, number), index)
            for purpose, (number, index) in slots.items()
        ],
    )
    signed = create_proof(
        build_certificate(facts),
        signer.private_key,
        signer.verification_method,
        created=iso_utc(issued_at),
    )
    (rev_list, rev_index), (sus_list, sus_index) = slots["revocation"], slots["suspension"]
    await CertificateRow.insert(
        CertificateRow(
            public_id=public_id,
            code=code,
            application_id=application.id,
            provider_id=provider["public_id"],
            legal_name=provider["legal_name"],
            standard=decision.standard,
            grade=decision.grade,
            score=float(decision.score),
            report_digest=decision.report_digest,
            valid_from=issued_at,
            valid_until=valid_until,
            state="active",
            state_reason=None,
            state_changed_at=issued_at,
            surveillance_due=add_months(issued_at, rules["surveillance_interval_months"]),
            surveillance_overdue=False,
            revocation_list=rev_list,
            revocation_index=rev_index,
            revocation_slot=f"{rev_list}:{rev_index}",
            suspension_list=sus_list,
            suspension_index=sus_index,
            suspension_slot=f"{sus_list}:{sus_index}",
            verification_method=signer.verification_method,
            credential=canonical_json(signed).decode(),
            issued_at=issued_at,
            issued_by=actor,
        )
    ).run()
    await record_event(public_id, "issued", actor, f"decision on {application.id}")
    log_index = await append_event(
        "certificate.issued",
        {
            "certificate": public_id,
            "code": code,
            "application": application.id,
            "provider": provider["public_id"],
            "standard": decision.standard,
        },
        digests={
            "credential": "sha256:" + hashlib.sha256(canonical_json(signed)).hexdigest(),
            "report": decision.report_digest,
            "rule_set": version_body["digest"],
        },
        actor_role=actor_role(actor),
        at=issued_at,
    )
    await (
        CertificateRow.update({CertificateRow.log_index: log_index})
        .where(CertificateRow.public_id == public_id)
        .run()
    )
    row = await certificate_row(public_id)
    await _notify(row, log_index)
    return summary(row)


async def _notify(row: dict[str, Any], log_index: int) -> None:
    """The outbox events of an issuance, in its transaction: issued, and grade changed when
    the provider's previous certificate under the same standard had another grade."""
    at = row["issued_at"]
    await certificate_event(
        CERTIFICATE_ISSUED, row, at=at, log_index=log_index, status="valid", grade=row["grade"],
        valid_until=iso_utc(row["valid_until"]),
    )  # fmt: skip
    slug = row["standard"].partition("@")[0]
    previous = (
        await CertificateRow.select(CertificateRow.grade, CertificateRow.public_id)
        .where(
            (CertificateRow.provider_id == row["provider_id"])
            & (CertificateRow.public_id != row["public_id"])
            & CertificateRow.standard.like(f"{slug}@%")
        )
        .order_by(CertificateRow.id, ascending=False)
        .first()
    )
    if previous is not None and previous["grade"] != row["grade"]:
        await certificate_event(
            CERTIFICATE_GRADE_CHANGED, row, at=at, log_index=log_index, grade=row["grade"],
            previous_grade=previous["grade"], previous_certificate=previous["public_id"],
        )  # fmt: skip
