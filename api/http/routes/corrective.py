"""Corrective actions: the provider's plan and evidence, the reviewer's decisions, and the
lists each party sees (docs/assurance.md). Another party's action answers 404."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, authenticated, provide_actor, requires
from api.http.schemas.corrective import EvidenceIn, PlanIn, ReviewIn
from registry.accounts import Role
from registry.assessments.evidence import submit_corrective_evidence
from registry.corrective import queries, workflow
from registry.corrective.records import ActionPage, CorrectiveAction

ActionId = Annotated[str, PathParameter(max_length=40, description="cap_...")]
_providers = requires(Role.PROVIDER)
_reviewers = requires(Role.AUDITOR, Role.SECRETARIAT)
_LIMIT = 16 * 1024


class CorrectiveActionsController(Controller):
    path = "/api/v1/corrective-actions"
    tags = ["corrective actions"]
    dependencies = {"actor": Provide(provide_actor)}

    @get(
        "/",
        operation_id="listCorrectiveActions",
        summary="The corrective actions an account may see",
        guards=[authenticated],
    )
    async def list_visible(
        self,
        actor: ActorDep,
        state_filter: Annotated[
            str | None,
            QueryParameter(
                query="state",
                max_length=24,
                description="open, plan_submitted, plan_accepted, "
                "evidence_submitted, closed, overdue, escalated or withdrawn",
            ),
        ] = None,
        application_id: Annotated[str | None, QueryParameter(max_length=40)] = None,
        provider_id: Annotated[str | None, QueryParameter(max_length=40)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> ActionPage:
        """The secretariat: all (`?state=overdue` is its list of overdue plans,
        `?state=escalated` of actions past their closure deadline); a provider: its own; an
        auditor: those of the applications assigned to it. Newest first."""
        return await queries.list_actions(
            actor, state=state_filter, application_id=application_id, provider_id=provider_id,
            limit=limit, offset=offset,
        )  # fmt: skip

    @get("/{action_id:str}", operation_id="getCorrectiveAction",
         summary="A corrective action with its history", guards=[authenticated])  # fmt: skip
    async def read(self, action_id: ActionId, actor: ActorDep) -> CorrectiveAction:
        """For its provider, the assigned auditor and the secretariat; 404 for anybody else."""
        return await queries.get_action(action_id, actor)

    @post("/{action_id:str}/plan", operation_id="submitCorrectivePlan",
          summary="The provider's root-cause analysis and plan", guards=[_providers],
          request_max_body_size=_LIMIT, status_code=200)  # fmt: skip
    async def plan(
        self, action_id: ActionId, data: JSONBody[PlanIn], actor: ActorDep
    ) -> CorrectiveAction:
        """While the action is open (or overdue), or its plan awaits review (replaced)."""
        return await workflow.submit_plan(
            action_id, actor, root_cause=data.root_cause, plan=data.plan
        )

    @post("/{action_id:str}/plan-review", operation_id="reviewCorrectivePlan",
          summary="Accept the plan, or return it with a reason", guards=[_reviewers],
          request_max_body_size=_LIMIT, status_code=200)  # fmt: skip
    async def review_plan(
        self, action_id: ActionId, data: JSONBody[ReviewIn], actor: ActorDep
    ) -> CorrectiveAction:
        """By the assigned auditor, or the secretariat where the standard allows desk review
        (`secretariat_may_review`); 403 otherwise."""
        return await workflow.review_plan(action_id, actor, accept=data.accept,
                                          reason=data.reason)  # fmt: skip

    @post("/{action_id:str}/evidence", operation_id="submitCorrectiveEvidence",
          summary="The provider's evidence of closure", guards=[_providers],
          request_max_body_size=_LIMIT, status_code=200)  # fmt: skip
    async def evidence(
        self, action_id: ActionId, data: JSONBody[EvidenceIn], actor: ActorDep
    ) -> CorrectiveAction:
        """Once the plan is accepted. Files are uploaded first with `POST /api/v1/evidence`
        for the action's application, then named here by their `sha256:` references."""
        return await submit_corrective_evidence(action_id, actor, references=data.evidence,
                                                note=data.note)  # fmt: skip

    @post("/{action_id:str}/closure-review", operation_id="reviewCorrectiveClosure",
          summary="Verify closure by desk review, or return the evidence with a reason",
          guards=[_reviewers], request_max_body_size=_LIMIT, status_code=200)  # fmt: skip
    async def review_closure(
        self, action_id: ActionId, data: JSONBody[ReviewIn], actor: ActorDep
    ) -> CorrectiveAction:
        """Where the standard requires a visit (`closure_needs_visit`), closure is verified
        only by a follow-up audit the assigned auditor files (audit_type `follow_up`): 409
        here. A verified closure reinstates a certificate it suspended, when nothing else
        keeps it suspended."""
        return await workflow.review_closure(action_id, actor, verify=data.accept,
                                             reason=data.reason)  # fmt: skip
