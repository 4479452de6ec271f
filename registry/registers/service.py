"""Importing a national licence register and applying it to the providers' licences.

`import_register` reads the file (nothing is stored when it does not parse), stores it, and
in the same transaction checks every provider licence of that country against it: each gets
`checked_against_register` with the register's status, how it was matched and when the
register was imported; each change of status is logged (`provider.licence_checked`), the
import itself once (`register.imported`: country, counts, the file's digest); the findings
and suspensions that follow are `registry.registers.findings`'. `reapply` (run by
`rightsmark lifecycle run`) applies the latest register of each country again: licences
listed since are checked, and expired licences past their grace escalate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any, Final

from registry import countries as cc
from registry.clock import iso_utc, utc_now
from registry.db.database import write_transaction
from registry.db.tables import ProviderRow
from registry.errors import InvalidRequestError
from registry.providers import LicenceCheck, licences_of
from registry.registers import findings, formats
from registry.registers.findings import Action, Seen
from registry.registers.matching import RegisterIndex
from registry.registers.model import MatchKind, Register, RegisterFormatError
from registry.registers.tables import RegisterImportRow
from registry.transparency.log import append_event

MAX_FILE_NAME: Final = 300


@dataclass(frozen=True, slots=True)
class LicenceChange:
    provider_id: str
    country: str
    number: str
    before: str | None  # the register status it had, None when never checked against one
    after: str
    match: str  # number | name | none


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    import_id: str
    country: str
    authority: str
    digest: str
    entries: int
    matched: int
    changed: int
    log_index: int | None
    changes: list[LicenceChange] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "import": self.import_id,
            "country": self.country,
            "authority": self.authority,
            "digest": self.digest,
            "entries": self.entries,
            "matched": self.matched,
            "changed": self.changed,
            "log_index": self.log_index,
            "changes": [_change_dict(c) for c in self.changes],
            "actions": [a.to_dict() for a in self.actions],
        }


def _change_dict(change: LicenceChange) -> dict[str, str | None]:
    return {
        "provider": change.provider_id,
        "country": change.country,
        "number": change.number,
        "before": change.before,
        "after": change.after,
        "match": change.match,
    }


def parse(country: str, data: bytes, file_name: str) -> Register:
    """The register, or InvalidRequestError naming the problems (with their lines)."""
    code = cc.country(country, field="country")
    try:
        return formats.parse(code, data, file_name)
    except RegisterFormatError as exc:
        raise InvalidRequestError(str(exc), field="file") from exc


async def import_register(
    country: str, data: bytes, file_name: str, actor: str, *, now: dt.datetime | None = None
) -> ImportOutcome:
    """Store and apply a register file: all of it, or (on any error) nothing."""
    register = parse(country, data, file_name)
    now = now or utc_now()
    import_id = f"rim_{secrets.token_hex(8)}"
    async with write_transaction():
        matched, changes, actions = await _apply(register, import_id, now, now)
        index = await append_event(
            "register.imported",
            {
                "import": import_id,
                "country": register.country,
                "entries": str(len(register.entries)),
                "matched": str(matched),
                "changed": str(len(changes)),
            },
            digests={"register": register.digest},
            actor_role=actor.partition(":")[0] if ":" in actor else "system",
            at=now,
        )
        await RegisterImportRow.insert(
            RegisterImportRow(
                public_id=import_id,
                country=register.country,
                authority=register.authority,
                file_name=file_name[:MAX_FILE_NAME],
                digest=register.digest,
                content=data.decode("utf-8-sig"),
                entries=len(register.entries),
                matched=matched,
                changed=len(changes),
                imported_at=now,
                imported_by=actor[:64],
                log_index=index,
            )
        ).run()
    return ImportOutcome(
        import_id=import_id,
        country=register.country,
        authority=register.authority,
        digest=register.digest,
        entries=len(register.entries),
        matched=matched,
        changed=len(changes),
        log_index=index,
        changes=changes,
        actions=actions,
    )


async def latest_imports() -> list[dict[str, Any]]:
    """The latest import of each country (without the file)."""
    rows: list[dict[str, Any]] = await RegisterImportRow.select(
        *(c for c in RegisterImportRow._meta.columns if c._meta.name != "content")
    ).order_by(RegisterImportRow.imported_at, ascending=False)
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        latest.setdefault(row["country"], row)
    return [latest[c] for c in sorted(latest)]


async def reapply(now: dt.datetime | None = None) -> list[Action]:
    """Apply the latest register of each country again, each in its own transaction."""
    now = now or utc_now()
    actions: list[Action] = []
    for latest in await latest_imports():
        row = await RegisterImportRow.select().where(RegisterImportRow.id == latest["id"]).first()
        assert row is not None  # imports are never deleted
        register = formats.parse(row["country"], row["content"].encode("utf-8"), row["file_name"])
        async with write_transaction():
            _, _, done = await _apply(register, row["public_id"], row["imported_at"], now)
        actions += done
    return actions


async def _apply(
    register: Register, import_id: str, imported_at: dt.datetime, now: dt.datetime
) -> tuple[int, list[LicenceChange], list[Action]]:
    index = RegisterIndex(register)
    source = (
        f"{register.authority} register imported {iso_utc(imported_at)[:10]} ({import_id}, "
        f"{register.digest[:19]})"
    )
    rows = await ProviderRow.select().where(ProviderRow.licences.like(f'%"{register.country}"%'))
    matched = 0
    changes: list[LicenceChange] = []
    actions: list[Action] = []
    for row in rows:
        licences = licences_of(row)
        names = [row["legal_name"], *json.loads(row["trading_names"])]
        dirty = False
        for item in licences:
            if item["country"] != register.country:
                continue
            match = index.match(item["number"], item["issuing_authority"], names)
            matched += match.kind is not MatchKind.NONE
            before = item["verification"]
            after: dict[str, Any] = {
                "state": LicenceCheck.CHECKED_AGAINST_REGISTER.value,
                "checked_at": iso_utc(imported_at),
                "source": source,
                "register_status": match.status.value,
                "match": match.kind.value,
            }
            if match.kind is MatchKind.NUMBER:
                seen = Seen(
                    provider_id=row["public_id"],
                    country=register.country,
                    number=item["number"],
                    status=match.status,
                    authority=register.authority,
                    import_id=import_id,
                    imported_at=imported_at,
                )
                actions += await findings.apply(seen, now)
                finding = await findings.open_finding(row["public_id"], seen.country, seen.number)
                if finding is not None:
                    after["finding"] = findings.summary(finding)
            if before != after:
                item["verification"], dirty = after, True
            if (before.get("register_status"), before.get("match")) != (
                after["register_status"],
                after["match"],
            ):
                changes.append(await _log_change(row, item, before, after, now))
        if dirty:
            await ProviderRow.update({ProviderRow.licences: json.dumps(licences)}).where(
                ProviderRow.id == row["id"]
            )
    return matched, changes, actions


async def _log_change(
    row: dict[str, Any],
    item: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    now: dt.datetime,
) -> LicenceChange:
    await append_event(
        "provider.licence_checked",
        {
            "provider": row["public_id"],
            "licence_country": item["country"],
            "state": after["state"],
            "register_status": after["register_status"],
            "match": after["match"],
        },
        digests={"licence": hashlib.sha256(item["number"].encode("utf-8")).hexdigest()},
        actor_role="system",
        at=now,
    )
    return LicenceChange(
        provider_id=row["public_id"],
        country=item["country"],
        number=item["number"],
        before=before.get("register_status"),
        after=after["register_status"],
        match=after["match"],
    )
