"""Supplier-list checks: a CSV matched to the register, row by row, with each supplier's
standing - for anyone (a public check, its URL the only key) or for an employer's upload
into a watchlist (then only that account sees it, and reviews doubtful matches first).

Short lists are checked at once. Longer ones (over `AT_ONCE` rows) are queued and checked
`BATCH` rows at a time: by whoever asks for the check's progress (the report page's refresh,
the API's poll) and by the `serve` process's worker (`resume_pending`), so nothing depends
on a process staying up. The state is all in the row: the parsed suppliers, how many are
done, and the finished rows' results. A batch is written only if nobody wrote it first
(the `done` count is re-read in the writing transaction), so two workers never add a
batch twice.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Final

import msgspec
from msgspec import Struct

from registry.accounts import Actor
from registry.clock import iso_utc, utc_now
from registry.db.database import write_transaction
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.watchlists import service
from registry.watchlists.lookup import facts_for
from registry.watchlists.matcher import Facts, Match, Outcome, match_all
from registry.watchlists.standing import Standing, of_providers
from registry.watchlists.suppliers import SupplierRow, parse, write
from registry.watchlists.tables import SupplierCheckRow

AT_ONCE: Final = 50  # lists up to this many rows are checked in the request itself
BATCH: Final = 50
KEEP_DAYS: Final = 7
IDLE_SECONDS: Final = 5  # the worker takes over a check nobody has polled for this long


class Candidate(Struct, frozen=True, kw_only=True):
    id: str
    name: str
    country: str


class ReportRow(Struct, frozen=True, kw_only=True):
    """One supplier of the list: as typed, how it matched, and the register's answer."""

    line: int
    name: str
    country: str
    licence_number: str
    certificate_code: str
    outcome: str  # matched | doubtful | not_found
    rule: str  # certificate code | licence number | name | ""
    note: str
    provider_id: str | None
    candidates: tuple[Candidate, ...]
    standing: Standing | None  # the matched provider's, or the best candidate's


class Check(Struct, frozen=True, kw_only=True):
    id: str
    state: str  # queued | done | applied
    total: int
    done: int
    created_at: str
    expires_at: str
    watchlist_id: str | None
    rows: tuple[ReportRow, ...]

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(("matched", "doubtful", "not_found"), 0)
        for row in self.rows:
            found[row.outcome] += 1
        return found


def _report(match: Match, facts: Facts, standings: dict[str, Standing]) -> ReportRow:
    row = match.row
    candidates = tuple(
        Candidate(id=p.id, name=p.legal_name, country=p.country)
        for pid in match.candidates
        if (p := facts.providers.get(pid)) is not None
    )
    standing = standings.get(match.provider_id) if match.provider_id else None
    return ReportRow(
        line=row.line, name=row.name, country=row.country, licence_number=row.licence_number,
        certificate_code=row.certificate_code, outcome=match.outcome.value, rule=match.rule,
        note=match.note, provider_id=match.provider_id, candidates=candidates, standing=standing,
    )  # fmt: skip


async def check_rows(rows: Sequence[SupplierRow]) -> list[ReportRow]:
    """Match and report these rows (a few queries for the lot, a few per provider found)."""
    facts = await facts_for(rows)
    matches = match_all(rows, facts)
    ids = {m.provider_id for m in matches if m.provider_id and m.outcome is not Outcome.NOT_FOUND}
    standings = await of_providers(ids)
    return [_report(m, facts, standings) for m in matches]


def _decode_rows(text: str) -> list[SupplierRow]:
    return [SupplierRow(**item) for item in json.loads(text)]


_results = msgspec.json.Decoder(list[ReportRow])


def _view(row: dict[str, Any]) -> Check:
    return Check(
        id=row["public_id"], state=row["state"], total=int(row["total"]), done=int(row["done"]),
        created_at=iso_utc(row["created_at"]), expires_at=iso_utc(row["expires_at"]),
        watchlist_id=row["watchlist_id"], rows=tuple(_results.decode(row["results"])),
    )  # fmt: skip


async def create(
    data: bytes, *, actor: Actor | None = None, watchlist_id: str | None = None
) -> Check:
    """Parse the list (SupplierListError naming the row and field), store it, and check it
    at once when it is short. With an actor, an upload into one of its watchlists."""
    rows = parse(data)
    if actor is not None:
        if watchlist_id is None:
            raise InvalidRequestError("name the watchlist to upload into", field="watchlist_id")
        await service.get(actor, watchlist_id)  # NotFound if not the actor's
    now = utc_now()
    public_id = "chk_" + secrets.token_urlsafe(16)
    async with write_transaction():
        await SupplierCheckRow.insert(
            SupplierCheckRow(
                public_id=public_id, account_id=actor.account_id if actor else None,
                watchlist_id=watchlist_id, state="queued", total=len(rows), done=0,
                rows=json.dumps([asdict(r) for r in rows]), results="[]", created_at=now,
                updated_at=now, expires_at=now + dt.timedelta(days=KEEP_DAYS),
            )
        ).run()  # fmt: skip
    if len(rows) <= AT_ONCE:
        await step(public_id)
    return await _get(public_id, actor)


async def _get(check_id: str, actor: Actor | None = None) -> Check:
    row = await SupplierCheckRow.select().where(SupplierCheckRow.public_id == check_id).first()
    # An employer's upload is that account's alone; a public check is anyone's with its URL.
    if (
        row is None
        or row["expires_at"] <= utc_now()
        or (
            row["account_id"] is not None
            and (actor is None or actor.account_id != row["account_id"])
        )
    ):
        raise NotFoundError(f"supplier check {check_id[:60]} does not exist (or has expired)")
    return _view(row)


