"""Employers: self sign-up, watchlists (an employer's own; another's answers 404), and
supplier-list checks for anyone (docs/employers.md)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.params import JSONBody, PathParameter

from api.http.auth import ActorDep, current_actor, provide_actor, requires
from api.http.schemas.employers import (
    AppliedOut,
    ApplyIn,
    CheckOut,
    ItemIn,
    SignUpIn,
    SignUpOut,
    WatchlistIn,
    WatchlistListOut,
    WatchlistOut,
)
from registry.accounts import Actor, Role
from registry.urls import public_base
from registry.watchlists import checks, service, signup
from registry.watchlists.checks import Check, report_csv
from registry.watchlists.service import Item
from registry.watchlists.suppliers import MAX_BYTES

WatchlistId = Annotated[str, PathParameter(max_length=40, description="wl_...")]
ItemId = Annotated[str, PathParameter(max_length=40, description="wli_...")]
CheckId = Annotated[str, PathParameter(max_length=60, description="chk_...")]
_employers = requires(Role.EMPLOYER)
_CSV_LIMIT: Final = MAX_BYTES + 64 * 1024  # the file and a multipart envelope around it
SIGNED_UP: Final = (
    "If this address can have an employer account, a confirmation link is on its way. It "
    f"works once and for {signup.LINK_HOURS} hours."
)


async def _reader(request: Request[Any, Any, Any]) -> Actor | None:
    """Who reads a check: an employer's upload needs its token; a public check needs none,
    and a dead token is ignored there as on every public read."""
    try:
        return await current_actor(request)
    except NotAuthorizedException:
        return None


def check_url(check_id: str) -> str:
    return f"{public_base()}/api/v1/supplier-checks/{check_id}"


def check_out(found: Check) -> CheckOut:
    counts = found.counts
    return CheckOut(
        id=found.id,
        url=check_url(found.id),
        report_csv=check_url(found.id) + "/report.csv",
        state=found.state,
        total=found.total,
        done=found.done,
        matched=counts["matched"],
        doubtful=counts["doubtful"],
        not_found=counts["not_found"],
        created_at=found.created_at,
        expires_at=found.expires_at,
        watchlist_id=found.watchlist_id,
        rows=list(found.rows),
    )


async def csv_body(request: Request[Any, Any, Any]) -> bytes:
    """The list: the body itself (text/csv), or the `file` field of a multipart form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(
                status_code=422,
                detail="send the list as the form field `file`",
                extra={"errors": [{"field": "file", "message": "missing"}]},
            )
        return await upload.read()
    if kind not in {"text/csv", "text/plain", "application/csv"}:
        raise HTTPException(
            status_code=415, detail="send the list as text/csv, or multipart/form-data (file)"
        )
    return await request.body()


class EmployerSignUpController(Controller):
    path = "/api/v1/employers"
    tags = ["employers"]

    @post(
        "/sign-up",
        operation_id="signUpEmployer",
        summary="Sign up as an employer",
        status_code=202,
        request_max_body_size=4096,
    )
    async def sign_up(self, data: JSONBody[SignUpIn]) -> SignUpOut:
        """No account needed. A confirmation link is e-mailed to `email`; opening it creates
        the employer account and shows its API token once (for an address that already has
        one: a new token). The answer is the same whether or not the address is registered,
        and an address gets at most 3 e-mails a day."""
        await signup.request_sign_up(
            name=data.name, organisation=data.organisation, email=str(data.email)
        )
        return SignUpOut(detail=SIGNED_UP)


