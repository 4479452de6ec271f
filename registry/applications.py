"""Applications for certification and their state machine.

    submitted -> auditor_assigned -> assessed -> certified | not_certified
    submitted | auditor_assigned | assessed -> withdrawn

Every transition is written to `application_events` with who, when and why. The scope
(provider types, corridors) is a snapshot taken at application time: later edits of the
organisation do not change what was applied for. `cycle` counts certification cycles of a
provider against a standard slug: 1 + the number of its earlier applications for that slug
that reached a decision, so a withdrawn application does not move the rotation rule on.
The database keeps one live application per (provider, slug, cycle): `cycle_key` is
"<provider>|<slug>|<cycle>" on insert and NULL once withdrawn, under a unique index, so
two concurrent applications that both pass the open-application check cannot both commit
(the loser answers 409).

Other packages (assessments, decisions) use `get_application`, `record_transition`,
`visible_to` and `ApplicationState`; private records that a caller may not see answer 404
as if absent, so their existence does not leak.
"""

from __future__ import annotations

import json
import secrets
from enum import StrEnum
from typing import Any

import msgspec

from registry import countries as cc
from registry import providers, urls
from registry.accounts import Actor, Role, bound_provider
from registry.clock import iso_utc as _iso
from registry.clock import utc_now as _now
from registry.db.database import lock_row, write_transaction
from registry.db.races import unique_violation_raises
from registry.db.tables import ApplicationEventRow, ApplicationRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.standards import service as standards
from standards.errors import StandardNotFound


class ApplicationState(StrEnum):
    SUBMITTED = "submitted"
    AUDITOR_ASSIGNED = "auditor_assigned"
    ASSESSED = "assessed"
    CERTIFIED = "certified"
    NOT_CERTIFIED = "not_certified"
    WITHDRAWN = "withdrawn"


S = ApplicationState
TRANSITIONS: dict[ApplicationState, frozenset[ApplicationState]] = {
    S.SUBMITTED: frozenset({S.AUDITOR_ASSIGNED, S.WITHDRAWN}),
    S.AUDITOR_ASSIGNED: frozenset({S.ASSESSED, S.WITHDRAWN}),
    S.ASSESSED: frozenset({S.CERTIFIED, S.NOT_CERTIFIED, S.WITHDRAWN}),
    S.CERTIFIED: frozenset(),
    # Only an appeal that overturns the refusal re-opens it, to be decided again
    # (`registry.complaints.appeals`); nothing else moves a decided application.
    S.NOT_CERTIFIED: frozenset({S.ASSESSED}),
    S.WITHDRAWN: frozenset(),
}
OPEN_STATES = frozenset({S.SUBMITTED, S.AUDITOR_ASSIGNED, S.ASSESSED})
DECIDED_STATES = frozenset({S.CERTIFIED, S.NOT_CERTIFIED})


class Application(msgspec.Struct, frozen=True, kw_only=True):
    """An application as the use cases return it, answered as is by the API (`ApplicationOut`).
    `provider_types`, `corridors` and `countries` are the snapshot taken at application
    time, `audit_date` an ISO date once an auditor is assigned."""

    id: str
    provider_id: str
    standard: str
    provider_types: list[str]
    corridors: list[str]
    countries: list[str]
    state: ApplicationState
    auditor_id: str | None
    audit_date: str | None
    cycle: int
    created_at: str
    updated_at: str


class ApplicationEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One transition of an application's history (`from_state` None for the first)."""

    from_state: str | None
    to_state: str
    actor: str
    reason: str | None
    at: str


def view(row: dict[str, Any]) -> Application:
    audit_date = row["audit_date"]
    return Application(
        id=row["public_id"],
        provider_id=row["provider_id"],
        standard=row["standard"],
        provider_types=json.loads(row["provider_types"]),
        corridors=json.loads(row["corridors"]),
        countries=json.loads(row["countries"]),
        state=ApplicationState(row["state"]),
        auditor_id=row["auditor_id"],
        audit_date=audit_date.isoformat() if audit_date else None,
        cycle=row["cycle"],
        created_at=_iso(row["created_at"]),
        updated_at=_iso(row["updated_at"]),
    )


