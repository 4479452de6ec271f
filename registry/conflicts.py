"""Declared conflicts of interest, and the secretariat's review of them (issue 16, finding 4).

An auditor declares a conflict with a provider, a provider with an auditor; both are
`pending` until the secretariat accepts or rejects them, with a reason (who, when, why is
kept). One the secretariat declares itself is accepted at once. Only an accepted conflict
that is not withdrawn bars an assignment (`registry.assignment.refusal`): a provider that
declared conflicts with every auditor but a friendly one no longer picks its auditor by
declaring, and the review screen shows the secretariat what a declaration would exclude.

Anti-abuse: a provider may not declare a conflict that would leave it with no auditor able
to take its application (`Exclusion`): pending and accepted conflicts with it, declared by
either side, count. Without that, pending declarations against every auditor would fill the
secretariat's queue with a veto to accept or refuse one by one; with it, the provider that
really is in conflict with every auditor says so to the secretariat, which may declare it.

A conflict is withdrawn (by the secretariat or by whoever declared it), never deleted: the
row keeps who withdrew it, when and why. Conflicts are not public: the transparency log
has no entry for them (as before the review existed), since a reason often names a person.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any, Final, Literal

from msgspec import Meta, Struct

from registry import applications, assignment, auditors, providers, urls
from registry.accounts import Actor, Role, bound_provider
from registry.assignment import Scope
from registry.clock import iso_utc as _iso
from registry.clock import utc_now as _now
from registry.countries import corridor_countries
from registry.db.database import lock_row, write_transaction
from registry.db.tables import ApplicationRow, ConflictRow, ProviderRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError

State = Literal["pending", "accepted", "rejected", "withdrawn"]
STATES: Final = ("pending", "accepted", "rejected", "withdrawn")
Decision = Literal["accept", "reject"]
_DECIDED: Final = {"accept": "accepted", "reject": "rejected"}
# Pending and accepted conflicts keep an auditor off a provider's pool (`Exclusion`).
_LIVE: Final = ["pending", "accepted"]
# The provider's scope an auditor must cover: that of its latest application still being
# handled or certified (surveillance), else what it registered.
_SCOPED: Final = [
    *(s.value for s in applications.OPEN_STATES),
    applications.ApplicationState.CERTIFIED.value,
]


class Conflict(Struct, frozen=True, kw_only=True):
    """A declared conflict of interest with its review and withdrawal (`ConflictOut`)."""

    id: str  # coi_...
    auditor_id: str
    provider_id: str
    declared_by_role: Annotated[str, Meta(description="auditor | provider | secretariat")]
    declared_by: str
    reason: str
    created_at: str
    state: Annotated[
        State,
        Meta(
            description="pending: declared, awaiting the secretariat, bars nothing; accepted: "
            "bars assigning the auditor to the provider; rejected: bars nothing; withdrawn: "
            "kept in history only (review_state says what the review had been)"
        ),
    ]
    review_state: Annotated[
        Literal["pending", "accepted", "rejected"],
        Meta(description="the secretariat's review, also for a withdrawn conflict"),
    ]
    in_force: Annotated[bool, Meta(description="true when it bars an assignment now")]
    reviewed_at: str | None = None
    reviewed_by: str | None = None
    review_reason: str | None = None
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


class Exclusion(Struct, frozen=True, kw_only=True):
    """Which auditors able to take a provider's application its conflicts exclude, by id."""

    provider_id: str
    scope: str  # what "able" was measured against, in words
    able: list[str]  # accredited today for the scope, conflicts aside
    accepted: list[str]  # of those, excluded by accepted conflicts
    pending: list[str]  # of those, excluded once the pending conflicts are accepted

    @property
    def remaining(self) -> int:
        return len(set(self.able) - set(self.accepted))

    @property
    def remaining_if_accepted(self) -> int:
        """Able auditors left if every pending conflict were accepted."""
        return len(set(self.able) - set(self.accepted) - set(self.pending))

    def remaining_with(self, auditor_id: str) -> int:
        """Able auditors left if the conflict with `auditor_id` were accepted."""
        return len(set(self.able) - set(self.accepted) - {auditor_id})


