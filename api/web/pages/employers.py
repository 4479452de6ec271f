"""Employers' public pages: the sign-up form and its confirmation, and the supplier-list
check anyone may run (docs/employers.md). Signed-in employers' pages are in
`api.web.portal.employer`."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect

from api.web.render.html import PAGE_HEADERS, page
from api.web.render.supplier_pdf import report_pdf
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.urls import public_base
from registry.watchlists import checks, signup
from registry.watchlists.checks import report_csv
from registry.watchlists.suppliers import (
    MAX_BYTES,
    MAX_ROWS,
    TEMPLATE,
    SupplierListError,
    SupplierListTooLarge,
)

Req = Request[Any, Any, Any]
CheckId = Annotated[str, PathParameter(max_length=60)]
# Never stored by a shared cache: a report's URL is its only key.
PRIVATE: Final = {**PAGE_HEADERS, "Cache-Control": "private, no-store"}


async def _fields(request: Req) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _check_form(
    error: str | None = None, field: str | None = None, status: int = 200
) -> Response[str]:
    return page(
        "supplier_check.html", status=status, section="suppliers", error=error, field=field,
        max_rows=MAX_ROWS, max_kb=MAX_BYTES // 1000,
    )  # fmt: skip


class EmployerPages(Controller):
    include_in_schema = False

    @get("/employers/sign-up", name="web:employer-sign-up")
    async def sign_up_form(self) -> Response[str]:
        return page("employer_sign_up.html", section="employers", fields={}, errors={})

    @post("/employers/sign-up", name="web:employer-sign-up-submit", status_code=200,
          request_max_body_size=4096)  # fmt: skip
    async def sign_up(self, request: Req) -> Response[str]:
        """The same page whether or not the address is known (no enumeration)."""
        fields = await _fields(request)
        try:
            await signup.request_sign_up(
                name=fields.get("name", ""),
                organisation=fields.get("organisation", ""),
                email=fields.get("email", ""),
            )
        except InvalidRequestError as exc:
            return page(
                "employer_sign_up.html", status=422, section="employers",
                fields={k: fields.get(k, "")[:320] for k in ("name", "organisation", "email")},
                errors={exc.field or "email": str(exc)},
            )  # fmt: skip
        # The words are the template's, so they follow the reader's language.
        return page(
            "employer_sign_up.html", section="employers", sent=True,
            link_hours=signup.LINK_HOURS,
        )  # fmt: skip

    @get("/employers/confirm", name="web:employer-confirm")
    async def confirm_form(
        self, key: Annotated[str, QueryParameter(max_length=100)] = ""
    ) -> Response[str]:
        """Reading the link changes nothing (mail scanners open links): a button confirms."""
        try:
            pending = await signup.pending(key)
        except (NotFoundError, ConflictError) as exc:
            return page("employer_confirm.html", status=_status(exc), error=str(exc))
        answer = page("employer_confirm.html", pending=pending, key=key)
        answer.headers.update(PRIVATE)
        return answer

    @post("/employers/confirm", name="web:employer-confirm-submit", status_code=200,
          request_max_body_size=1024)  # fmt: skip
    async def confirm(self, request: Req) -> Response[str]:
        key = (await _fields(request)).get("key", "")
        try:
            account, token, details = await signup.confirm(key)
        except (NotFoundError, ConflictError) as exc:
            return page("employer_confirm.html", status=_status(exc), error=str(exc))
        answer = page("employer_confirm.html", account=account, token=token, details=details)
        answer.headers.update(PRIVATE)
        return answer

    @get("/supplier-check", name="web:supplier-check")
    async def check_form(self) -> Response[str]:
        return _check_form()

    @get("/supplier-check/template.csv", name="web:supplier-check-template")
    async def template(self) -> Response[bytes]:
        return Response(
            ("\ufeff" + TEMPLATE).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="supplier-list.csv"'},
        )

    @post("/supplier-check", name="web:supplier-check-submit", status_code=303,
          request_max_body_size=MAX_BYTES + 64 * 1024)  # fmt: skip
    async def check(self, request: Req) -> Response[Any]:
        """Short lists are reported at once; long ones show their progress first."""
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return _check_form("choose a CSV file to upload", "file", status=422)
        try:
            found = await checks.create(await upload.read())
        except SupplierListError as exc:
            status = 413 if isinstance(exc, SupplierListTooLarge) else 422
            return _check_form(str(exc), exc.field, status=status)
        return Redirect(f"/supplier-check/{found.id}", status_code=303, headers=PRIVATE)

    @get("/supplier-check/{check_id:str}", name="web:supplier-check-report")
    async def report(self, check_id: CheckId) -> Response[str]:
        """Each visit of an unfinished check moves it on by a batch; the page refreshes
        itself (a plain meta refresh: no script) until it is done."""
        found = await checks.get(check_id)
        answer = page(
            "supplier_check_report.html", section="suppliers", check=found,
            keep_days=checks.KEEP_DAYS,
        )  # fmt: skip
        answer.headers.update(PRIVATE)
        return answer

    @get("/supplier-check/{check_id:str}/report.csv", name="web:supplier-check-csv")
    async def report_as_csv(self, check_id: CheckId) -> Response[bytes]:
        found = await checks.get(check_id, advance=False)
        return Response(
            report_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={**PRIVATE, "Content-Disposition": 'attachment; filename="supplier-check.csv"'},
        )

    @get("/supplier-check/{check_id:str}/report.pdf", name="web:supplier-check-pdf")
    async def report_as_pdf(self, check_id: CheckId) -> Response[bytes]:
        found = await checks.get(check_id, advance=False)
        body = report_pdf(found, f"{public_base()}/supplier-check/{found.id}")
        return Response(
            body,
            media_type="application/pdf",
            headers={**PRIVATE, "Content-Disposition": 'inline; filename="supplier-check.pdf"'},
        )


def _status(exc: Exception) -> int:
    return 404 if isinstance(exc, NotFoundError) else 409
