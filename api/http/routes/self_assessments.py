"""Self-assessments (issue 17): a provider scores itself with the engine, privately, and may
attach the result to one of its applications for its auditor to see."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, authenticated, provide_actor, requires
from api.http.schemas.self_assessments import (
    AttachIn,
    SelfAssessmentListOut,
    SelfAssessmentOut,
)
from registry.accounts import Role
from registry.self_assessments import service

SelfAssessmentId = Annotated[str, PathParameter(max_length=40, description="sas_...")]
ApplicationId = Annotated[str, PathParameter(max_length=40, description="apl_...")]
provider_only = requires(Role.PROVIDER)


class SelfAssessmentsController(Controller):
    path = "/api/v1"
    tags = ["self-assessments"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/self-assessments",
        operation_id="fileSelfAssessment",
        summary="Score your own organisation against a standard, privately",
        guards=[provider_only],
        opt={"json_body": True},
        status_code=201,
    )
    async def file(self, request: Request[Any, Any, Any], actor: ActorDep) -> SelfAssessmentOut:
        """The body is the findings document an auditor files (`rightsmark audits template`
        filled in; evidence lists stay empty), naming a published standard version. The
        answer is the engine's report, exactly as an auditor's filing of the same answers
        would score, with a gap list: each indicator not met, its class and what the
        standard asks. It is marked `self_assessed` and never reaches the public register:
        no certificate, no log entry, no public page, search or statistics. Only the
        provider, the secretariat and (once attached) the application's auditor read it.
        Every problem is reported at once with its JSON path (422)."""
        return await service.file_self_assessment(await request.body(), actor)

    @get(
        "/self-assessments",
        operation_id="listSelfAssessments",
        summary="List the self-assessments the caller may read, newest first",
        guards=[authenticated],
    )
    async def list_visible(
        self,
        actor: ActorDep,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> SelfAssessmentListOut:
        """Provider: its own; secretariat: all; auditor: those attached to the applications
        assigned to it."""
        return await service.list_self_assessments(actor, limit=limit, offset=offset)

    @get(
        "/self-assessments/{self_assessment_id:str}",
        operation_id="getSelfAssessment",
        summary="Read a self-assessment: score, grade, gap list, answers and report",
        guards=[authenticated],
    )
    async def read(
        self, self_assessment_id: SelfAssessmentId, actor: ActorDep
    ) -> SelfAssessmentOut:
        """Another provider's, or one not attached to an application assigned to the calling
        auditor, answers 404 as if it did not exist."""
        return await service.get_self_assessment(self_assessment_id, actor)

    @post(
        "/applications/{application_id:str}/self-assessment",
        operation_id="attachSelfAssessment",
        summary="Attach one of your self-assessments to one of your applications",
        guards=[provider_only],
        status_code=200,
    )
    async def attach(
        self, application_id: ApplicationId, data: JSONBody[AttachIn], actor: ActorDep
    ) -> SelfAssessmentOut:
        """Before the auditor files (the application submitted or assigned); the
        self-assessment must be against the application's standard version and scope (422
        at `self_assessment_id` otherwise). One attached before is detached. The
        application's record and its auditor's form then show it, marked self-assessed."""
        return await service.attach(application_id, data.self_assessment_id, actor)
