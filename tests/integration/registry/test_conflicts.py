"""Conflicts of interest reviewed by the secretariat (issue 16, finding 4), at the use cases:
only an accepted, not withdrawn conflict refuses an assignment; reviews are final; a
provider cannot exclude the last auditor able to take its application."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from registry import accounts, applications, assignment, conflicts
from registry.accounts import Actor, Role
from registry.applications import Application
from registry.db.tables import ConflictRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from tests.support.http import bearer, make_account
from tests.support.providers import apply, days, make_auditor, publish_library, register_provider

Client = httpx.AsyncClient


async def _actor(token: str) -> Actor:
    actor = await accounts.authenticate(token)
    assert actor is not None
    return actor


class Cast:
    def __init__(
        self,
        secretariat: Actor,
        provider: Actor,
        application: Application,
        auditors: list[tuple[str, Actor]],
    ) -> None:
        self.secretariat = secretariat
        self.provider = provider
        self.application = application
        self.auditors = auditors

    @property
    def provider_id(self) -> str:
        assert self.provider.provider_id is not None
        return self.provider.provider_id


@pytest.fixture
async def cast(client: Client) -> Cast:
    """A provider with a submitted application (recruiter, PH-AE) and three auditors
    accredited for it."""
    await publish_library()
    token = await make_account(Role.SECRETARIAT)
    secretariat = bearer(token)
    provider_id, provider_headers = await register_provider(client, secretariat)
    applied = await apply(client, provider_headers)
    assert applied.status_code == 201, applied.text
    people = []
    for name in ("Ana", "Ben", "Chandra"):
        auditor_id, headers = await make_auditor(name)
        granted = await client.post(
            f"/api/v1/auditors/{auditor_id}/accreditations",
            json={
                "provider_types": ["recruiter"],
                "countries": ["PH", "AE"],
                "valid_from": days(-1),
                "valid_until": days(365),
            },
            headers=secretariat,
        )
        assert granted.status_code == 201, granted.text
        people.append((auditor_id, await _actor(headers["Authorization"].split()[1])))
    provider = await _actor(provider_headers["Authorization"].split()[1])
    assert provider.provider_id == provider_id
    return Cast(
        await _actor(token),
        provider,
        await applications.get_application(applied.json()["id"]),
        people,
    )


async def _refusal(cast: Cast, auditor_id: str) -> str | None:
    return await assignment.refusal(auditor_id, cast.application, dt.date.today())


async def test_pending_does_not_refuse_accepted_does_rejected_does_not(cast: Cast) -> None:
    (ana, ana_actor), (ben, _), _ = cast.auditors
    by_provider = await conflicts.declare(
        cast.provider, provider_id=None, auditor_id=ana, reason="family ties"
    )
    by_auditor = await conflicts.declare(
        ana_actor, provider_id=cast.provider_id, auditor_id=None, reason="former employer"
    )
    assert (by_provider.state, by_provider.in_force) == ("pending", False)
    assert by_auditor.declared_by_role == "auditor"
    assert await _refusal(cast, ana) is None  # pending: no effect on assignment

    rejected = await conflicts.review(
        by_provider.id, decision="reject", reason="no evidence", actor=cast.secretariat
    )
    assert (rejected.state, rejected.in_force) == ("rejected", False)
    assert rejected.reviewed_by == cast.secretariat.label
    assert rejected.review_reason == "no evidence"
    assert rejected.reviewed_at
    assert await _refusal(cast, ana) is None  # rejected: no effect either

    accepted = await conflicts.review(
        by_auditor.id, decision="accept", reason="worked there in 2024", actor=cast.secretariat
    )
    assert (accepted.state, accepted.in_force) == ("accepted", True)
    refusal = await _refusal(cast, ana)
    assert refusal is not None
    assert "conflict of interest" in refusal
    assert by_auditor.id in refusal
    assert await _refusal(cast, ben) is None
    # automatic assignment goes round the accepted conflict only
    assert await assignment.automatic_auditor(cast.application, dt.date.today()) == min(
        a for a, _ in cast.auditors[1:]
    )

    withdrawn = await conflicts.withdraw(by_auditor.id, reason="sold my shares", actor=ana_actor)
    assert (withdrawn.state, withdrawn.review_state, withdrawn.in_force) == (
        "withdrawn",
        "accepted",
        False,
    )
    assert await _refusal(cast, ana) is None


async def test_secretariat_declaration_is_accepted_at_once(cast: Cast) -> None:
    ana, _ = cast.auditors[0]
    declared = await conflicts.declare(
        cast.secretariat, provider_id=cast.provider_id, auditor_id=ana, reason="known to us"
    )
    assert (declared.state, declared.in_force) == ("accepted", True)
    assert declared.declared_by_role == "secretariat"
    assert declared.reviewed_by == cast.secretariat.label
    assert await _refusal(cast, ana) is not None


async def test_review_rules(cast: Cast) -> None:
    (ana, ana_actor), (ben, _), _ = cast.auditors
    first = await conflicts.declare(cast.provider, provider_id=None, auditor_id=ana, reason="r")
    second = await conflicts.declare(cast.provider, provider_id=None, auditor_id=ben, reason="r")
    # only the secretariat reviews
    for who in (cast.provider, ana_actor):
        with pytest.raises(ForbiddenError):
            await conflicts.review(first.id, decision="accept", reason="r", actor=who)
    with pytest.raises(NotFoundError):
        await conflicts.review("coi_missing", decision="accept", reason="r", actor=cast.secretariat)
    with pytest.raises(InvalidRequestError):
        await conflicts.review(first.id, decision="maybe", reason="r", actor=cast.secretariat)  # type: ignore[arg-type]
    await conflicts.review(first.id, decision="accept", reason="r", actor=cast.secretariat)
    # a decision is final: neither reviewed again nor turned round (409)
    for decision in ("accept", "reject"):
        with pytest.raises(ConflictError, match="already accepted"):
            await conflicts.review(first.id, decision=decision, reason="r", actor=cast.secretariat)
    # a withdrawn conflict is not reviewed (409), and nothing of it changed
    await conflicts.withdraw(second.id, reason="mistake", actor=cast.provider)
    with pytest.raises(ConflictError, match="withdrawn"):
        await conflicts.review(second.id, decision="accept", reason="r", actor=cast.secretariat)
    row = await ConflictRow.select().where(ConflictRow.public_id == second.id).first().run()
    assert row is not None
    assert (row["review_state"], row["reviewed_at"]) == ("pending", None)
    # a rejected conflict bars nothing, so there is nothing to withdraw (409)
    third, _ = cast.auditors[2]
    rejected = await conflicts.declare(
        cast.provider, provider_id=None, auditor_id=third, reason="r"
    )
    await conflicts.review(rejected.id, decision="reject", reason="no", actor=cast.secretariat)
    with pytest.raises(ConflictError, match="rejected"):
        await conflicts.withdraw(rejected.id, reason="r", actor=cast.provider)


async def test_one_live_declaration_per_pair_and_side(cast: Cast) -> None:
    ana, ana_actor = cast.auditors[0]
    declared = await conflicts.declare(cast.provider, provider_id=None, auditor_id=ana, reason="r")
    with pytest.raises(ConflictError, match=declared.id):
        await conflicts.declare(cast.provider, provider_id=None, auditor_id=ana, reason="again")
    # the other side is heard on its own
    await conflicts.declare(ana_actor, provider_id=cast.provider_id, auditor_id=None, reason="r")
    # rejected, the provider may declare again (with new reasons), pending again
    await conflicts.review(declared.id, decision="reject", reason="no", actor=cast.secretariat)
    again = await conflicts.declare(cast.provider, provider_id=None, auditor_id=ana, reason="new")
    assert again.state == "pending"


async def test_provider_cannot_exclude_every_auditor_able_to_take_its_application(
    cast: Cast,
) -> None:
    (ana, ana_actor), (ben, _), (chandra, _) = cast.auditors
    excluded = await conflicts.exclusion(cast.provider_id)
    assert excluded.scope == f"application {cast.application.id}"
    assert sorted(excluded.able) == sorted([ana, ben, chandra])
    # the auditor's own declaration counts too (pending and accepted alike)
    await conflicts.declare(ana_actor, provider_id=cast.provider_id, auditor_id=None, reason="r")
    await conflicts.declare(cast.provider, provider_id=None, auditor_id=ben, reason="r")
    excluded = await conflicts.exclusion(cast.provider_id)
    assert (excluded.pending, excluded.remaining, excluded.remaining_if_accepted) == (
        sorted([ana, ben]),
        3,
        1,
    )
    assert excluded.remaining_with(ben) == 2
    before = await ConflictRow.count().run()
    with pytest.raises(ConflictError, match="would leave no auditor"):
        await conflicts.declare(cast.provider, provider_id=None, auditor_id=chandra, reason="r")
    assert await ConflictRow.count().run() == before
    # an auditor already excluded by its own declaration may still be named: no count moves
    await conflicts.declare(cast.provider, provider_id=None, auditor_id=ana, reason="r")
    # the secretariat, having heard the provider, may still record it (its own judgement)
    by_secretariat = await conflicts.declare(
        cast.secretariat, provider_id=cast.provider_id, auditor_id=chandra, reason="checked"
    )
    assert by_secretariat.in_force


async def test_exclusion_without_application_uses_the_registered_scope(client: Client) -> None:
    secretariat = bearer(await make_account(Role.SECRETARIAT))
    provider_id, _ = await register_provider(client, secretariat)
    excluded = await conflicts.exclusion(provider_id)
    assert (excluded.scope, excluded.able) == ("registered scope", [])


async def test_own_declarations_only(cast: Cast) -> None:
    (ana, ana_actor), (ben, ben_actor), _ = cast.auditors
    mine = await conflicts.declare(cast.provider, provider_id=None, auditor_id=ana, reason="r")
    theirs = await conflicts.declare(
        ben_actor, provider_id=cast.provider_id, auditor_id=None, reason="r"
    )
    assert [c.id for c in await conflicts.declared_by(cast.provider)] == [mine.id]
    assert [c.id for c in await conflicts.declared_by(ben_actor)] == [theirs.id]
    assert await conflicts.declared_by(ana_actor) == []
    assert [c.id for c in await conflicts.conflicts(state="pending")] == [mine.id, theirs.id]
    assert ben