def conflict_view(row: dict[str, Any]) -> Conflict:
    review = row["review_state"]
    withdrawn = row["withdrawn_at"] is not None
    return Conflict(
        id=row["public_id"],
        auditor_id=row["auditor_id"],
        provider_id=row["provider_id"],
        declared_by_role=row["declared_by_role"],
        declared_by=row["declared_by"],
        reason=row["reason"],
        created_at=_iso(row["created_at"]),
        state="withdrawn" if withdrawn else review,
        review_state=review,
        in_force=review == "accepted" and not withdrawn,
        reviewed_at=_iso(row["reviewed_at"]),
        reviewed_by=row["reviewed_by"],
        review_reason=row["review_reason"],
        withdrawn_at=_iso(row["withdrawn_at"]),
        withdrawn_by=row["withdrawn_by"],
        withdrawal_reason=row["withdrawal_reason"],
    )


async def _scope(provider_id: str) -> tuple[str, Scope]:
    latest = (
        await ApplicationRow.select()
        .where((ApplicationRow.provider_id == provider_id) & ApplicationRow.state.is_in(_SCOPED))
        .order_by(ApplicationRow.id, ascending=False)
        .first()
        .run()
    )
    if latest is not None:
        scope = Scope(
            provider_types=json.loads(latest["provider_types"]),
            countries=json.loads(latest["countries"]),
        )
        return f"application {latest['public_id']}", scope
    row = await ProviderRow.select().where(ProviderRow.public_id == provider_id).first().run()
    if row is None:
        raise NotFoundError(f"provider {provider_id} does not exist")
    countries = {row["country"]} | corridor_countries(json.loads(row["corridors"]))
    scope = Scope(provider_types=json.loads(row["provider_types"]), countries=sorted(countries))
    return "registered scope", scope


async def exclusion(provider_id: str, on: dt.date | None = None) -> Exclusion:
    """The auditors able to take the provider's application on `on` (today), and which of
    them its accepted and pending conflicts (declared by either side) exclude."""
    source, scope = await _scope(provider_id)
    able = await assignment.accredited_auditors(scope, on or dt.date.today())
    rows = (
        await ConflictRow.select(ConflictRow.auditor_id, ConflictRow.review_state)
        .where(
            (ConflictRow.provider_id == provider_id)
            & ConflictRow.review_state.is_in(_LIVE)
            & ConflictRow.withdrawn_at.is_null()
        )
        .run()
    )
    accepted = {r["auditor_id"] for r in rows if r["review_state"] == "accepted"}
    pending = {r["auditor_id"] for r in rows if r["review_state"] == "pending"} - accepted
    return Exclusion(
        provider_id=provider_id,
        scope=source,
        able=able,
        accepted=sorted(accepted & set(able)),
        pending=sorted(pending & set(able)),
    )


def _parties(actor: Actor, provider_id: str | None, auditor_id: str | None) -> tuple[str, str]:
    """The provider and auditor of a declaration: an auditor names the provider, a provider
    the auditor, the secretariat both."""
    if actor.role is Role.AUDITOR:
        auditor_id = actor.account_id
    elif actor.role is Role.PROVIDER:
        provider_id = bound_provider(actor.provider_id)
        if provider_id is None:
            raise ConflictError(
                "your account belongs to no registered organisation yet; register it first "
                f"(POST {urls.providers_path()})"
            )
    elif actor.role is not Role.SECRETARIAT:
        raise ForbiddenError(
            "conflicts of interest are declared by auditors, providers and the secretariat"
        )
    if not provider_id:
        raise InvalidRequestError("name the provider", field="provider_id")
    if not auditor_id:
        raise InvalidRequestError("name the auditor", field="auditor_id")
    return provider_id, auditor_id


async def _check_parties(provider_id: str, auditor_id: str) -> None:
    try:
        await providers.provider_row(provider_id)
    except NotFoundError:
        raise InvalidRequestError(
            f"provider {provider_id} does not exist", field="provider_id"
        ) from None
    try:
        await auditors.auditor_account(auditor_id)
    except NotFoundError:
        raise InvalidRequestError(
            f"auditor {auditor_id} does not exist", field="auditor_id"
        ) from None