async def get(check_id: str, actor: Actor | None = None, *, advance: bool = True) -> Check:
    """The check as it stands, after checking one more batch when it is unfinished (so a
    poll moves it on even with no worker running)."""
    found = await _get(check_id, actor)
    if advance and found.state == "queued":
        await step(check_id)
        found = await _get(check_id, actor)
    return found


async def step(check_id: str) -> bool:
    """Check the next batch of a queued check; False when there was nothing to do."""
    row = (
        await SupplierCheckRow.select(
            SupplierCheckRow.rows,
            SupplierCheckRow.done,
            SupplierCheckRow.total,
            SupplierCheckRow.state,
        )
        .where(SupplierCheckRow.public_id == check_id)
        .first()
    )
    if row is None or row["state"] != "queued":
        return False
    start = int(row["done"])
    batch = _decode_rows(row["rows"])[start : start + BATCH]
    reports = await check_rows(batch)
    async with write_transaction():
        now_row = (
            await SupplierCheckRow.select(
                SupplierCheckRow.done, SupplierCheckRow.results, SupplierCheckRow.total
            )
            .where(SupplierCheckRow.public_id == check_id)
            .first()
        )
        if now_row is None or int(now_row["done"]) != start:
            return False  # another worker wrote this batch first
        results = json.loads(now_row["results"]) + [msgspec.to_builtins(r) for r in reports]
        done = start + len(reports)
        await SupplierCheckRow.update(
            {
                SupplierCheckRow.done: done,
                SupplierCheckRow.results: json.dumps(results),
                SupplierCheckRow.state: "done" if done >= int(now_row["total"]) else "queued",
                SupplierCheckRow.updated_at: utc_now(),
            }
        ).where(SupplierCheckRow.public_id == check_id)
    return True


async def resume_pending(*, idle_seconds: float = IDLE_SECONDS) -> int:
    """One batch of every queued check nobody has moved on for `idle_seconds` (after a
    restart: all of them), and expired checks deleted. Returns the batches done."""
    now = utc_now()
    await SupplierCheckRow.delete().where(SupplierCheckRow.expires_at <= now)
    idle = (
        await SupplierCheckRow.select(SupplierCheckRow.public_id)
        .where(
            (SupplierCheckRow.state == "queued")
            & (SupplierCheckRow.updated_at <= now - dt.timedelta(seconds=idle_seconds))
        )
        .order_by(SupplierCheckRow.id)
        .limit(20)
    )
    done = 0
    for row in idle:
        done += await step(row["public_id"])
    return done


async def apply_upload(actor: Actor, check_id: str, choices: dict[int, str]) -> list[str]:
    """Add an upload's suppliers to its watchlist: every matched row, and each doubtful row
    whose line `choices` gives a candidate's id for (`"skip"` or nothing: left out). Once."""
    found = await _get(check_id, actor)
    if found.watchlist_id is None:
        raise NotFoundError(f"supplier check {check_id} is not an upload into a watchlist")
    if found.state == "applied":
        raise ConflictError("this list was added to the watchlist already")
    if found.state != "done":
        raise ConflictError("this list is still being matched; wait for it to finish")
    entries: list[tuple[str, str | None, str | None]] = []
    for row in found.rows:
        if row.outcome == Outcome.MATCHED and row.provider_id:
            entries.append((row.provider_id, None, row.name or None))
        elif row.outcome == Outcome.DOUBTFUL:
            chosen = choices.get(row.line, "skip")
            if chosen == "skip":
                continue
            if chosen not in {c.id for c in row.candidates}:
                raise InvalidRequestError(
                    f"supplier {row.line}: choose one of its candidates or skip it",
                    field=f"rows[{row.line}]",
                )
            entries.append((chosen, None, row.name or None))
    async with write_transaction():  # the entries and the state together, or neither
        added = await service.add_many(actor, found.watchlist_id, entries)
        await SupplierCheckRow.update(
            {SupplierCheckRow.state: "applied", SupplierCheckRow.updated_at: utc_now()}
        ).where(SupplierCheckRow.public_id == check_id)
    return added


REPORT_HEADER: Final = (
    "line", "name", "country", "licence_number", "certificate_code", "outcome", "matched_by",
    "registry_id", "registry_name", "certificate", "status", "grade", "valid_until",
    "open_corrective_actions", "complaints_received", "complaints_open",
    "complaints_substantiated_24_months", "note",
)  # fmt: skip


def report_line(row: ReportRow) -> list[object]:
    """One row of the report as the CSV (and PDF) show it."""
    s = row.standing
    found: list[object] = [
        row.line, row.name, row.country, row.licence_number, row.certificate_code, row.outcome,
        row.rule, row.provider_id or "",
    ]  # fmt: skip
    if s is None:
        return [*found, *([""] * 9), row.note]
    return [
        *found, s.provider_name, s.certificate_code or "", s.status, s.grade or "",
        (s.valid_until or "")[:10], s.open_corrective_actions, s.complaints_received,
        s.complaints_open, s.complaints_substantiated_24_months, row.note,
    ]  # fmt: skip


def report_csv(found: Check) -> bytes:
    """The report as CSV, every cell defused against formula injection."""
    return write(REPORT_HEADER, [report_line(r) for r in found.rows])
