"""Corrective actions in the portals (issue 17): the provider's list, and one action's page
with its history and the form for the next step of whoever looks at it (the provider's
root-cause analysis and plan, then evidence of closure; the reviewer's decisions:
`corrective_review`). The lists of the assigned auditor and the secretariat, and the
secretariat's screen of what `rightsmark lifecycle run` reported, are here too.

Every step calls the use cases of `registry.corrective` that the API calls; another
party's action is a 404 page, as in the API.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal import evidence as portal_evidence
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from registry.accounts import Actor, Role
from registry.assessments import evidence
from registry.assessments.errors import EvidenceTooLarge, UnsupportedEvidence
from registry.assessments.evidence import submit_corrective_evidence
from registry.assessments.records import Evidence
from registry.corrective import queries, workflow
from registry.corrective.records import CorrectiveAction
from registry.corrective.rules import (
    FINISHED,
    MAX_TEXT,
    SUBMIT_EVIDENCE_FROM,
    SUBMIT_PLAN_FROM,
    State,
)
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, RegistryError

ActionId = Annotated[str, PathParameter(max_length=40)]
Req = Request[Any, Any, Any]
BASE: Final = "/portal/corrective-actions"
LIST_LIMIT: Final = 500
AWAITING_REVIEW: Final = frozenset({State.PLAN_SUBMITTED, State.EVIDENCE_SUBMITTED})
_FIELDS: Final = {"plan": ("root_cause", "plan"), "evidence": ("evidence_file", "note")}


def status_of(exc: RegistryError) -> int:
    if isinstance(exc, EvidenceTooLarge):
        return 413
    if isinstance(exc, UnsupportedEvidence):
        return 415
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, ConflictError):
        return 409
    return 422


def finished(action: CorrectiveAction) -> bool:
    return State(action.progress) in FINISHED


def _provider_step(action: CorrectiveAction) -> str | None:
    progress = State(action.progress)
    if progress in SUBMIT_PLAN_FROM:
        return "plan"
    if progress in SUBMIT_EVIDENCE_FROM:
        return "evidence"
    return None


def _review_step(action: CorrectiveAction) -> str | None:
    progress = State(action.progress)
    if progress is State.PLAN_SUBMITTED:
        return "plan"
    if progress is State.EVIDENCE_SUBMITTED:
        return "closure"
    return None


def may_review(action: CorrectiveAction, actor: Actor) -> bool:
    """Whom the page offers the review forms: the assigned auditor (the only auditor who
    sees the action) or, where the standard allows desk review, the secretariat. The use
    case decides again when the form is sent."""
    if actor.role is Role.AUDITOR:
        return True
    return actor.role is Role.SECRETARIAT and action.secretariat_may_review


async def _files(action: CorrectiveAction, actor: Actor) -> list[Evidence]:
    """The evidence files named on the action, with their names, for download links."""
    named = set(action.evidence)
    uploaded = await evidence.list_for_application(action.application_id, actor)
    return [e for e in uploaded if e.ref in named]


async def action_page(
    request: Req,
    actor: Actor,
    action_id: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
) -> Response[str]:
    action = await queries.get_action(action_id, actor)  # 404 for anybody else
    errors = errors or {}
    provider_step = _provider_step(action) if actor.role is Role.PROVIDER else None
    review_step = _review_step(action) if actor.role is not Role.PROVIDER else None
    reviews = may_review(action, actor)
    # A refusal whose form is not on the page (the action moved on, or was never this
    # party's to answer) is said at the top instead.
    shown = set(_FIELDS.get(provider_step or "", ())) | ({"reason"} if review_step else set())
    return portal_page(
        "portal_corrective_action.html",
        request,
        actor,
        status=status,
        action=action,
        files=await _files(action, actor),
        provider_step=provider_step,
        review_step=review_step,
        may_review=reviews,
        max_text=MAX_TEXT,
        errors=errors,
        general=[
            message
            for field, message in errors.items()
            if field not in shown or (field == "reason" and not reviews)
        ],
        entered=entered or {},
    )


@get("/corrective-actions/{action_id:str}", name="portal:corrective-action")
async def action(request: Req, action_id: ActionId) -> Response[str]:
    actor = await signed_in(request, Role.PROVIDER, Role.AUDITOR, Role.SECRETARIAT)
    return await action_page(request, actor, action_id)


@get("/provider/corrective-actions", name="portal:provider-corrective")
async def provider_list(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.PROVIDER)
    listed = (await queries.list_actions(actor, limit=LIST_LIMIT)).items
    return portal_page(
        "portal_corrective_actions.html",
        request,
        actor,
        sections=[
            ("Open", "Nothing open: no corrective action is waiting for you.",
             [a for a in listed if not finished(a)]),
            ("Closed or withdrawn", "None yet.", [a for a in listed if finished(a)]),
        ],
    )  # fmt: skip


@get("/auditor/corrective-actions", name="portal:auditor-corrective")
async def auditor_list(request: Req) -> Response[str]:
    """The actions of the applications assigned to this auditor: what awaits its review
    first."""
    actor = await signed_in(request, Role.AUDITOR)
    listed = (await queries.list_actions(actor, limit=LIST_LIMIT)).items
    waiting = [a for a in listed if State(a.progress) in AWAITING_REVIEW]
    return portal_page(
        "portal_corrective_actions.html",
        request,
        actor,
        sections=[
            ("Awaiting your review", "Nothing awaits your review.", waiting),
            ("With the provider", "None.",
             [a for a in listed if not finished(a) and a not in waiting]),
            ("Closed or withdrawn", "None yet.", [a for a in listed if finished(a)]),
        ],
    )  # fmt: skip


@get("/secretariat/corrective-actions", name="portal:secretariat-corrective")
async def secretariat_list(request: Req) -> Response[str]:
    """What awaits review: those the standard lets the secretariat review on paper, then
    those only the assigned auditor reviews (shown, not offered)."""
    actor = await signed_in(request, Role.SECRETARIAT)
    listed = (await queries.list_actions(actor, limit=LIST_LIMIT)).items
    waiting = [a for a in listed if State(a.progress) in AWAITING_REVIEW]
    return portal_page(
        "portal_corrective_actions.html",
        request,
        actor,
        sections=[
            ("Awaiting review: desk review by the secretariat allowed",
             "Nothing the secretariat may review awaits review.",
             [a for a in waiting if a.secretariat_may_review]),
            ("Awaiting review by the assigned auditor",
             "Nothing awaits the auditors' review.",
             [a for a in waiting if not a.secretariat_may_review]),
        ],
        overdue_link=True,
    )  # fmt: skip


@get("/secretariat/corrective-actions/overdue", name="portal:secretariat-corrective-overdue")
async def overdue(request: Req) -> Response[str]:
    """What `rightsmark lifecycle run` reported: plans not submitted by their deadline and
    actions escalated past their closure deadline (with the day each suspends)."""
    actor = await signed_in(request, Role.SECRETARIAT)
    late = await queries.list_actions(actor, state=State.OVERDUE.value, limit=LIST_LIMIT)
    escalated = await queries.list_actions(actor, state=State.ESCALATED.value, limit=LIST_LIMIT)
    return portal_page(
        "portal_corrective_overdue.html",
        request,
        actor,
        late=late.items,
        escalated=escalated.items,
    )


@post("/corrective-actions/{action_id:str}/plan", name="portal:corrective-plan")
async def plan(request: Req, action_id: ActionId) -> Response[Any]:
    actor = await signed_in(request, Role.PROVIDER)
    fields = await posted(request)
    entered = {name: fields.get(name, "")[: MAX_TEXT + 1] for name in ("root_cause", "plan")}
    try:
        await workflow.submit_plan(action_id, actor, **entered)
    except (InvalidRequestError, ConflictError, ForbiddenError) as exc:
        field = exc.field if isinstance(exc, InvalidRequestError) and exc.field else "plan"
        return await action_page(request, actor, action_id, status=status_of(exc),
                                 errors={field: str(exc)}, entered=entered)  # fmt: skip
    flash(request, _("Your plan was sent for review."))
    return see_other(f"{BASE}/{action_id}")


@post(
    "/corrective-actions/{action_id:str}/evidence",
    name="portal:corrective-evidence",
    request_max_body_size=portal_evidence.MAX_BODY,
)
async def submit_evidence(request: Req, action_id: ActionId) -> Response[Any]:
    """A file (stored in the evidence store as the auditor's uploads are) and a note. The
    note and the action's state are checked before the file is stored, so a refused
    submission stores nothing."""
    actor = await signed_in(request, Role.PROVIDER)
    fields = await posted(request)
    form = await request.form()
    note = fields.get("note", "")[: MAX_TEXT + 1]
    upload = portal_evidence.chosen_file(form.get(portal_evidence.FIELD))
    current = await queries.get_action(action_id, actor)  # 404 for another provider
    try:
        workflow.text(note, "note", required=False)
        if upload is None and not note.strip():
            raise InvalidRequestError(_("choose a file or write a note"), field="evidence")
        if State(current.progress) not in SUBMIT_EVIDENCE_FROM:
            raise ConflictError(f"corrective action {action_id} is {current.state}; evidence "
                                "is taken once its plan is accepted")  # fmt: skip
        refs: list[str] = []
        if upload is not None:
            stored, _created = await portal_evidence.store(current.application_id, actor, upload)
            refs.append(stored.ref)
        await submit_corrective_evidence(action_id, actor, references=refs, note=note)
    except RegistryError as exc:
        if portal_evidence.refusal(exc) is None and not isinstance(exc, ForbiddenError):
            raise
        field = "note" if isinstance(exc, InvalidRequestError) and exc.field == "note" else None
        return await action_page(request, actor, action_id, status=status_of(exc),
                                 errors={field or portal_evidence.FIELD: str(exc)},
                                 entered={"note": note})  # fmt: skip
    flash(request, _("Your evidence was sent for review."))
    return see_other(f"{BASE}/{action_id}")


HANDLERS: Final = [
    action,
    provider_list,
    auditor_list,
    secretariat_list,
    overdue,
    plan,
    submit_evidence,
]
