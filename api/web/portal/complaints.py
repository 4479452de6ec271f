"""The secretariat's complaints: the queue against the REM-2 clocks (acknowledge within 7
days, resolve within 60; overdue flagged), and a case page with the complainant's contact
details and every action of `registry.complaints`: acknowledge, assign a handler, ask the
complainant or the provider (with a response deadline), order a special audit, suspend the
certificate, close with an outcome, order remedy and confirm it done.

A refused action (bad input, a move the case's state forbids, an assignment rule) is shown
at that action's form on the case page, with what was typed, and nothing is stored: each
service checks everything in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter, QueryParameter

from api.http.downloads import opened_file
from api.i18n import gettext as _
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from registry import accounts
from registry.accounts import Actor, Role
from registry.certificates import service as certificates
from registry.certificates.records import CertificateSummary
from registry.clock import utc_now
from registry.complaints import files, handling, remedies, rules, special_audits
from registry.complaints.records import Case
from registry.db import names
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, RegistryError
from registry.standards.service import get_ruleset

Ref = Annotated[str, PathParameter(max_length=32)]
Id = Annotated[str, PathParameter(max_length=48)]
Req = Request[Any, Any, Any]
QUEUE: Final = "/portal/secretariat/complaints"
AUTOMATIC: Final = "automatic"
MAX_FIELD: Final = 10_000
FILTERS: Final = ("open", "all", *(s.value for s in rules.CaseState))


def status_of(exc: RegistryError) -> int:
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, ConflictError):
        return 409
    return 422


def _when(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def age_days(iso: str, now: dt.datetime) -> int:
    return (now - _when(iso)).days


def date_field(raw: str, field: str, *, required: bool) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        if required:
            raise InvalidRequestError(_("give a date (YYYY-MM-DD)"), field=field)
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidRequestError(
            _("%(raw)s is not a date (YYYY-MM-DD)") % {"raw": repr(raw[:40])}, field=field
        ) from None


async def _names(role: Role) -> list[tuple[str, str]]:
    listed = await accounts.list_accounts(role=role, limit=LIST_LIMIT, offset=0)
    return [(a.id, a.name) for a in listed if a.active]


@get("/secretariat/complaints", name="portal:complaints")
async def queue(
    request: Req, show: Annotated[str, QueryParameter(name="show", max_length=16)] = "open"
) -> Response[str]:
    """Oldest first; open cases by default, `?show=all` or a state for the rest."""
    actor = await signed_in(request, Role.SECRETARIAT)
    if show not in FILTERS:
        raise InvalidRequestError(
            _("show is one of %(filters)s") % {"filters": ", ".join(FILTERS)}, field="show"
        )
    state = None if show in ("open", "all") else rules.CaseState(show)
    listed, total = await handling.queue(actor, state=state, limit=LIST_LIMIT, offset=0)
    if show == "open":
        listed = [c for c in listed if c.state in rules.OPEN_STATES]
    now = utc_now()
    return portal_page(
        "portal_complaints.html",
        request,
        actor,
        cases=listed,
        total=total,
        show=show,
        filters=FILTERS,
        ages={c.reference: age_days(c.clocks.received_at, now) for c in listed},
        provider_names=await names.provider_names(c.accused.provider_id for c in listed),
        handler_names=await names.account_names(c.handler_id for c in listed),
    )


async def _core_indicators(case: Case) -> list[str]:
    """The core indicators the complaint's categories allege, of the provider's certified
    standards: what an immediate suspension may name."""
    if case.accused.provider_id is None:
        return []
    listed = await certificates.list_certificates(
        provider=case.accused.provider_id, status_filter=None, limit=LIST_LIMIT, offset=0
    )
    found: dict[str, None] = {}
    for standard in {(c.standard.slug, c.standard.version) for c in listed.items}:
        ruleset = await get_ruleset(*standard)
        for _id, indicator in ruleset.indicators():
            if indicator.core and rules.alleges(case.categories, indicator.id):
                found[indicator.id] = None
    return sorted(found)


async def case_page(
    request: Req,
    actor: Actor,
    reference: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
) -> Response[str]:
    case = await handling.get_case(reference, actor)
    provider_certificates: tuple[CertificateSummary, ...] = ()
    if case.accused.provider_id is not None:
        listed = await certificates.list_certificates(
            provider=case.accused.provider_id, status_filter=None, limit=LIST_LIMIT, offset=0
        )
        provider_certificates = listed.items
    now = utc_now()
    return portal_page(
        "portal_complaint.html",
        request,
        actor,
        status=status,
        case=case,
        errors=errors or {},
        entered=entered or {},
        handlers=await _names(Role.SECRETARIAT),
        auditors=await _names(Role.AUDITOR),
        certificates=provider_certificates,
        indicators=await _core_indicators(case),
        outcomes=list(rules.Outcome),
        remedy_kinds=list(rules.RemedyKind),
        is_open=case.state in rules.OPEN_STATES,
        may_remedy=case.outcome in rules.REMEDY_OUTCOMES,
        age=age_days(case.clocks.received_at, now),
        acknowledge_overdue=case.clocks.acknowledged_at is None
        and case.state in rules.OPEN_STATES
        and now > _when(case.clocks.acknowledge_due),
        resolve_overdue=case.state in rules.OPEN_STATES and now > _when(case.clocks.resolve_due),
        today=now.date().isoformat(),
        automatic=AUTOMATIC,
    )


@get("/secretariat/complaints/{reference:str}", name="portal:complaint")
async def case(request: Req, reference: Ref) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return await case_page(request, actor, reference)


@get(
    "/secretariat/complaints/{reference:str}/files/{attachment_id:str}",
    name="portal:complaint-file",
)
async def case_file(request: Req, reference: Ref, attachment_id: Id) -> Response[bytes]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return opened_file(await files.for_account(reference, attachment_id, actor))


Action = Callable[[Actor, dict[str, str]], Awaitable[str]]


async def _act(request: Req, reference: str, form: str, action: Action) -> Response[Any]:
    """Run one action of the case page: on success a message and back to the case; on a
    refusal the case page again, the message at `form`'s action, nothing stored."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = {k: v[:MAX_FIELD] for k, v in (await posted(request)).items() if k != "csrf"}
    try:
        done = await action(actor, fields)
    except (InvalidRequestError, ConflictError, ForbiddenError) as exc:
        return await case_page(
            request,
            actor,
            reference,
            status=status_of(exc),
            errors={form: str(exc)},
            entered={f"{form}.{k}": v for k, v in fields.items()},
        )
    flash(request, done)
    return see_other(f"{QUEUE}/{reference}")


