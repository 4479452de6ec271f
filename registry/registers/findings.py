"""What a licence's status in its national register does to the provider's certificates.

- cancelled, suspended, delisted or banned (matched by number and authority): a critical
  finding under the licence indicator (LAW-1) is opened and every valid certificate of the
  provider is suspended through the normal path, with the reason, logged;
- expired: a warning finding; the provider sees it in its portal and its API record, and has
  the grace of the indicator's class in the certificate's standard (`close_within_days` of
  `critical` under core-rights: 30 days) to renew. Still expired after that: the warning
  becomes a critical finding and suspends, as above;
- valid again: the finding is closed. A certificate whose suspension was caused by a licence
  finding, with none of the provider's licence findings still open, is reinstated (logged);
  one suspended for any other reason stays suspended, for the secretariat to reinstate.

A match by name alone, and a licence not found, change no finding: they are recorded on the
licence and shown, for the secretariat to look into.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Final

from registry.certificates import service as certificates
from registry.certificates.tables import CertificateEventRow, CertificateRow
from registry.clock import iso_utc
from registry.outbox.events import LICENCE_INVALID, emit
from registry.registers.model import ADVERSE, RegisterStatus, number_key
from registry.registers.tables import LicenceFindingRow
from registry.standards.service import get_ruleset
from registry.transparency.log import append_event
from standards.model import NonConformityClass

ACTOR: Final = "system:registers"
INDICATOR: Final = "LAW-1"
DEFAULT_GRACE_DAYS: Final = 30  # when no standard of the provider's certificates says


@dataclass(frozen=True, slots=True)
class Action:
    """One thing an import did: to a certificate (`certificate` is its id) or to a licence
    finding (`certificate` is the provider's id, `code` the licence number)."""

    certificate: str
    code: str
    action: str  # finding_warning | finding_opened | finding_closed | suspended | reinstated
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "certificate": self.certificate,
            "code": self.code,
            "action": self.action,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Seen:
    """A provider's licence as the register shows it, matched by number and authority."""

    provider_id: str
    country: str
    number: str
    status: RegisterStatus
    authority: str  # the register's
    import_id: str
    imported_at: dt.datetime


async def _valid_certificates(provider_id: str, now: dt.datetime) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await CertificateRow.select().where(
        (CertificateRow.provider_id == provider_id)
        & (CertificateRow.state == "active")
        & (CertificateRow.valid_until > now)
    )
    return rows


async def grace_days(provider_id: str, now: dt.datetime) -> int:
    """The grace an expired licence gets: the shortest `close_within_days` of the licence
    indicator's class among the standards of the provider's valid certificates."""
    found: list[int] = []
    for standard in {row["standard"] for row in await _valid_certificates(provider_id, now)}:
        slug, _, version = standard.partition("@")
        ruleset = await get_ruleset(slug, version)
        indicator = ruleset.indicator(INDICATOR)
        klass = indicator.failure_class if indicator else NonConformityClass.CRITICAL
        rule = ruleset.non_conformities.get(klass)
        if rule is not None and rule.close_within_days is not None:
            found.append(rule.close_within_days)
    return min(found) if found else DEFAULT_GRACE_DAYS


async def open_finding(provider_id: str, country: str, number: str) -> dict[str, Any] | None:
    rows: list[dict[str, Any]] = await LicenceFindingRow.select().where(
        (LicenceFindingRow.provider_id == provider_id)
        & (LicenceFindingRow.country == country)
        & (LicenceFindingRow.state != "closed")
    )
    for row in rows:
        if number_key(row["number"]) == number_key(number):
            return row
    return None


def summary(row: dict[str, Any]) -> dict[str, str | None]:
    """What a licence's verification record says of its finding (public: no free text but
    the dates and states)."""
    return {
        "id": row["public_id"],
        "indicator": row["indicator"],
        "state": row["state"],
        "due_at": iso_utc(row["due_at"]) if row["due_at"] is not None else None,
    }


async def _log(row: dict[str, Any], state: str, at: dt.datetime) -> None:
    subject = {
        "provider": row["provider_id"],
        "finding": row["public_id"],
        "licence_country": row["country"],
        "indicator": row["indicator"],
        "state": state,
        "register_status": row["register_status"],
    }
    index = await append_event("provider.licence_finding", subject, actor_role="system", at=at)
    if state == "closed":
        return
    # The licence found invalid (a warning for an expired one, open for the rest): once per
    # finding, state and register status, with what the log says of it.
    data = {
        "provider": {"id": row["provider_id"]},
        "finding": {k: subject[k] for k in ("finding", "licence_country", "state")}
        | {"register_status": row["register_status"]},
    }
    await emit(
        LICENCE_INVALID, data, at=at, log_index=index, provider_id=row["provider_id"],
        dedupe=f"licence:{row['public_id']}:{state}:{row['register_status']}",
    )  # fmt: skip


def _describe(seen: Seen) -> str:
    return (
        f"licence {seen.number} ({seen.country}) is {seen.status.value} in the "
        f"{seen.authority} register imported {iso_utc(seen.imported_at)[:10]}"
    )


async def apply(seen: Seen, now: dt.datetime) -> list[Action]:
    """The findings and certificate changes that follow from one licence's status."""
    current = await open_finding(seen.provider_id, seen.country, seen.number)
    if seen.status is RegisterStatus.VALID:
        return await _close(current, seen, now) if current else []
    if seen.status not in ADVERSE and seen.status is not RegisterStatus.EXPIRED:
        return []
    actions: list[Action] = []
    if current is None:
        current = await _insert(seen, now)
        if seen.status is RegisterStatus.EXPIRED:
            return [Action(seen.provider_id, seen.number, "finding_warning", current["reason"])]
        actions.append(Action(seen.provider_id, seen.number, "finding_opened", current["reason"]))
    elif current["state"] == "warning":
        overdue = current["due_at"] is not None and now >= current["due_at"]
        if seen.status is RegisterStatus.EXPIRED and not overdue:
            return []
        why = _describe(seen) + (
            f"; not renewed by {iso_utc(current['due_at'])[:10]}" if overdue else ""
        )
        current = await _update(current, seen, now, state="open", reason=why, escalated_at=now)
        actions.append(Action(seen.provider_id, seen.number, "finding_opened", why))
    elif current["register_status"] != seen.status.value:
        current = await _update(current, seen, now, state="open", reason=_describe(seen))
    return actions + await _suspend(current, now)


async def _insert(seen: Seen, now: dt.datetime) -> dict[str, Any]:
    expired = seen.status is RegisterStatus.EXPIRED
    due = now + dt.timedelta(days=await grace_days(seen.provider_id, now)) if expired else None
    reason = _describe(seen)
    if due is not None:
        reason += f"; renew it by {iso_utc(due)[:10]} or its certificates are suspended"
    public_id = f"lf_{secrets.token_hex(8)}"
    await LicenceFindingRow.insert(
        LicenceFindingRow(
            public_id=public_id,
            provider_id=seen.provider_id,
            country=seen.country,
            number=seen.number,
            indicator=INDICATOR,
            failure_class=NonConformityClass.CRITICAL.value,
            register_status=seen.status.value,
            state="warning" if expired else "open",
            reason=reason,
            opened_at=now,
            due_at=due,
            escalated_at=None if expired else now,
            import_id=seen.import_id,
        )
    ).run()
    row = await _row(public_id)
    await _log(row, row["state"], now)
    return row


async def _row(public_id: str) -> dict[str, Any]:
    row = await LicenceFindingRow.select().where(LicenceFindingRow.public_id == public_id).first()
    assert row is not None  # written in this transaction
    return row


async def _update(
    row: dict[str, Any], seen: Seen, now: dt.datetime, **columns: Any
) -> dict[str, Any]:
    values = {"register_status": seen.status.value, "import_id": seen.import_id, **columns}
    await LicenceFindingRow.update(
        {getattr(LicenceFindingRow, k): v for k, v in values.items()}
    ).where(LicenceFindingRow.id == row["id"])
    fresh = await _row(row["public_id"])
    await _log(fresh, fresh["state"], now)
    return fresh


async def _caused_by(public_id: str, action: str) -> str | None:
    """The cause recorded on the certificate's latest event of this kind."""
    latest = (
        await CertificateEventRow.select(CertificateEventRow.cause)
        .where(
            (CertificateEventRow.certificate_id == public_id)
            & (CertificateEventRow.action == action)
        )
        .order_by(CertificateEventRow.id, ascending=False)
        .first()
    )
    return None if latest is None else latest["cause"]


async def _suspend(finding: dict[str, Any], now: dt.datetime) -> list[Action]:
    """Suspend each valid certificate of the provider, once per finding: one the
    secretariat reinstated since is not suspended again for the same finding."""
    reason = (
        f"{finding['reason']}: {finding['indicator']} (a valid licence in each country of "
        f"operation) not met, a critical finding ({finding['public_id']})"
    )
    actions: list[Action] = []
    for row in await _valid_certificates(finding["provider_id"], now):
        await certificates.lock(row["public_id"])
        fresh = await certificates.find(row["public_id"])
        if fresh["state"] != "active" or await CertificateEventRow.exists().where(
            (CertificateEventRow.certificate_id == row["public_id"])
            & (CertificateEventRow.cause == finding["public_id"])
        ):
            continue
        await certificates.apply_change(
            fresh, "suspend", reason, ACTOR, at=now, cause=finding["public_id"]
        )
        actions.append(Action(row["public_id"], row["code"], "suspended", reason))
    return actions


async def _close(finding: dict[str, Any], seen: Seen, now: dt.datetime) -> list[Action]:
    why = f"{_describe(seen)}: finding {finding['public_id']} closed"
    await _update(finding, seen, now, state="closed", closed_at=now, reason=why)
    actions = [Action(seen.provider_id, seen.number, "finding_closed", why)]
    if await LicenceFindingRow.exists().where(
        (LicenceFindingRow.provider_id == seen.provider_id) & (LicenceFindingRow.state == "open")
    ):
        return actions  # another licence still keeps the certificates suspended
    suspended: list[dict[str, Any]] = await CertificateRow.select().where(
        (CertificateRow.provider_id == seen.provider_id) & (CertificateRow.state == "suspended")
    )
    for row in suspended:
        cause = await _caused_by(row["public_id"], "suspended")
        if cause is None or not cause.startswith("lf_"):
            continue  # suspended for another reason: the secretariat decides
        if now >= row["valid_until"]:
            continue  # expired meanwhile: nothing to reinstate
        await certificates.lock(row["public_id"])
        fresh = await certificates.find(row["public_id"])
        if fresh["state"] != "suspended":
            continue
        reason = (
            f"licence {seen.number} ({seen.country}) is valid again in the {seen.authority} "
            f"register imported {iso_utc(seen.imported_at)[:10]}; the suspension had no "
            "other reason"
        )
        await certificates.apply_change(
            fresh, "reinstate", reason, ACTOR, at=now, cause=finding["public_id"]
        )
        actions.append(Action(row["public_id"], row["code"], "reinstated", reason))
    return actions
