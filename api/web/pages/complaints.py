"""The complaint channel on the public site, no account and no JavaScript: file a complaint
(`/complaints/new`), then follow it with the reference and access key (`/complaints/track`),
add information or a file, answer a question, ask for a review of the outcome.

Everything goes through `registry.complaints` like `POST /api/v1/complaints`. The access
key travels only in POST bodies (never a URL, so never a log line or a Referer), and every
page that shows it or the case is `Cache-Control: no-store`. These forms carry no CSRF
token: the public site sets no cookie, so a forged request would carry no authority the
attacker does not already have (the key is in the form or it is nothing).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import QueryParameter
from litestar.types import ASGIApp

from api.http.middleware.ratelimit import rate_limit_middleware
from api.i18n import gettext as _
from api.web.pages import complaint_form as forms
from api.web.render.html import page
from registry.complaints import appeals, filing
from registry.complaints.records import ComplainantCase
from registry.errors import ConflictError, InvalidRequestError, NotFoundError, RegistryError
from registry.settings import get_settings

Req = Request[Any, Any, Any]
FORMS: Final = ("application/x-www-form-urlencoded", "multipart/form-data")
NO_STORE: Final = "no-store"
MAX_BODY: Final = get_settings().evidence_max_bytes + 1024 * 1024
MAX_KEY: Final = 100


def _limited(app: ASGIApp) -> ASGIApp:
    """The complaint channel's per-address limit (`RIGHTSMARK_COMPLAINT_RATE_PER_MINUTE`) on
    the form posts, built with each application so that every app counts on its own."""
    per_minute = get_settings().complaint_rate_per_minute
    factory = rate_limit_middleware(
        per_minute=per_minute, matches=lambda method, _: method == "POST", what="complaint"
    )
    return factory(app)


def _private(response: Response[str]) -> Response[str]:
    response.headers["Cache-Control"] = NO_STORE
    return response


async def _form_fields(request: Req) -> Any:
    if request.headers.get("content-type", "").split(";")[0].strip() not in FORMS:
        raise HTTPException(status_code=415, detail="send the form from this page")
    return await request.form()


def _new_form(
    *, status: int = 200, data: forms.Entered | None = None, errors: dict[str, str] | None = None
) -> Response[str]:
    return _private(
        page(
            "complaint_new.html",
            status=status,
            section="complaint",
            data=data or forms.Entered({"workers_affected": "1"}),
            errors=errors or {},
            categories=forms.category_labels(),
            channels=forms.channel_labels(),
            languages=forms.languages(),
            countries=forms.countries(),
            max_mb=get_settings().evidence_max_bytes // (1024 * 1024),
        )
    )


def _track_form(
    *, status: int = 200, reference: str = "", error: str | None = None
) -> Response[str]:
    return _private(
        page(
            "complaint_track.html",
            status=status,
            section="complaint",
            reference=reference,
            error=error,
        )
    )


def _case_page(
    case: ComplainantCase,
    key: str,
    *,
    status: int = 200,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
) -> Response[str]:
    return _private(
        page(
            "complaint_case.html",
            status=status,
            section="complaint",
            case=case,
            key=key,
            notice=notice,
            errors=errors or {},
            entered=entered or {},
            categories=forms.category_labels(),
            may_review=case.outcome is not None and case.clocks.appeal_until is not None,
        )
    )


def _credentials(form: Any) -> tuple[str, str]:
    reference = str(form.get("reference") or "").strip().upper()[:32]
    key = str(form.get("key") or "").strip()[:MAX_KEY]
    return reference, key


async def _opened(request: Req) -> tuple[Any, str, ComplainantCase] | Response[str]:
    """The posted form, its access key and the case they open; or the tracking form again,
    with one answer for an unknown reference and a wrong key."""
    form = await _form_fields(request)
    reference, key = _credentials(form)
    try:
        return form, key, await filing.complainant_case(reference, key)
    except NotFoundError as exc:
        return _track_form(status=404, reference=reference, error=str(exc))


class ComplaintPages(Controller):
    path = "/complaints"
    include_in_schema = False
    middleware = [_limited]

    @get("/new", name="web:complaint-new")
    async def new(
        self, provider: Annotated[str, QueryParameter(name="provider", max_length=64)] = ""
    ) -> Response[str]:
        """The form; `?provider=` pre-fills the recruiter (from a certificate's page)."""
        return _new_form(
            data=forms.Entered({"workers_affected": "1", "provider": provider.strip()})
        )

    @post("/new", name="web:complaint-file", request_max_body_size=MAX_BODY, status_code=201)
    async def file(self, request: Req) -> Response[str]:
        """File it, and show the reference and the access key this once. A refusal shows the
        form again with the message at its field; nothing is stored."""
        form = await _form_fields(request)
        data = forms.entered(form)
        limit = get_settings().evidence_max_bytes
        try:
            complaint = forms.new_complaint(data)
            upload = forms.chosen_file(form.get("attachment"))
            checked = None if upload is None else await forms.checked_file(upload, limit)
            filed = await filing.file(complaint)
        except InvalidRequestError as exc:
            return _new_form(status=422, data=data, errors={forms.form_field(exc.field): str(exc)})
        except ConflictError as exc:
            return _new_form(status=409, data=data, errors={"form": str(exc)})
        attached = None
        if checked is not None:
            try:
                attached = await filing.complainant_attachment(
                    filed.reference,
                    filed.access_key,
                    checked.chunks(),
                    declared_type=checked.content_type,
                    filename=checked.filename,
                )
            except RegistryError:
                attached = None  # the complaint stands; the page says to send the file again
        return _private(
            page(
                "complaint_filed.html",
                status=201,
                section="complaint",
                filed=filed,
                file_sent=checked is not None,
                attached=attached,
            )
        )

    @get("/track", name="web:complaint-track")
    async def track_form(self) -> Response[str]:
        return _track_form()

    @post("/track", name="web:complaint-case", status_code=200)
    async def track(self, request: Req) -> Response[str]:
        """The case, for its reference and key; an unknown reference and a wrong key get the
        same answer."""
        opened = await _opened(request)
        if isinstance(opened, Response):
            return opened
        _, key, case = opened
        return _case_page(case, key)

    @post(
        "/track/message",
        name="web:complaint-message",
        request_max_body_size=MAX_BODY,
        status_code=200,
    )
    async def message(self, request: Req) -> Response[str]:
        """More information or an answer, with an optional file, to the registry."""
        opened = await _opened(request)
        if isinstance(opened, Response):
            return opened
        form, key, case = opened
        reference = case.reference
        body = str(form.get("body") or "")[: forms.MAX_FIELD]
        upload = forms.chosen_file(form.get("attachment"))
        try:
            if not body.strip() and upload is None:
                raise InvalidRequestError("write a message or choose a file", field="body")
            checked = (
                None
                if upload is None
                else await forms.checked_file(upload, get_settings().evidence_max_bytes)
            )
            if body.strip():
                await filing.complainant_message(reference, key, body)
            if checked is not None:
                await filing.complainant_attachment(
                    reference,
                    key,
                    checked.chunks(),
                    declared_type=checked.content_type,
                    filename=checked.filename,
                )
        except (InvalidRequestError, ConflictError) as exc:
            where = "body" if isinstance(exc, ConflictError) else forms.form_field(exc.field)
            status = 409 if isinstance(exc, ConflictError) else 422
            return _case_page(
                case, key, status=status, errors={where: str(exc)}, entered={"body": body}
            )
        case = await filing.complainant_case(reference, key)
        return _case_page(case, key, notice=_("Thank you: the registry has your information."))

    @post("/track/review", name="web:complaint-review", status_code=200)
    async def review(self, request: Req) -> Response[str]:
        """Ask for a review of the outcome, within the appeal window."""
        opened = await _opened(request)
        if isinstance(opened, Response):
            return opened
        form, key, case = opened
        reference = case.reference
        reasons = str(form.get("reasons") or "")[: forms.MAX_FIELD]
        try:
            appeal = await appeals.request_review(reference, key, reasons)
        except (InvalidRequestError, ConflictError) as exc:
            status = 409 if isinstance(exc, ConflictError) else 422
            return _case_page(
                case, key, status=status, errors={"reasons": str(exc)}, entered={"reasons": reasons}
            )
        case = await filing.complainant_case(reference, key)
        return _case_page(
            case,
            key,
            notice=_(
                "Your request for a review was received (%(id)s). Another member of the "
                "registry's staff, who took no part in the decision, will decide it."
            )
            % {"id": appeal.id},
        )