def _optional(value: str | None) -> str | None:
    return (value or "").strip() or None


@post("/secretariat/complaints/{reference:str}/acknowledge", name="portal:complaint-acknowledge")
async def acknowledge(request: Req, reference: Ref) -> Response[Any]:
    async def run(actor: Actor, fields: dict[str, str]) -> str:
        await handling.acknowledge(reference, actor, _optional(fields.get("note")))
        return _("Complaint %(reference)s acknowledged.") % {"reference": reference}

    return await _act(request, reference, "acknowledge", run)


@post("/secretariat/complaints/{reference:str}/assign", name="portal:complaint-assign")
async def assign(request: Req, reference: Ref) -> Response[Any]:
    async def run(actor: Actor, fields: dict[str, str]) -> str:
        handler = fields.get("handler_id", "").strip()
        if not handler:
            raise InvalidRequestError(_("choose a handler"), field="handler_id")
        await handling.assign_handler(reference, handler, actor)
        return _("Complaint %(reference)s assigned to %(handler)s.") % {
            "reference": reference,
            "handler": handler,
        }

    return await _act(request, reference, "assign", run)


@post("/secretariat/complaints/{reference:str}/ask", name="portal:complaint-ask")
async def ask(request: Req, reference: Ref) -> Response[Any]:
    """A question to the complainant or the provider; to the provider with a deadline it
    is a request for its response."""

    async def run(actor: Actor, fields: dict[str, str]) -> str:
        to = fields.get("to", "")
        if to not in (rules.Party.COMPLAINANT.value, rules.Party.PROVIDER.value):
            raise InvalidRequestError(_("ask the complainant or the provider"), field="to")
        due = date_field(fields.get("response_due", ""), "response_due", required=False)
        await handling.ask(
            reference, rules.Party(to), fields.get("body", ""), actor, response_due=due
        )
        if due:
            return _("Question sent to the %(to)s, response due by %(due)s.") % {
                "to": to,
                "due": due,
            }
        return _("Question sent to the %(to)s.") % {"to": to}

    return await _act(request, reference, "ask", run)


