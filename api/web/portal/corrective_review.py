"""The reviewer's forms on a corrective action's page: accept the plan or return it with a
reason; verify closure by desk review or return the evidence with a reason. For the
assigned auditor, and the secretariat where the standard allows desk review; the use case
(`registry.corrective.workflow`) decides who may, and a refusal (the secretariat where it
may not, desk review where the standard requires a visit) is shown at the form."""

from __future__ import annotations

from typing import Any, Final

from litestar import Response, post

from api.i18n import N_
from api.i18n import gettext as _
from api.web.portal.base import flash, posted, see_other, signed_in
from api.web.portal.corrective import BASE, ActionId, Req, action_page, status_of
from registry.accounts import Role
from registry.corrective import workflow
from registry.corrective.rules import MAX_TEXT
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError

DECISIONS: Final = ("accept", "return")
DONE: Final = {
    ("plan", "accept"): N_("The plan is accepted."),
    ("plan", "return"): N_("The plan was returned to the provider."),
    ("closure", "accept"): N_("Closure verified by desk review: the action is closed."),
    ("closure", "return"): N_("The evidence was returned to the provider."),
}


async def _review(request: Req, action_id: str, step: str) -> Response[Any]:
    actor = await signed_in(request, Role.AUDITOR, Role.SECRETARIAT)
    fields = await posted(request)
    decision = fields.get("decision", "")
    reason = fields.get("reason", "")[: MAX_TEXT + 1]
    try:
        if decision not in DECISIONS:
            raise InvalidRequestError(_("choose accept or return"), field="reason")
        accept = decision == "accept"
        if step == "plan":
            await workflow.review_plan(action_id, actor, accept=accept, reason=reason)
        else:
            await workflow.review_closure(action_id, actor, verify=accept, reason=reason)
    except (InvalidRequestError, ConflictError, ForbiddenError) as exc:
        return await action_page(request, actor, action_id, status=status_of(exc),
                                 errors={"reason": str(exc)},
                                 entered={"reason": reason})  # fmt: skip
    flash(request, _(DONE[(step, decision)]))
    return see_other(f"{BASE}/{action_id}")


@post("/corrective-actions/{action_id:str}/plan-review", name="portal:corrective-plan-review")
async def plan_review(request: Req, action_id: ActionId) -> Response[Any]:
    return await _review(request, action_id, "plan")


@post(
    "/corrective-actions/{action_id:str}/closure-review",
    name="portal:corrective-closure-review",
)
async def closure_review(request: Req, action_id: ActionId) -> Response[Any]:
    return await _review(request, action_id, "closure")


HANDLERS: Final = [plan_review, closure_review]
