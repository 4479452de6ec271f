"""Evidence use cases: upload for an application, read back, check references in findings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audits.model import EVIDENCE_PREFIX, FindingProblem, evidence_ok
from registry import urls
from registry.accounts import Actor, Role
from registry.applications import ApplicationState
from registry.assessments import store
from registry.assessments.access import can_see, visible_application
from registry.assessments.errors import UnsupportedEvidence
from registry.assessments.records import Evidence
from registry.assessments.sniff import (
    UnsupportedContent,
    filename_problem,
    media_type,
    safe_filename,
)
from registry.assessments.tables import EvidenceRow
from registry.clock import iso_utc as iso
from registry.clock import utc_now as now
from registry.corrective import workflow as corrective
from registry.corrective.records import CorrectiveAction
from registry.corrective.store import visible_row
from registry.db.database import write_transaction
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.settings import get_settings

# Evidence may be added until the decision (an amendment may bring new evidence).
_OPEN_STATES = frozenset(
    {ApplicationState.SUBMITTED, ApplicationState.AUDITOR_ASSIGNED, ApplicationState.ASSESSED}
)


@dataclass(frozen=True)
class EvidenceFile:
    path: Path
    content_type: str
    filename: str


def evidence_view(row: dict[str, Any]) -> Evidence:
    return Evidence(
        ref=EVIDENCE_PREFIX + row["sha256"],
        sha256=row["sha256"],
        application_id=row["application_id"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        uploaded_by=row["uploader_id"],
        uploaded_at=iso(row["uploaded_at"]),
        url=urls.evidence_path(row["sha256"]),
    )


async def upload(
    application_id: str,
    actor: Actor,
    chunks: AsyncIterator[bytes],
    *,
    declared_type: str | None,
    filename: str | None,
) -> tuple[Evidence, bool]:
    """Store a file for an application; returns (evidence, created). The same bytes for the
    same application are stored and linked once."""
    application = await visible_application(application_id, actor)
    if actor.role is Role.SECRETARIAT:
        raise ForbiddenError("evidence is uploaded by the assigned auditor or the provider")
    if application.state not in _OPEN_STATES and not (
        # After the decision, the provider still brings evidence of corrective actions.
        actor.role is Role.PROVIDER and await corrective.has_unfinished(application_id)
    ):
        raise ConflictError(f"application {application_id} is {application.state}")
    problem = filename_problem(filename)
    if problem is not None:
        raise InvalidRequestError(f"{filename!r}: {problem}", field="filename")
    try:
        content_type = media_type(declared_type)
    except UnsupportedContent as exc:
        raise UnsupportedEvidence(str(exc)) from exc
    limit = get_settings().evidence_max_bytes
    blob = await store.write_blob(chunks, content_type=content_type, limit=limit)
    key = f"{application_id}:{blob.sha256}"
    async with write_transaction():
        existing = await EvidenceRow.select().where(EvidenceRow.application_sha256 == key).first()
        if existing is not None:
            return evidence_view(existing), False
        row = EvidenceRow(
            application_sha256=key,
            sha256=blob.sha256,
            application_id=application_id,
            provider_id=application.provider_id,
            uploader_id=actor.account_id,
            uploaded_by=actor.label,
            filename=safe_filename(filename, content_type),
            content_type=content_type,
            size=blob.size,
            uploaded_at=now(),
        )
        # A concurrent upload of the same bytes for the same application may commit first
        # (PostgreSQL; SQLite serialises the two): then it stored this record, so answer
        # with it instead of failing on the unique key.
        inserted = await (
            EvidenceRow.insert(row)
            .on_conflict(target=EvidenceRow.application_sha256, action="DO NOTHING")
            .returning(EvidenceRow.id)
            .run()
        )
        saved = await EvidenceRow.select().where(EvidenceRow.application_sha256 == key).first()
    assert saved is not None
    return evidence_view(saved), bool(inserted)


async def open_evidence(sha256: str, actor: Actor) -> EvidenceFile:
    """The file, when `actor` may see an application it was uploaded for; else NotFoundError."""
    digest = sha256.removeprefix(EVIDENCE_PREFIX).lower()
    missing = NotFoundError(f"evidence {sha256} does not exist")
    try:
        path = store.blob_path(digest)
    except ValueError:
        raise missing from None
    for row in (
        await EvidenceRow.select().where(EvidenceRow.sha256 == digest).order_by(EvidenceRow.id)
    ):
        try:
            application = await visible_application(row["application_id"], actor)
        except NotFoundError:
            continue
        if can_see(application, actor) and path.is_file():
            return EvidenceFile(path, row["content_type"], row["filename"])
    raise missing


async def list_for_application(application_id: str, actor: Actor) -> list[Evidence]:
    await visible_application(application_id, actor)
    rows = (
        await EvidenceRow.select()
        .where(EvidenceRow.application_id == application_id)
        .order_by(EvidenceRow.id)
    )
    return [evidence_view(r) for r in rows]


async def reference_problems(
    application_id: str, references: Sequence[tuple[str, str]]
) -> list[FindingProblem]:
    """A problem for each (JSON path, `sha256:...`) not uploaded for this application."""
    if not references:
        return []
    digests = list({ref.removeprefix(EVIDENCE_PREFIX) for _, ref in references})
    known = {
        row["sha256"]
        for row in await EvidenceRow.select(EvidenceRow.sha256).where(
            (EvidenceRow.application_id == application_id) & EvidenceRow.sha256.is_in(digests)
        )
    }
    return [
        FindingProblem(
            path,
            "unknown_evidence",
            f"`{ref}` is not in the evidence uploaded for application {application_id}",
        )
        for path, ref in references
        if ref.removeprefix(EVIDENCE_PREFIX) not in known
    ]


async def submit_corrective_evidence(
    action_id: str, actor: Actor, *, references: Sequence[str], note: str | None
) -> CorrectiveAction:
    """The provider's evidence of closure: files already uploaded for the action's
    application (`sha256:...`), each checked here, and a note."""
    refs = list(references)
    for i, ref in enumerate(refs):
        if not isinstance(ref, str) or not evidence_ok([ref]):
            raise InvalidRequestError(
                f"evidence[{i}] is not a reference of the form sha256:<64 hex>", field="evidence"
            )
    async with write_transaction():
        action = await corrective_action_application(action_id, actor)
        problems = await reference_problems(
            action, [(f"$.evidence[{i}]", ref) for i, ref in enumerate(refs)]
        )
        if problems:
            raise InvalidRequestError(problems[0].message, field="evidence")
        return await corrective.submit_evidence(
            action_id,
            actor,
            digests=[ref.removeprefix(EVIDENCE_PREFIX) for ref in refs],
            note=note,
        )


async def corrective_action_application(action_id: str, actor: Actor) -> str:
    row, _ = await visible_row(action_id, actor)
    return str(row["application_id"])