async def _refuse_duplicate(provider_id: str, auditor_id: str, role: Role) -> None:
    """One live declaration per pair and declaring side: a second would only lengthen the
    review queue (the other side's is heard, and withdrawn, on its own)."""
    live = (
        await ConflictRow.select(ConflictRow.public_id, ConflictRow.review_state)
        .where(
            (ConflictRow.provider_id == provider_id)
            & (ConflictRow.auditor_id == auditor_id)
            & (ConflictRow.declared_by_role == role.value)
            & ConflictRow.review_state.is_in(_LIVE)
            & ConflictRow.withdrawn_at.is_null()
        )
        .first()
        .run()
    )
    if live is not None:
        raise ConflictError(
            f"the {role.value} already declared a conflict between provider {provider_id} "
            f"and auditor {auditor_id}: {live['public_id']}, {live['review_state']}"
        )


async def _refuse_veto(provider_id: str, auditor_id: str) -> None:
    """A provider may not exclude the last auditor able to take its application."""
    excluded = await exclusion(provider_id)
    if auditor_id not in excluded.able or auditor_id in excluded.accepted + excluded.pending:
        return  # not one of them, or already excluded: this declaration changes no count
    if excluded.remaining_if_accepted <= 1:
        raise ConflictError(
            f"a conflict with auditor {auditor_id} would leave no auditor able to take your "
            f"application ({excluded.scope}): your pending and accepted conflicts already "
            f"exclude {len(excluded.accepted) + len(excluded.pending)} of the "
            f"{len(excluded.able)} accredited for it. Tell the secretariat, which can "
            "record the conflict after accrediting another auditor"
        )


async def declare(
    actor: Actor, *, provider_id: str | None, auditor_id: str | None, reason: str
) -> Conflict:
    """Declare a conflict: pending review, or accepted at once when the secretariat declares."""
    provider, auditor = _parties(actor, provider_id, auditor_id)
    async with write_transaction():
        await _check_parties(provider, auditor)
        # One declaration about a provider at a time: the checks below read what the last
        # one committed (PostgreSQL; SQLite's writers already run one after the other).
        await lock_row(ProviderRow.public_id, provider)
        await _refuse_duplicate(provider, auditor, actor.role)
        if actor.role is Role.PROVIDER:
            await _refuse_veto(provider, auditor)
        now = _now()
        by_secretariat = actor.role is Role.SECRETARIAT
        public_id = f"coi_{secrets.token_hex(8)}"
        await ConflictRow.insert(
            ConflictRow(
                public_id=public_id,
                auditor_id=auditor,
                provider_id=provider,
                declared_by_role=actor.role.value,
                declared_by=actor.label,
                reason=reason,
                created_at=now,
                review_state="accepted" if by_secretariat else "pending",
                reviewed_at=now if by_secretariat else None,
                reviewed_by=actor.label if by_secretariat else None,
                review_reason="declared by the secretariat" if by_secretariat else None,
            )
        ).run()
        return await _get(public_id)


async def _get(conflict_id: str) -> Conflict:
    row = await ConflictRow.select().where(ConflictRow.public_id == conflict_id).first().run()
    if row is None:
        raise NotFoundError(f"conflict of interest {conflict_id} does not exist")
    return conflict_view(row)


async def review(conflict_id: str, *, decision: Decision, reason: str, actor: Actor) -> Conflict:
    """The secretariat accepts (from then on it bars assignment) or rejects a pending
    conflict, with a reason. Reviewed or withdrawn already: 409."""
    if actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("only the secretariat reviews conflicts of interest")
    if decision not in _DECIDED:
        raise InvalidRequestError("decision is accept or reject", field="decision")
    async with write_transaction():
        await lock_row(ConflictRow.public_id, conflict_id)
        row = await ConflictRow.select().where(ConflictRow.public_id == conflict_id).first().run()
        if row is None:
            raise NotFoundError(f"conflict of interest {conflict_id} does not exist")
        if row["withdrawn_at"] is not None:
            raise ConflictError(
                f"conflict {conflict_id} was withdrawn at {_iso(row['withdrawn_at'])}; "
                "there is nothing to review"
            )
        if row["review_state"] != "pending":
            raise ConflictError(
                f"conflict {conflict_id} was already {row['review_state']} by "
                f"{row['reviewed_by']} at {_iso(row['reviewed_at'])}"
            )
        await (
            ConflictRow.update(
                {
                    ConflictRow.review_state: _DECIDED[decision],
                    ConflictRow.reviewed_at: _now(),
                    ConflictRow.reviewed_by: actor.label,
                    ConflictRow.review_reason: reason,
                }
            )
            .where(ConflictRow.id == row["id"])
            .run()
        )
        return await _get(conflict_id)


