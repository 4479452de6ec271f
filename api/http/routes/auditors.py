"""Auditors: accreditation, suspension, conflicts of interest; assignment to applications."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, provide_actor, requires, secretariat_only
from api.http.schemas.registry import (
    AccreditationCreate,
    AccreditationListOut,
    AccreditationOut,
    ApplicationOut,
    AssignmentIn,
    ConflictCreate,
    ConflictListOut,
    ConflictOut,
    ConflictReviewIn,
    ConflictWithdrawalIn,
    ReinstatementIn,
    SuspensionIn,
)
from registry import assignment, auditors
from registry import conflicts as coi
from registry.accounts import Role

AccountId = Annotated[str, PathParameter(max_length=40, description="acc_... of an auditor")]
AccreditationId = Annotated[str, PathParameter(max_length=40, description="acr_...")]
ConflictId = Annotated[str, PathParameter(max_length=40, description="coi_...")]
ApplicationId = Annotated[str, PathParameter(max_length=40, description="apl_...")]


class AuditorsController(Controller):
    path = "/api/v1"
    tags = ["auditors"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/auditors/{account_id:str}/accreditations",
        operation_id="accreditAuditor",
        summary="Accredit an auditor for provider types and countries",
        guards=[secretariat_only],
        status_code=201,
    )
    async def accredit(
        self, account_id: AccountId, data: JSONBody[AccreditationCreate], actor: ActorDep
    ) -> AccreditationOut:
        accreditation = await auditors.accredit(
            account_id,
            provider_types=[str(t) for t in data.provider_types],
            countries=data.countries,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            actor=actor,
        )
        return AccreditationOut.of(accreditation)

    @get(
        "/auditors/{account_id:str}/accreditations",
        operation_id="listAccreditations",
        summary="An auditor's accreditations with their history",
        guards=[requires(Role.SECRETARIAT, Role.AUDITOR)],
    )
    async def accreditations(self, account_id: AccountId, actor: ActorDep) -> AccreditationListOut:
        """The secretariat reads any auditor's; an auditor its own."""
        items = await auditors.accreditations(account_id, actor)
        return AccreditationListOut(items=[AccreditationOut.of(a) for a in items])

    @post(
        "/auditors/{account_id:str}/accreditations/{accreditation_id:str}/suspend",
        operation_id="suspendAccreditation",
        summary="Suspend an accreditation, with a reason",
        guards=[secretariat_only],
        status_code=200,
    )
    async def suspend(
        self,
        account_id: AccountId,
        accreditation_id: AccreditationId,
        data: JSONBody[SuspensionIn],
        actor: ActorDep,
    ) -> AccreditationOut:
        suspended = await auditors.suspend(
            account_id, accreditation_id, reason=data.reason, actor=actor
        )
        return AccreditationOut.of(suspended)

    @post(
        "/auditors/{account_id:str}/accreditations/{accreditation_id:str}/reinstate",
        operation_id="reinstateAccreditation",
        summary="Reinstate a suspended accreditation, with a reason",
        guards=[secretariat_only],
        status_code=200,
    )
    async def reinstate(
        self,
        account_id: AccountId,
        accreditation_id: AccreditationId,
        data: JSONBody[ReinstatementIn],
        actor: ActorDep,
    ) -> AccreditationOut:
        """Recorded in the history as `reinstated`. An accreditation that is not suspended
        answers 409."""
        reinstated = await auditors.reinstate(
            account_id, accreditation_id, reason=data.reason, actor=actor
        )
        return AccreditationOut.of(reinstated)

    @post(
        "/conflicts/{conflict_id:str}/withdraw",
        operation_id="withdrawConflict",
        summary="Withdraw a declared conflict of interest, with a reason",
        guards=[requires(Role.SECRETARIAT, Role.AUDITOR, Role.PROVIDER)],
        status_code=200,
    )
    async def withdraw_conflict(
        self, conflict_id: ConflictId, data: JSONBody[ConflictWithdrawalIn], actor: ActorDep
    ) -> ConflictOut:
        """The secretariat, or the side that declared it (the same auditor, or an account of
        the same provider), withdraws a pending or accepted conflict. It stays listed as
        withdrawn and no longer keeps the auditor off the provider's applications.
        Withdrawing twice, or withdrawing a rejected conflict, answers 409."""
        return await coi.withdraw(conflict_id, reason=data.reason, actor=actor)

    @post(
        "/conflicts/{conflict_id:str}/review",
        operation_id="reviewConflict",
        summary="Accept or reject a pending conflict of interest, with a reason",
        guards=[secretariat_only],
        status_code=200,
    )
    async def review_conflict(
        self, conflict_id: ConflictId, data: JSONBody[ConflictReviewIn], actor: ActorDep
    ) -> ConflictOut:
        """An accepted conflict bars assigning the auditor to the provider from then on (until
        withdrawn); a rejected one bars nothing. Who reviewed, when and why are kept on the
        conflict. A conflict already reviewed, or withdrawn, answers 409."""
        return await coi.review(
            conflict_id, decision=data.decision, reason=data.reason, actor=actor
        )

    @post(
        "/conflicts",
        operation_id="declareConflict",
        summary="Declare a conflict of interest",
        guards=[requires(Role.SECRETARIAT, Role.AUDITOR, Role.PROVIDER)],
        status_code=201,
    )
    async def declare(self, data: JSONBody[ConflictCreate], actor: ActorDep) -> ConflictOut:
        """An auditor names the provider; a provider names the auditor; the secretariat names
        both. A declaration by an auditor or a provider is `pending`: it bars nothing until the
        secretariat accepts it (`POST /api/v1/conflicts/{id}/review`). One by the secretariat
        is accepted at once. A second live (pending or accepted) declaration for the same
        pair answers 409, and so does a provider's declaration that would leave no
        accredited auditor able to take its application: pending and accepted conflicts
        with it, declared by either side, count."""
        return await coi.declare(
            actor, provider_id=data.provider_id, auditor_id=data.auditor_id, reason=data.reason
        )

    @get(
        "/conflicts",
        operation_id="listConflicts",
        summary="List declared conflicts of interest, withdrawn ones included",
        guards=[secretariat_only],
    )
    async def conflicts(
        self,
        provider_id: Annotated[str | None, QueryParameter(max_length=12)] = None,
        auditor_id: Annotated[str | None, QueryParameter(max_length=40)] = None,
        state_: Annotated[
            coi.State | None,
            QueryParameter(
                name="state",
                description="pending (awaiting review), accepted (in force), rejected or withdrawn",
            ),
        ] = None,
    ) -> ConflictListOut:
        items = await coi.conflicts(provider_id=provider_id, auditor_id=auditor_id, state=state_)
        return ConflictListOut(items=list(items))

    @post(
        "/applications/{application_id:str}/assign",
        operation_id="assignAuditor",
        summary="Assign an auditor to a submitted application",
        guards=[secretariat_only],
        status_code=200,
    )
    async def assign(
        self,
        application_id: ApplicationId,
        actor: ActorDep,
        data: JSONBody[AssignmentIn | None] = None,
    ) -> ApplicationOut:
        """Without auditor_id the eligible auditor with the fewest open assignments is picked
        (ties: lowest account id). A chosen auditor out of scope, with a conflict of interest
        or barred by rotation is refused with the reason (422, field auditor_id)."""
        body = data or AssignmentIn()
        return await assignment.assign(
            application_id, auditor_id=body.auditor_id, audit_date=body.audit_date, actor=actor
        )