@post("/secretariat/complaints/{reference:str}/special-audit", name="portal:complaint-audit")
async def special_audit(request: Req, reference: Ref) -> Response[Any]:
    async def run(actor: Actor, fields: dict[str, str]) -> str:
        chosen = fields.get("auditor_id", "").strip()
        audit_date = date_field(fields.get("audit_date", ""), "audit_date", required=True)
        assert audit_date is not None
        ordered = await special_audits.order(
            reference,
            actor,
            auditor_id=None if chosen in ("", AUTOMATIC) else chosen,
            audit_date=audit_date,
            unannounced=fields.get("unannounced") == "yes",
            certificate=_optional(fields.get("certificate")),
        )
        return (
            f"Special audit {ordered.id} ordered: {ordered.auditor_id} on {ordered.audit_date}"
            + (", unannounced." if ordered.unannounced else ".")
        )

    return await _act(request, reference, "audit", run)


@post("/secretariat/complaints/{reference:str}/suspend", name="portal:complaint-suspend")
async def suspend(request: Req, reference: Ref) -> Response[Any]:
    async def run(actor: Actor, fields: dict[str, str]) -> str:
        indicator = fields.get("indicator", "").strip().upper()
        if not indicator:
            raise InvalidRequestError(_("name the core indicator alleged"), field="indicator")
        await handling.suspend(
            reference, indicator, actor, certificate=_optional(fields.get("certificate"))
        )
        return _("Certificate suspended on complaint %(reference)s (%(indicator)s).") % {
            "reference": reference,
            "indicator": indicator,
        }

    return await _act(request, reference, "suspend", run)


@post("/secretariat/complaints/{reference:str}/close", name="portal:complaint-close")
async def close(request: Req, reference: Ref) -> Response[Any]:
    async def run(actor: Actor, fields: dict[str, str]) -> str:
        raw = fields.get("outcome", "")
        try:
            outcome = rules.Outcome(raw)
        except ValueError:
            raise InvalidRequestError(_("choose an outcome"), field="outcome") from None
        await handling.close(reference, outcome, fields.get("reasons", ""), actor)
        return _("Complaint %(reference)s closed: %(outcome)s.") % {
            "reference": reference,
            "outcome": outcome.value.replace("_", " "),
        }

    return await _act(request, reference, "close", run)


def _int_field(raw: str, field: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidRequestError(_("write a whole number"), field=field) from None


@post("/secretariat/complaints/{reference:str}/remedy", name="portal:complaint-remedy")
async def remedy(request: Req, reference: Ref) -> Response[Any]:
    async def run(actor: Actor, fields: dict[str, str]) -> str:
        try:
            kind = rules.RemedyKind(fields.get("kind", ""))
        except ValueError:
            raise InvalidRequestError(_("choose the kind of remedy"), field="kind") from None
        deadline = date_field(fields.get("deadline", ""), "deadline", required=True)
        assert deadline is not None
        currency = _optional(fields.get("currency"))
        ordered = await remedies.order(
            reference,
            remedies.RemedyOrder(
                kind=kind,
                deadline=deadline,
                amount=_optional(fields.get("amount")),
                currency=None if currency is None else currency.upper(),
                workers=_int_field(fields.get("workers", ""), "workers"),
                details=_optional(fields.get("details")),
            ),
            actor,
        )
        return _("Remedy %(id)s ordered, due by %(deadline)s.") % {
            "id": ordered.id,
            "deadline": ordered.deadline,
        }

    return await _act(request, reference, "remedy", run)


@post(
    "/secretariat/complaints/{reference:str}/remedies/{remedy_id:str}/confirm",
    name="portal:remedy-confirm",
)
async def confirm_remedy(request: Req, reference: Ref, remedy_id: Id) -> Response[Any]:
    async def run(actor: Actor, fields: dict[str, str]) -> str:
        case = await handling.get_case(reference, actor)
        if remedy_id not in {r.id for r in case.remedies}:
            raise InvalidRequestError(
                _("remedy %(id)s is not on %(reference)s")
                % {"id": remedy_id, "reference": reference},
                field="remedy",
            )
        await remedies.confirm(remedy_id, actor)
        return _("Remedy %(id)s confirmed done.") % {"id": remedy_id}

    return await _act(request, reference, f"confirm-{remedy_id}", run)


HANDLERS: Final = [
    queue,
    case,
    case_file,
    acknowledge,
    assign,
    ask,
    special_audit,
    suspend,
    close,
    remedy,
    confirm_remedy,
]