def _may_withdraw(row: dict[str, Any], actor: Actor) -> bool:
    """The secretariat, or the side that declared it: the same auditor, or any account of
    the same provider."""
    if actor.role is Role.SECRETARIAT:
        return True
    if actor.role is Role.AUDITOR:
        return bool(row["declared_by_role"] == "auditor" and row["auditor_id"] == actor.account_id)
    if actor.role is Role.PROVIDER:
        return bool(
            row["declared_by_role"] == "provider" and row["provider_id"] == actor.provider_id
        )
    return False


async def withdraw(conflict_id: str, *, reason: str, actor: Actor) -> Conflict:
    """Withdraw a pending or accepted conflict: kept in history, it no longer bars.

    A party to the conflict that did not declare it gets 403; anyone else 404, as conflicts
    are not public. Withdrawing twice, or a rejected conflict (it bars nothing), is 409."""
    async with write_transaction():
        await lock_row(ConflictRow.public_id, conflict_id)
        row = await ConflictRow.select().where(ConflictRow.public_id == conflict_id).first().run()
        party = row is not None and (
            actor.role is Role.SECRETARIAT
            or row["auditor_id"] == actor.account_id
            or row["provider_id"] == actor.provider_id
        )
        if row is None or not party:
            raise NotFoundError(f"conflict of interest {conflict_id} does not exist")
        if not _may_withdraw(row, actor):
            raise ForbiddenError(
                f"conflict {conflict_id} was declared by the {row['declared_by_role']}; only "
                "the secretariat or the side that declared it may withdraw it"
            )
        if row["withdrawn_at"] is not None:
            raise ConflictError(
                f"conflict {conflict_id} was already withdrawn at {_iso(row['withdrawn_at'])}"
            )
        if row["review_state"] == "rejected":
            raise ConflictError(
                f"conflict {conflict_id} was rejected by the secretariat; it bars nothing "
                "and stays in the history as it is"
            )
        await (
            ConflictRow.update(
                {
                    ConflictRow.withdrawn_at: _now(),
                    ConflictRow.withdrawn_by: actor.label,
                    ConflictRow.withdrawal_reason: reason,
                }
            )
            .where(ConflictRow.id == row["id"])
            .run()
        )
        return await _get(conflict_id)


async def conflicts(
    *,
    provider_id: str | None = None,
    auditor_id: str | None = None,
    state: State | None = None,
    declared_by_role: str | None = None,
) -> list[Conflict]:
    """Declared conflicts, oldest first; `state` as in `Conflict.state`."""
    query = ConflictRow.select().order_by(ConflictRow.id)
    if provider_id:
        query = query.where(ConflictRow.provider_id == provider_id)
    if auditor_id:
        query = query.where(ConflictRow.auditor_id == auditor_id)
    if declared_by_role:
        query = query.where(ConflictRow.declared_by_role == declared_by_role)
    if state == "withdrawn":
        query = query.where(ConflictRow.withdrawn_at.is_not_null())
    elif state is not None:
        query = query.where(
            (ConflictRow.review_state == state) & ConflictRow.withdrawn_at.is_null()
        )
    return [conflict_view(row) for row in await query.run()]


async def declared_by(actor: Actor) -> list[Conflict]:
    """The conflicts an auditor, or the provider of a provider account, declared."""
    if actor.role is Role.AUDITOR:
        return await conflicts(auditor_id=actor.account_id, declared_by_role="auditor")
    if actor.role is Role.PROVIDER and bound_provider(actor.provider_id) is not None:
        return await conflicts(provider_id=actor.provider_id, declared_by_role="provider")
    return []
