"""A certificate suspended for corrective actions comes back when they are verified closed.

The certificate is reinstated (the normal path: status lists, history, log) only when its
latest suspension was caused by this application's corrective actions (an escalated action,
or the audit whose critical finding suspended it) and no unfinished action that suspended it
remains. A suspension by the secretariat, a complaint or anything else stays until whoever
decided it lifts it.

Corrective writes name no cache topics (`registry.db.database.changes`), so they drop every
cached read: certificate pages show open actions, and a reinstatement touches the lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from registry.certificates import service as certificates
from registry.certificates.tables import CertificateEventRow, CertificateRow
from registry.corrective.rules import FINISHED
from registry.corrective.tables import CorrectiveActionRow


async def reinstate_if_clear(
    closed: dict[str, Any], actor: str, *, at: dt.datetime | None = None
) -> bool:
    """After `closed` was verified closed, in the same transaction; whether it reinstated."""
    cert = (
        await CertificateRow.select()
        .where(CertificateRow.application_id == closed["application_id"])
        .first()
    )
    if cert is None or cert["state"] != "suspended":
        return False
    last = (
        await CertificateEventRow.select(CertificateEventRow.cause)
        .where(
            (CertificateEventRow.certificate_id == cert["public_id"])
            & (CertificateEventRow.action == "suspended")
        )
        .order_by(CertificateEventRow.id, ascending=False)
        .first()
    )
    actions = await CorrectiveActionRow.select().where(
        CorrectiveActionRow.application_id == closed["application_id"]
    )
    ours = {a["public_id"] for a in actions} | {a["assessment_id"] for a in actions}
    if last is None or last["cause"] not in ours:
        return False
    still = [
        a
        for a in actions
        if a["public_id"] != closed["public_id"]
        and a["suspended_at"] is not None
        and a["progress"] not in FINISHED
    ]
    if still:
        return False
    reason = (
        f"corrective action {closed['public_id']} ({closed['klass']}, {closed['indicator']}) "
        "verified closed; no other corrective action keeps the certificate suspended"
    )
    await certificates.apply_change(
        cert, "reinstate", reason, actor, at=at, cause=closed["public_id"]
    )
    return True
