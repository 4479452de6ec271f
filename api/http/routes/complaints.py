"""Complaints: filed by anyone without an account, followed by reference and the
`Complaint-Key` header, handled by the secretariat, answered by the provider concerned.

A complainant's request names its case by reference and proves it with the access key
shown once at filing; a wrong key and an unknown reference answer the same 404. Contact
details and the complainant's own words reach the secretariat only, and the provider only
when the complainant agreed (`share_identity_with_provider`)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.response import Response

from api.http.auth import ActorDep, current_actor, provide_actor, requires, secretariat_only
from api.http.downloads import opened_file
from api.http.problems import problem
from api.http.schemas.complaints import (
    AttachmentOut,
    CaseListOut,
    CaseOut,
    CloseIn,
    ComplaintIn,
    FiledOut,
    HandlerIn,
    MessageIn,
    MessageOut,
    NoteIn,
    ProviderCaseListOut,
    QuestionIn,
    RemedyIn,
    RemedyOut,
    SpecialAuditIn,
    SpecialAuditOut,
    SuspensionIn,
)
from registry.accounts import Role
from registry.assessments.errors import EvidenceTooLarge, UnsupportedEvidence
from registry.complaints import (
    files,
    filing,
    handling,
    provider_side,
    remedies,
    retention,
    rules,
    special_audits,
)
from registry.complaints.records import Case, ComplainantCase, Contact, ProviderCase
from registry.settings import get_settings

Reference = Annotated[
    str, PathParameter(max_length=16, description="The case reference, RMC-XXXXXXXXXX")
]
ComplaintKey = Annotated[
    str | None,
    HeaderParameter(
        name="Complaint-Key",
        required=False,
        max_length=100,
        description="The access key shown once when the complaint was filed (rmk_...). "
        "Without it, or with a wrong one, the case answers 404 as if it did not exist.",
    ),
]
JSON_LIMIT: Final = 64 * 1024  # a complaint is text: far below the general body limit
FILE_LIMIT: Final = get_settings().evidence_max_bytes + 64 * 1024
_providers = requires(Role.PROVIDER)
_secretariat_or_provider = requires(Role.SECRETARIAT, Role.PROVIDER)


def _too_large(_: Request[Any, Any, Any], exc: EvidenceTooLarge) -> Response[Any]:
    return problem(413, str(exc))


def _unsupported(_: Request[Any, Any, Any], exc: UnsupportedEvidence) -> Response[Any]:
    return problem(415, str(exc))


FILE_ERRORS: Final[dict[int | type[Exception], Any]] = {
    EvidenceTooLarge: _too_large,
    UnsupportedEvidence: _unsupported,
}


def new_complaint(data: ComplaintIn) -> filing.NewComplaint:
    provider: str | filing.NamedProvider = (
        data.provider
        if isinstance(data.provider, str)
        else filing.NamedProvider(name=data.provider.name, country=data.provider.country)
    )
    contact = None
    if data.contact is not None:
        contact = Contact(**data.contact.model_dump())
    return filing.NewComplaint(
        provider=provider,
        categories=tuple(c.value for c in data.categories),
        description=data.description,
        country=data.country,
        workers_affected=data.workers_affected,
        occurred_on=data.occurred_on,
        corridor=data.corridor,
        contact=contact,
        share_identity_with_provider=data.share_identity_with_provider,
    )


class ComplaintsController(Controller):
    path = "/api/v1/complaints"
    tags = ["complaints"]
    dependencies = {"actor": Provide(provide_actor)}

    # --- the complainant, no account ----------------------------------------------------

    @post(
        "/",
        operation_id="fileComplaint",
        summary="File a complaint about a provider (no account needed)",
        request_max_body_size=JSON_LIMIT,
        status_code=201,
        cache_control=CacheControlHeader(no_store=True),  # the access key, shown once
    )
    async def file(self, data: JSONBody[ComplaintIn]) -> FiledOut:
        """Anyone may file, anonymously or with contact details. The answer's `access_key`
        is shown once: with the `reference` it opens the case (header `Complaint-Key`).
        Files are added afterwards with `POST /api/v1/complaints/{reference}/attachments`."""
        return await filing.file(new_complaint(data))

    @get(
        "/{reference:str}",
        operation_id="getComplaint",
        summary="A complaint: the complainant's view (Complaint-Key), or an account's",
        opt={"token_optional": True},
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        reference: Reference,
        complaint_key: ComplaintKey = None,
    ) -> ComplainantCase | Case | ProviderCase:
        """With `Complaint-Key`: the state, the dates and the messages to the complainant.
        With a bearer token: the secretariat sees the whole case, the provider concerned its
        own view (without the complainant's identity unless they agreed)."""
        actor = None if complaint_key is not None else await current_actor(request)
        if actor is None:
            return await filing.complainant_case(reference, complaint_key)
        if actor.role is Role.SECRETARIAT:
            return await handling.get_case(reference, actor)
        if actor.role is Role.PROVIDER:
            return await provider_side.get_own(reference, actor)
        raise PermissionDeniedException("complaints are not for the auditor role")

    @post(
        "/{reference:str}/messages",
        operation_id="addComplaintInformation",
        summary="The complainant adds information or answers a question",
        request_max_body_size=JSON_LIMIT,
        status_code=201,
    )
    async def message(
        self, reference: Reference, data: JSONBody[MessageIn], complaint_key: ComplaintKey = None
    ) -> MessageOut:
        """To the secretariat, never to the provider."""
        return await filing.complainant_message(reference, complaint_key, data.body)

    @post(
        "/{reference:str}/attachments",
        operation_id="attachToComplaint",
        summary="Attach a file: the complainant (Complaint-Key) or the provider concerned",
        request_max_body_size=FILE_LIMIT,
        exception_handlers=FILE_ERRORS,
        status_code=201,
        opt={"token_optional": True},
    )
    async def attach(
        self,
        request: Request[Any, Any, Any],
        reference: Reference,
        complaint_key: ComplaintKey = None,
        filename: Annotated[str | None, QueryParameter(max_length=255)] = None,
    ) -> AttachmentOut:
        """The raw bytes with their own `Content-Type` (PDF, JPEG, PNG, plain text, CSV),
        checked like evidence; `?filename=` names it (kept sealed)."""
        declared = request.headers.get("content-type")
        actor = None if complaint_key is not None else await current_actor(request)
        if actor is None:
            return await filing.complainant_attachment(
                reference,
                complaint_key,
                request.stream(),
                declared_type=declared,
                filename=filename,
            )
        if actor.role is not Role.PROVIDER:
            raise PermissionDeniedException("files come from the complainant or the provider")
        return await provider_side.attach(
            reference, actor, request.stream(), declared_type=declared, filename=filename
        )

    @get(
        "/{reference:str}/attachments/{attachment_id:str}",
        operation_id="getComplaintAttachment",
        summary="Download a file of a complaint: the complainant's own (Complaint-Key), the "
        "provider's own, or any (secretariat)",
        opt={"token_optional": True},
        media_type="application/octet-stream",
    )
    async def download(
        self,
        request: Request[Any, Any, Any],
        reference: Reference,
        attachment_id: Annotated[str, PathParameter(max_length=40, description="att_...")],
        complaint_key: ComplaintKey = None,
    ) -> Response[bytes]:
        """The file as it was sent (`Content-Disposition: attachment`, never cached), opened
        from its sealed form. Anyone else, and every file of an erased case, gets 404."""
        actor = None if complaint_key is not None else await current_actor(request)
        if actor is None:
            return opened_file(await files.for_complainant(reference, complaint_key, attachment_id))
        if actor.role is Role.AUDITOR:
            raise PermissionDeniedException("complaints are not for the auditor role")
        return opened_file(await files.for_account(reference, attachment_id, actor))

    # --- lists ------------------------------------------------------------------------

    @get(
        "/",
        operation_id="listComplaints",
        summary="The complaints an account may see",
        guards=[_secretariat_or_provider],
    )
    async def list_visible(
        self,
        actor: ActorDep,
        state_: Annotated[rules.CaseState | None, QueryParameter(name="state")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> CaseListOut | ProviderCaseListOut:
        """The secretariat: every case, oldest first, with contact details; a provider: the
        cases about its own organisation, without the complainant's identity unless they
        agreed."""
        if actor.role is Role.SECRETARIAT:
            items, total = await handling.queue(actor, state=state_, limit=limit, offset=offset)
            return CaseListOut(items=tuple(items), total=total, limit=limit, offset=offset)
        own, total = await provider_side.list_own(actor, state=state_, limit=limit, offset=offset)
        return ProviderCaseListOut(items=tuple(own), total=total, limit=limit, offset=offset)

    # --- the secretariat --------------------------------------------------------------

    @post(
        "/{reference:str}/acknowledge",
        operation_id="acknowledgeComplaint",
        summary="Acknowledge a complaint (REM-2: within 7 days of receipt)",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=200,
    )
    async def acknowledge(
        self, reference: Reference, actor: ActorDep, data: JSONBody[NoteIn | None] = None
    ) -> CaseOut:
        """`note`, if given, is a message to the complainant."""
        return await handling.acknowledge(reference, actor, None if data is None else data.note)

    @post(
        "/{reference:str}/handler",
        operation_id="assignComplaintHandler",
        summary="Assign a case handler",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=200,
    )
    async def handler(
        self, reference: Reference, data: JSONBody[HandlerIn], actor: ActorDep
    ) -> CaseOut:
        return await handling.assign_handler(reference, data.handler_id, actor)

    @post(
        "/{reference:str}/questions",
        operation_id="askAboutComplaint",
        summary="Ask the complainant or the provider; request the provider's response",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=201,
    )
    async def question(
        self, reference: Reference, data: JSONBody[QuestionIn], actor: ActorDep
    ) -> MessageOut:
        """To the provider with `response_due`: its response with evidence is requested by
        that date (accepted until the end of that day, UTC)."""
        return await handling.ask(
            reference, rules.Party(data.to), data.body, actor, response_due=data.response_due
        )

    @post(
        "/{reference:str}/suspension",
        operation_id="suspendOnComplaint",
        summary="Suspend the provider's certificate at once on an alleged core indicator",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=200,
    )
    async def suspend(
        self, reference: Reference, data: JSONBody[SuspensionIn], actor: ActorDep
    ) -> CaseOut:
        """Only when the indicator is core in the certificate's standard, lies in one of the
        complaint's categories, and the complaint has evidence attached."""
        return await handling.suspend(
            reference, data.indicator, actor, certificate=data.certificate
        )

    @post(
        "/{reference:str}/special-audits",
        operation_id="orderSpecialAudit",
        summary="Order a special audit (assignment rules apply; may be unannounced)",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=201,
    )
    async def special_audit(
        self, reference: Reference, data: JSONBody[SpecialAuditIn], actor: ActorDep
    ) -> SpecialAuditOut:
        """The auditor is checked (or picked) by the rules of assignment: accreditation
        scope, conflicts of interest, rotation."""
        return await special_audits.order(
            reference,
            actor,
            auditor_id=data.auditor_id,
            audit_date=data.audit_date,
            unannounced=data.unannounced,
            certificate=data.certificate,
        )

    @post(
        "/{reference:str}/close",
        operation_id="closeComplaint",
        summary="Close a complaint with an outcome and reasons",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=200,
    )
    async def close(
        self, reference: Reference, data: JSONBody[CloseIn], actor: ActorDep
    ) -> CaseOut:
        """The complainant and the provider are told the outcome and the reasons."""
        return await handling.close(reference, data.outcome, data.reasons, actor)

    @post(
        "/{reference:str}/remedies",
        operation_id="orderRemedy",
        summary="Order remedy on a substantiated complaint",
        guards=[secretariat_only],
        request_max_body_size=JSON_LIMIT,
        status_code=201,
    )
    async def remedy(
        self, reference: Reference, data: JSONBody[RemedyIn], actor: ActorDep
    ) -> RemedyOut:
        """A refund (amount, ISO 4217 currency), a returned document, a reinstated contract or
        other, each with a deadline; tracked until confirmed."""
        order = remedies.RemedyOrder(**data.model_dump())
        return await remedies.order(reference, order, actor)

    @post(
        "/{reference:str}/erase",
        operation_id="eraseComplaintPersonalData",
        summary="Erase the complainant's personal data now (on request)",
        guards=[secretariat_only],
        status_code=204,
    )
    async def erase(self, reference: Reference, actor: ActorDep) -> None:
        """Contact details, description, messages, reasons and file names; the counts and
        the transparency log stay as they were."""
        await retention.erase(reference, actor)

    # --- the provider concerned ----------------------------------------------------------

    @post(
        "/{reference:str}/response",
        operation_id="respondToComplaint",
        summary="The provider's response, by the deadline",
        guards=[_providers],
        request_max_body_size=JSON_LIMIT,
        status_code=201,
    )
    async def respond(
        self, reference: Reference, data: JSONBody[MessageIn], actor: ActorDep
    ) -> MessageOut:
        """Evidence goes with `POST /api/v1/complaints/{reference}/attachments`."""
        return await provider_side.respond(reference, data.body, actor)


__all__ = ["ComplaintsController"]