async def application_row(application_id: str) -> dict[str, Any]:
    row = (
        await ApplicationRow.select()
        .where(ApplicationRow.public_id == application_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFoundError(f"application {application_id} does not exist")
    return row


async def lock_application(application_id: str) -> None:
    """Inside a write transaction: filing, amending, deciding and withdrawing one application
    run one after the other (`registry.db.database.lock_row`)."""
    await lock_row(ApplicationRow.public_id, application_id)


async def get_application(application_id: str) -> Application:
    """The application (see `view`); NotFoundError when there is none."""
    return view(await application_row(application_id))


async def visible_to(application: Application, actor: Actor) -> bool:
    """Secretariat: every application; provider: its own; auditor: those assigned to it."""
    if actor.role is Role.SECRETARIAT:
        return True
    if actor.role is Role.PROVIDER:
        return actor.provider_id is not None and application.provider_id == actor.provider_id
    return application.auditor_id is not None and application.auditor_id == actor.account_id


async def _insert_event(
    pk: int, from_state: str | None, to_state: str, actor: str, reason: str | None
) -> None:
    await ApplicationEventRow.insert(
        ApplicationEventRow(
            application=pk,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            reason=reason,
            at=_now(),
        )
    ).run()


async def record_transition(
    application_id: str,
    to_state: str,
    *,
    actor: str,
    reason: str | None = None,
    changes: dict[str, Any] | None = None,
) -> Application:
    """Move an application to `to_state` and record the event; returns the updated record.

    Call it INSIDE the caller's `write_transaction()`: it opens none itself, so the
    transition commits or rolls back together with the rest of the caller's use case.
    `actor` is the label audit trails record (`Actor.label`). `changes` are further
    column values to set with the state (e.g. the assigned auditor). An illegal transition
    raises ConflictError naming both states.
    """
    row = await application_row(application_id)
    current = ApplicationState(row["state"])
    try:
        target = ApplicationState(to_state)
    except ValueError:
        raise InvalidRequestError(f"{to_state!r} is not an application state") from None
    if target not in TRANSITIONS[current]:
        raise ConflictError(
            f"application {application_id} cannot go from {current.value} to {target.value}"
        )
    now = _now()
    values: dict[Any, Any] = {ApplicationRow.state: target.value, ApplicationRow.updated_at: now}
    for name, value in (changes or {}).items():
        values[getattr(ApplicationRow, name)] = value
    if target is S.WITHDRAWN:
        values[ApplicationRow.cycle_key] = None  # frees the cycle for a new application
    # Only from the state just read: under PostgreSQL's READ COMMITTED a concurrent
    # transition (a withdrawal racing a decision, say) that committed first leaves no row
    # to update, and this one is refused instead of applied on top of it.
    moved = await (
        ApplicationRow.update(values)
        .where((ApplicationRow.id == row["id"]) & (ApplicationRow.state == current.value))
        .returning(ApplicationRow.id)
        .run()
    )
    if not moved:
        now_state = (await application_row(application_id))["state"]
        raise ConflictError(
            f"application {application_id} was changed meanwhile and is {now_state}; "
            f"it cannot go to {target.value}"
        )
    await _insert_event(row["id"], current.value, target.value, actor, reason)
    return await get_application(application_id)


async def record_note(application_id: str, *, actor: str, reason: str) -> None:
    """An event that changes no state (`from_state` == `to_state`): something done to the
    application that its history must show with who and why (an amendment's reason).
    Inside the caller's write transaction, like `record_transition`."""
    row = await application_row(application_id)
    await _insert_event(row["id"], row["state"], row["state"], actor, reason)


async def _published(ref: str) -> tuple[str, str]:
    slug, sep, version = ref.partition("@")
    if not sep or not slug or not version:
        raise InvalidRequestError(f"{ref!r} is not slug@version", field="standard")
    try:
        body = await standards.get_version(slug, version)
    except StandardNotFound:
        raise InvalidRequestError(
            f"standard version {ref} does not exist or is not published", field="standard"
        ) from None
    if body["status"] != "published":
        raise ConflictError(f"standard version {ref} is {body['status']}; apply to a published one")
    return slug, version


def cycle_key(provider_id: str, slug: str, cycle: int) -> str:
    return f"{provider_id}|{slug}|{cycle}"


def _subset(asked: list[str], allowed: list[str], *, field: str, what: str) -> None:
    for i, value in enumerate(asked):
        if value not in allowed:
            raise InvalidRequestError(
                f"{value} is not one of the provider's registered {what}", field=f"{field}[{i}]"
            )


async def apply(
    *,
    provider_id: str,
    standard: str,
    provider_types: list[str],
    corridors: list[str],
    actor: Actor,
) -> Application:
    """A provider (or the secretariat on its behalf) applies against a published version."""
    if actor.role is Role.PROVIDER and bound_provider(actor.provider_id) is None:
        raise ConflictError(
            "your account belongs to no registered organisation yet; register it first "
            f"(POST {urls.providers_path()})"
        )
    if actor.role is Role.PROVIDER and actor.provider_id != provider_id:
        raise ForbiddenError(f"your account does not belong to provider {provider_id}")
    if actor.role is Role.AUDITOR:
        raise ForbiddenError("auditors do not apply for certification")
    if not provider_types:
        raise InvalidRequestError("name at least one provider type", field="provider_types")
    asked = [cc.corridor(value, field=f"corridors[{i}]") for i, value in enumerate(corridors)]
    pairs = sorted(set(asked))
    slug, version = await _published(standard)
    lost_race = ConflictError(
        f"provider {provider_id} already has a live application for {slug} in this "
        "certification cycle (a concurrent application was recorded first)"
    )
    async with unique_violation_raises(lost_race):
        return await _insert_application(
            provider_id, slug, version, provider_types, pairs, asked, actor
        )


async def _insert_application(
    provider_id: str,
    slug: str,
    version: str,
    provider_types: list[str],
    pairs: list[str],
    asked: list[str],
    actor: Actor,
) -> Application:
    async with write_transaction():
        provider = await providers.provider_row(provider_id)
        _subset(provider_types, json.loads(provider["provider_types"]), field="provider_types",
                what="provider types")  # fmt: skip
        _subset(asked, json.loads(provider["corridors"]), field="corridors", what="corridors")
        earlier = (
            await ApplicationRow.select(ApplicationRow.public_id, ApplicationRow.state)
            .where(
                (ApplicationRow.provider_id == provider_id) & (ApplicationRow.standard_slug == slug)
            )
            .run()
        )
        for other in earlier:
            if other["state"] in OPEN_STATES:
                raise ConflictError(
                    f"provider {provider_id} already has an open application for {slug}: "
                    f"{other['public_id']} ({other['state']})"
                )
        now = _now()
        public_id = f"apl_{secrets.token_hex(8)}"
        cycle = 1 + sum(1 for other in earlier if other["state"] in DECIDED_STATES)
        row = ApplicationRow(
            public_id=public_id,
            provider_id=provider_id,
            standard=f"{slug}@{version}",
            standard_slug=slug,
            provider_types=json.dumps(sorted(set(provider_types))),
            corridors=json.dumps(pairs),
            countries=json.dumps(sorted({provider["country"]} | cc.corridor_countries(pairs))),
            state=S.SUBMITTED.value,
            cycle=cycle,
            cycle_key=cycle_key(provider_id, slug, cycle),
            created_at=now,
            created_by=actor.label,
            updated_at=now,
        )
        await ApplicationRow.insert(row).run()
        saved = await application_row(public_id)
        await _insert_event(saved["id"], None, S.SUBMITTED.value, actor.label, None)
        return view(saved)


async def visible_application(application_id: str, actor: Actor) -> Application:
    """The application if `actor` may see it; NotFoundError otherwise (existence is private)."""
    application = await get_application(application_id)
    if not await visible_to(application, actor):
        raise NotFoundError(f"application {application_id} does not exist")
    return application


async def events(application_id: str) -> list[ApplicationEvent]:
    row = await application_row(application_id)
    rows = (
        await ApplicationEventRow.select()
        .where(ApplicationEventRow.application == row["id"])
        .order_by(ApplicationEventRow.id)
        .run()
    )
    return [
        ApplicationEvent(
            from_state=e["from_state"],
            to_state=e["to_state"],
            actor=e["actor"],
            reason=e["reason"],
            at=_iso(e["at"]),
        )
        for e in rows
    ]


async def list_for(
    actor: Actor, *, state: ApplicationState | None, limit: int, offset: int
) -> list[Application]:
    query = ApplicationRow.select().order_by(ApplicationRow.id).limit(limit).offset(offset)
    if actor.role is Role.PROVIDER:
        query = query.where(ApplicationRow.provider_id == (actor.provider_id or ""))
    elif actor.role is Role.AUDITOR:
        query = query.where(ApplicationRow.auditor_id == actor.account_id)
    if state is not None:
        query = query.where(ApplicationRow.state == state.value)
    return [view(row) for row in await query.run()]


async def withdraw(application_id: str, actor: Actor, reason: str | None) -> Application:
    """The provider or the secretariat withdraws an application before a decision."""
    if actor.role is Role.AUDITOR:
        raise ForbiddenError("only the provider or the secretariat may withdraw an application")
    async with write_transaction():
        await lock_application(application_id)
        await visible_application(application_id, actor)
        return await record_transition(
            application_id, S.WITHDRAWN.value, actor=actor.label, reason=reason
        )