class WatchlistsController(Controller):
    path = "/api/v1/watchlists"
    tags = ["employers"]
    # Guards on each handler, not the controller: Litestar's own OPTIONS answers stay open.
    dependencies = {"actor": Provide(provide_actor)}

    @get("/", guards=[_employers], operation_id="listWatchlists", summary="Your watchlists")
    async def list_own(self, actor: ActorDep) -> WatchlistListOut:
        return WatchlistListOut(items=await service.list_own(actor))

    @post(
        "/",
        guards=[_employers],
        operation_id="createWatchlist",
        summary="Create a watchlist",
        status_code=201,
        request_max_body_size=4096,
    )
    async def create(self, data: JSONBody[WatchlistIn], actor: ActorDep) -> WatchlistOut:
        """Names are unique per account (409 naming `name`)."""
        made = await service.create(actor, data.name)
        return WatchlistOut(id=made.id, name=made.name, created_at=made.created_at, items=[])

    @get(
        "/{watchlist_id:str}",
        guards=[_employers],
        operation_id="getWatchlist",
        summary="A watchlist, each entry with its current standing",
    )
    async def read(self, watchlist_id: WatchlistId, actor: ActorDep) -> WatchlistOut:
        """Each entry: status, grade and expiry of its certificate (a provider entry: the
        certificate that best describes it), open corrective actions and public complaint
        counts. Another account's watchlist answers 404."""
        found, entries = await service.get(actor, watchlist_id)
        return WatchlistOut(
            id=found.id, name=found.name, created_at=found.created_at, items=entries
        )

    @delete(
        "/{watchlist_id:str}",
        guards=[_employers],
        operation_id="deleteWatchlist",
        summary="Delete a watchlist",
        status_code=204,
    )
    async def remove(self, watchlist_id: WatchlistId, actor: ActorDep) -> None:
        await service.delete(actor, watchlist_id)

    @post(
        "/{watchlist_id:str}/items",
        guards=[_employers],
        operation_id="addWatchlistItem",
        summary="Add a provider or certificate",
        status_code=201,
        request_max_body_size=4096,
    )
    async def add(self, watchlist_id: WatchlistId, data: JSONBody[ItemIn], actor: ActorDep) -> Item:
        """By certificate code or registry id; 409 if it is there already."""
        return await service.add(actor, watchlist_id, data.ref)

    @delete(
        "/{watchlist_id:str}/items/{item_id:str}",
        guards=[_employers],
        operation_id="removeWatchlistItem",
        summary="Remove an entry",
        status_code=204,
    )
    async def remove_item(
        self, watchlist_id: WatchlistId, item_id: ItemId, actor: ActorDep
    ) -> None:
        await service.remove(actor, watchlist_id, item_id)

    @post(
        "/{watchlist_id:str}/uploads",
        guards=[_employers],
        operation_id="uploadSupplierList",
        summary="Match a supplier list for this watchlist",
        status_code=202,
        request_max_body_size=_CSV_LIMIT,
    )
    async def upload(
        self, watchlist_id: WatchlistId, request: Request[Any, Any, Any], actor: ActorDep
    ) -> Response[CheckOut]:
        """The CSV (see `GET /supplier-check/template.csv`) is matched as a supplier check
        visible to this account only; nothing is added until `.../apply`, where doubtful
        matches are confirmed, chosen or skipped."""
        found = await checks.create(await csv_body(request), actor=actor, watchlist_id=watchlist_id)
        return Response(
            check_out(found), status_code=202, headers={"Location": check_url(found.id)}
        )

    @post(
        "/{watchlist_id:str}/uploads/{check_id:str}/apply",
        guards=[_employers],
        operation_id="applySupplierList",
        summary="Add a matched supplier list to the watchlist",
        status_code=200,
        request_max_body_size=256 * 1024,
    )
    async def apply(
        self, watchlist_id: WatchlistId, check_id: CheckId, data: JSONBody[ApplyIn], actor: ActorDep
    ) -> AppliedOut:
        """Every matched row, and the doubtful rows given a candidate in `choices`. Once."""
        found = await checks.get(check_id, actor, advance=False)
        if found.watchlist_id != watchlist_id:
            raise HTTPException(status_code=404, detail=f"no upload {check_id} in this watchlist")
        added = await checks.apply_upload(actor, check_id, data.choices)
        return AppliedOut(added=len(added), watchlist_id=watchlist_id)


class SupplierChecksController(Controller):
    path = "/api/v1/supplier-checks"
    tags = ["employers"]

    @post(
        "/",
        operation_id="createSupplierCheck",
        summary="Check a supplier list",
        status_code=202,
        request_max_body_size=_CSV_LIMIT,
    )
    async def create(self, request: Request[Any, Any, Any]) -> Response[CheckOut]:
        """No account needed. Send the CSV as `text/csv` or as the `file` field of a
        multipart form (columns name, country, licence_number, certificate_code; at most
        5,000 rows and 1,000,000 bytes: 413 beyond, 422 naming `rows[N].field` for a bad
        row). Answers 202 with the check's URL (also `Location`): lists of up to 50 rows are
        done at once; longer ones progress in the background and on every poll. The URL is
        the check's only key; it is kept 7 days."""
        found = await checks.create(await csv_body(request))
        return Response(
            check_out(found), status_code=202, headers={"Location": check_url(found.id)}
        )

    @get(
        "/{check_id:str}",
        operation_id="getSupplierCheck",
        summary="A supplier check's progress and results",
    )
    async def read(self, check_id: CheckId, request: Request[Any, Any, Any]) -> CheckOut:
        """Each poll moves an unfinished check on by a batch. An employer's upload is seen
        with its account's token only (404 otherwise)."""
        return check_out(await checks.get(check_id, await _reader(request)))

    @get(
        "/{check_id:str}/report.csv",
        operation_id="getSupplierCheckCsv",
        summary="A supplier check's report as CSV",
        media_type="text/csv",
    )
    async def csv(self, check_id: CheckId, request: Request[Any, Any, Any]) -> Response[bytes]:
        """The rows finished so far; cells a spreadsheet would run as formulas are prefixed
        with `'`."""
        found = await checks.get(check_id, await _reader(request), advance=False)
        return Response(
            report_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="supplier-check-{found.id[4:16]}.csv"'
            },
        )
