"""Assessments, amendments, decisions and the provider's reports."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, PathParameter

from api.http import idempotency
from api.http.auth import ActorDep, authenticated, provide_actor, requires, secretariat_only
from api.http.schemas.assessments import (
    AssessmentListOut,
    AssessmentOut,
    AssessmentSummaryOut,
    DecisionOut,
    ProviderReportsOut,
)
from registry.accounts import Role
from registry.assessments import decisions, service

ApplicationId = Annotated[str, PathParameter(max_length=40, description="The application")]
AssessmentId = Annotated[str, PathParameter(max_length=40, description="asm_...")]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        max_length=idempotency.MAX_KEY,
        description="Retrying with the same key and body returns the first answer",
    ),
]
_FILED = {201: ResponseSpec(data_container=AssessmentOut, description="The filed assessment")}
_JSON = "application/json"
auditor_only = requires(Role.AUDITOR)


async def _body(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    body = await request.body()
    method, path = request.method, request.url.path
    return body, idempotency.fingerprint(method, path, body)


class AssessmentsController(Controller):
    path = "/api/v1"
    tags = ["assessments"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/applications/{application_id:str}/assessments",
        operation_id="fileAssessment",
        summary="File the assessment of an application",
        guards=[auditor_only],
        responses=_FILED,
        opt={"json_body": True},
        status_code=201,
    )
    async def file(
        self,
        application_id: ApplicationId,
        request: Request[Any, Any, Any],
        actor: ActorDep,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """The body is the findings document (`rightsmark audits template` filled in). Only
        the assigned auditor files, once; corrections are amendments. Every problem is
        reported at once with its JSON path."""
        body, fingerprint = await _body(request)
        key = idempotency.check_key(idempotency_key)
        async with service.filing_transaction(application_id):
            return await idempotency.once(
                key,
                account_id=actor.account_id,
                request_fingerprint=fingerprint,
                status_code=201,
                write=lambda: service.file_assessment(application_id, body, actor),
            )

    @post(
        "/assessments/{assessment_id:str}/amendments",
        operation_id="amendAssessment",
        summary="File a corrected assessment that references the current one",
        guards=[auditor_only],
        responses=_FILED,
        opt={"json_body": True},
        status_code=201,
    )
    async def amend(
        self,
        assessment_id: AssessmentId,
        request: Request[Any, Any, Any],
        actor: ActorDep,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """Both assessments are kept; the latest of the chain is the one decided on."""
        body, fingerprint = await _body(request)
        key = idempotency.check_key(idempotency_key)
        async with service.amending_transaction(assessment_id):
            return await idempotency.once(
                key,
                account_id=actor.account_id,
                request_fingerprint=fingerprint,
                status_code=201,
                write=lambda: service.amend_assessment(assessment_id, body, actor),
            )

    @get(
        "/assessments/{assessment_id:str}",
        operation_id="getAssessment",
        summary="Read an assessment and its report",
        guards=[authenticated],
        responses={200: ResponseSpec(data_container=AssessmentOut)},
    )
    async def read(self, assessment_id: AssessmentId, actor: ActorDep) -> Response[bytes]:
        """For the secretariat, the auditor and the provider; never the public."""
        assessment = await service.get_assessment(assessment_id, actor)
        return Response(msgspec.json.encode(assessment), media_type=_JSON)

    @get(
        "/applications/{application_id:str}/assessments",
        operation_id="listAssessments",
        summary="List an application's assessments and amendments",
        guards=[authenticated],
    )
    async def list_for_application(
        self, application_id: ApplicationId, actor: ActorDep
    ) -> AssessmentListOut:
        items = await service.list_assessments(application_id, actor)
        return AssessmentListOut(items=[AssessmentSummaryOut.model_validate(i) for i in items])

    @post(
        "/applications/{application_id:str}/decision",
        operation_id="decideApplication",
        summary="Decide an assessed application from its latest assessment",
        guards=[secretariat_only],
        status_code=201,
    )
    async def decide(self, application_id: ApplicationId, actor: ActorDep) -> DecisionOut:
        """Certified when the core floor holds and the score reaches the lowest grade."""
        return DecisionOut.model_validate(await decisions.decide_application(application_id, actor))

    @get(
        "/applications/{application_id:str}/decision",
        operation_id="getDecision",
        summary="Read an application's decision",
        guards=[authenticated],
    )
    async def decision(self, application_id: ApplicationId, actor: ActorDep) -> DecisionOut:
        return DecisionOut.model_validate(await decisions.get_decision(application_id, actor))

    @get(
        "/providers/{provider_id:str}/reports",
        operation_id="getProviderReports",
        summary="A provider's reports, non-conformities with deadlines, and decisions",
        guards=[requires(Role.SECRETARIAT, Role.PROVIDER)],
    )
    async def provider_reports(
        self, provider_id: Annotated[str, PathParameter(max_length=40)], actor: ActorDep
    ) -> ProviderReportsOut:
        """A provider account sees only its own organisation's."""
        reports = await decisions.provider_reports(provider_id, actor)
        return ProviderReportsOut.model_validate(reports)

    @get(
        "/me/reports",
        operation_id="getOwnReports",
        summary="The calling provider's reports, non-conformities and decisions",
        guards=[requires(Role.PROVIDER)],
    )
    async def own_reports(self, actor: ActorDep) -> ProviderReportsOut:
        assert actor.provider_id is not None  # provider accounts always belong to one
        reports = await decisions.provider_reports(actor.provider_id, actor)
        return ProviderReportsOut.model_validate(reports)
