"""Erasure of complainants' personal data, on request or once the retention period after
closing has passed (`RIGHTSMARK_COMPLAINT_RETENTION_DAYS`; `rightsmark complaints erase`).

Erased: the contact details, the description, every message body, the outcome's reasons,
remedy details, the file names, and the (sealed) files themselves. Kept: the case's
reference, provider, categories, dates, state and outcome (the public counts), its trail of
who acted (ids only), and the transparency log, which never held personal data: its
description digest pins a sealed text now gone.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from registry.accounts import Actor, Role
from registry.assessments import store
from registry.clock import utc_now
from registry.complaints import cases, rules
from registry.complaints.tables import (
    AppealRow,
    ComplaintAttachmentRow,
    ComplaintMessageRow,
    ComplaintRow,
    RemedyRow,
)
from registry.db.database import after_commit, write_transaction
from registry.errors import ConflictError, ForbiddenError
from registry.settings import get_settings


async def erase(reference: str, actor: Actor | None, *, label: str = "system:retention") -> None:
    """Erase one case's personal data now (the secretariat, on the complainant's request)."""
    if actor is not None and actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("erasure is done by the secretariat")
    who = actor.label if actor is not None else label
    async with write_transaction():
        row = await cases.locked(reference)
        if row["erased_at"] is not None:
            raise ConflictError(f"complaint {reference} was already erased")
        digests = await _erase_rows(reference)
        await cases.record(reference, "erased", who)
        after_commit(lambda: _delete_files(digests))


async def _erase_rows(reference: str) -> list[str]:
    await (
        ComplaintRow.update(
            {
                ComplaintRow.contact_sealed: None,
                ComplaintRow.description_sealed: None,
                ComplaintRow.outcome_reasons_sealed: None,
                ComplaintRow.erased_at: utc_now(),
            }
        )
        .where(ComplaintRow.reference == reference)
        .run()
    )
    await (
        ComplaintMessageRow.update({ComplaintMessageRow.body_sealed: None})
        .where(ComplaintMessageRow.complaint == reference)
        .run()
    )
    await (
        RemedyRow.update({RemedyRow.details_sealed: None})
        .where(RemedyRow.complaint == reference)
        .run()
    )
    appeals = [
        r["public_id"]
        for r in await AppealRow.select(AppealRow.public_id).where(AppealRow.target == reference)
    ]
    await (
        AppealRow.update({AppealRow.reasons_sealed: None, AppealRow.decision_reasons_sealed: None})
        .where(AppealRow.target == reference)
        .run()
    )
    owners = [reference, *appeals]
    files = await ComplaintAttachmentRow.select(ComplaintAttachmentRow.stored_sha256).where(
        ComplaintAttachmentRow.owner.is_in(owners)
    )
    await (
        ComplaintAttachmentRow.update({ComplaintAttachmentRow.filename_sealed: None})
        .where(ComplaintAttachmentRow.owner.is_in(owners))
        .run()
    )
    # Each upload is sealed with its own nonce, so no other record shares its stored file.
    return [f["stored_sha256"] for f in files]


def _delete_files(digests: list[str]) -> None:
    for digest in digests:
        with contextlib.suppress(FileNotFoundError, ValueError):
            store.blob_path(digest).unlink()


async def erase_expired(now: dt.datetime | None = None) -> list[str]:
    """Erase every case closed longer ago than the retention period; the references."""
    now = now or utc_now()
    cutoff = now - dt.timedelta(days=get_settings().complaint_retention_days)
    rows = await ComplaintRow.select(ComplaintRow.reference).where(
        (ComplaintRow.state == rules.CaseState.CLOSED.value)
        & (ComplaintRow.closed_at < cutoff)
        & ComplaintRow.erased_at.is_null()
    )
    erased = []
    for row in rows:
        with contextlib.suppress(ConflictError):  # erased meanwhile by another run
            await erase(row["reference"], None)
            erased.append(row["reference"])
    return erased
