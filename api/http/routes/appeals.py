"""Appeals (a provider's, and a complainant's review of an outcome), remedy tracking,
special audits for the auditor who files them, and each provider's public complaint
figures."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, provide_actor, requires, secretariat_only
from api.http.downloads import opened_file
from api.http.routes.complaints import FILE_ERRORS, FILE_LIMIT, JSON_LIMIT, ComplaintKey, Reference
from api.http.schemas.assessments import AssessmentOut
from api.http.schemas.complaints import (
    AppealDecisionIn,
    AppealIn,
    AppealListOut,
    AppealOut,
    AttachmentOut,
    ComplaintHistoryOut,
    RemedyListOut,
    RemedyOut,
    ReviewIn,
    SpecialAuditListOut,
    StatisticsOut,
    WorkforceIn,
    WorkforceOut,
)
from registry.accounts import Role
from registry.complaints import appeals, files, remedies, rules, special_audits, statistics
from registry.complaints.provider_side import declare_workforce
from registry.providers import provider_row

AppealId = Annotated[str, PathParameter(max_length=40, description="apc_...")]
_providers = requires(Role.PROVIDER)
_owners = requires(Role.SECRETARIAT, Role.PROVIDER)
_auditors = requires(Role.AUDITOR)
_auditors_and_secretariat = requires(Role.AUDITOR, Role.SECRETARIAT)


class AppealsController(Controller):
    path = "/api/v1"
    tags = ["appeals"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/appeals",
        operation_id="lodgeAppeal",
        summary="Appeal a refusal, a suspension, a revocation or a complaint's outcome",
        guards=[_providers],
        request_max_body_size=JSON_LIMIT,
        status_code=201,
    )
    async def lodge(self, data: JSONBody[AppealIn], actor: ActorDep) -> AppealOut:
        """Within the appeal window after the decision (default 30 days), with reasons;
        evidence follows with `POST /api/v1/appeals/{appeal_id}/attachments`."""
        subject = rules.AppealSubject(data.subject)
        return await appeals.lodge(subject, data.target, data.reasons, actor)

    @get(
        "/appeals",
        operation_id="listAppeals",
        summary="The appeals an account may see",
        guards=[_owners],
    )
    async def list_visible(
        self,
        actor: ActorDep,
        pending: Annotated[bool, QueryParameter(description="Only pending ones")] = False,
    ) -> AppealListOut:
        """The secretariat: all; a provider: its own."""
        return AppealListOut(items=tuple(await appeals.list_appeals(actor, pending_only=pending)))

    @get(
        "/appeals/{appeal_id:str}",
        operation_id="getAppeal",
        summary="An appeal",
        guards=[_owners],
    )
    async def read(self, appeal_id: AppealId, actor: ActorDep) -> AppealOut:
        return await appeals.get(appeal_id, actor)

    @post(
        "/appeals/{appeal_id:str}/attachments",
        operation_id="attachToAppeal",
        summary="Attach evidence to a pending appeal",
        guards=[_providers],
        request_max_body_size=FILE_LIMIT,
        exception_handlers=FILE_ERRORS,
        status_code=201,
    )
    async def attach(
        self,
        request: Request[Any, Any, Any],
        appeal_id: AppealId,
        actor: ActorDep,
        filename: Annotated[str | None, QueryParameter(max_length=255)] = None,
    ) -> AttachmentOut:
        """The raw bytes with their own `Content-Type`, checked like evidence."""
        return await appeals.attach(
            appeal_id,
            actor,
            request.stream(),
            declared_type=request.headers.get("content-type"),
            filename=filename,
        )

    @post(
        "/appeals/{appeal_id:str}/decision",
        operation_id="decideAppeal",
        summary="Decide an appeal (by a secretariat member who took no part in the decision)",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=200,
    )
    async def decide(
        self, appeal_id: AppealId, data: JSONBody[AppealDecisionIn], actor: ActorDep
    ) -> AppealOut:
        """Upheld: the decision stands. Overturned: a suspension is reinstated; a refusal
        or a complaint's outcome is re-opened to be decided again. Whoever took part in the
        decision appealed against is refused (403)."""
        return await appeals.decide(appeal_id, data.outcome == "overturned", data.reasons, actor)

    @get(
        "/appeals/{appeal_id:str}/attachments/{attachment_id:str}",
        operation_id="getAppealAttachment",
        summary="Download a file of an appeal (secretariat, the appealing provider)",
        guards=[_owners],
        media_type="application/octet-stream",
    )
    async def download(
        self,
        appeal_id: AppealId,
        attachment_id: Annotated[str, PathParameter(max_length=40, description="att_...")],
        actor: ActorDep,
    ) -> Response[bytes]:
        return opened_file(await files.for_account(appeal_id, attachment_id, actor))

    @post(
        "/complaints/{reference:str}/review",
        operation_id="requestComplaintReview",
        summary="The complainant asks for a review of the outcome (Complaint-Key)",
        request_max_body_size=JSON_LIMIT,
        status_code=201,
        tags=["complaints", "appeals"],
    )
    async def review(
        self, reference: Reference, data: JSONBody[ReviewIn], complaint_key: ComplaintKey = None
    ) -> AppealOut:
        """Within the appeal window after the outcome; decided like a provider's appeal."""
        return await appeals.request_review(reference, complaint_key, data.reasons)

    # --- remedies -----------------------------------------------------------------------

    @get(
        "/remedies",
        operation_id="listRemedies",
        summary="Remedies ordered: all (secretariat) or the provider's own",
        guards=[_owners],
        tags=["complaints"],
    )
    async def list_remedies(
        self,
        actor: ActorDep,
        open_only: Annotated[
            bool, QueryParameter(name="open", description="Not confirmed yet")
        ] = False,
    ) -> RemedyListOut:
        return RemedyListOut(items=tuple(await remedies.list_remedies(actor, open_only=open_only)))

    @post(
        "/remedies/{remedy_id:str}/confirm",
        operation_id="confirmRemedy",
        summary="Confirm that a remedy was done",
        guards=[secretariat_only],
        status_code=200,
        tags=["complaints"],
    )
    async def confirm_remedy(
        self, remedy_id: Annotated[str, PathParameter(max_length=40)], actor: ActorDep
    ) -> RemedyOut:
        return await remedies.confirm(remedy_id, actor)

    # --- special audits -------------------------------------------------------------------

    @get(
        "/special-audits",
        operation_id="listSpecialAudits",
        summary="Special audits: the auditor's own, or all for the secretariat",
        guards=[_auditors_and_secretariat],
        tags=["complaints", "assessments"],
    )
    async def list_special_audits(self, actor: ActorDep) -> SpecialAuditListOut:
        return SpecialAuditListOut(items=tuple(await special_audits.assigned_to(actor)))

    @post(
        "/special-audits/{audit_id:str}/assessment",
        operation_id="fileSpecialAudit",
        summary="File a special audit (the auditor it was ordered from)",
        guards=[_auditors],
        responses={201: ResponseSpec(data_container=AssessmentOut, description="Filed")},
        opt={"json_body": True},
        status_code=201,
        tags=["complaints", "assessments"],
    )
    async def file_special_audit(
        self,
        request: Request[Any, Any, Any],
        audit_id: Annotated[str, PathParameter(max_length=40)],
        actor: ActorDep,
    ) -> Response[bytes]:
        """The findings document with `audit_type: special`; scored like any assessment.
        A critical finding suspends the certificate at the next `rightsmark lifecycle run`."""
        filed = await special_audits.file(audit_id, await request.body(), actor)
        return Response(msgspec.json.encode(filed), status_code=201, media_type="application/json")

    @get(
        "/applications/{application_id:str}/complaint-history",
        operation_id="getComplaintHistory",
        summary="The complaints about an application's provider (its auditor, the secretariat)",
        guards=[_auditors_and_secretariat],
        tags=["complaints", "assessments"],
    )
    async def complaint_history(
        self, application_id: Annotated[str, PathParameter(max_length=64)], actor: ActorDep
    ) -> ComplaintHistoryOut:
        """Every complaint about the provider, newest first: when it was received, the
        categories alleged, country and corridor, workers affected, state and outcome, so
        the auditor can sample and interview where it matters. Only the auditor assigned to
        the application, an auditor ordered to audit it specially, or the secretariat may
        ask; the complainants stay unnamed."""
        provider_id, items = await statistics.history_for_application(application_id, actor)
        return ComplaintHistoryOut(provider_id=provider_id, items=items)

    # --- providers: public figures, declared workforce ---------------------------------------

    @get(
        "/providers/{provider_id:str}/complaint-statistics",
        operation_id="getComplaintStatistics",
        summary="A provider's public complaint figures",
        tags=["complaints", "providers"],
    )
    async def provider_statistics(
        self, provider_id: Annotated[str, PathParameter(max_length=12)]
    ) -> StatisticsOut:
        """Open complaints, substantiated ones in the last 24 months, median days to
        acknowledge and to resolve, complainants in pending cases per worker deployed
        (LAW-3, where declared), and certificates with an appeal pending. No personal data;
        the counts can be recomputed from the transparency log."""
        await provider_row(provider_id)
        return await statistics.provider_statistics(provider_id)

    @post(
        "/providers/{provider_id:str}/workforce",
        operation_id="declareWorkforce",
        summary="Declare the workers deployed (the provider itself, or the secretariat)",
        guards=[_owners],
        request_max_body_size=JSON_LIMIT,
        status_code=200,
        tags=["complaints", "providers"],
    )
    async def workforce(
        self,
        provider_id: Annotated[str, PathParameter(max_length=12)],
        data: JSONBody[WorkforceIn],
        actor: ActorDep,
    ) -> WorkforceOut:
        return await declare_workforce(provider_id, data.workers_deployed, data.period, actor)
