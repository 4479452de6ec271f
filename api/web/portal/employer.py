"""The employer's portal: watchlists with each entry's standing, adding by code, registry id
or from a provider's page, removing, and uploading a supplier list with a review of its
doubtful matches before anything is added (docs/employers.md)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import PermissionDeniedException
from litestar.params import PathParameter, QueryParameter

from api.i18n import gettext as _
from api.i18n import ngettext
from api.web.portal.base import Req, flash, portal_page, see_other, signed_in
from api.web.portal.session import csrf_ok
from registry.accounts import Actor, Role
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.watchlists import checks, service
from registry.watchlists.suppliers import MAX_BYTES, SupplierListError

Id = Annotated[str, PathParameter(max_length=60)]
HOME: Final = "/portal/employer"


async def _employer(request: Req) -> Actor:
    return await signed_in(request, Role.EMPLOYER)


async def _form(request: Req) -> tuple[dict[str, str], UploadFile | None]:
    """A portal form's text fields and its file, after the CSRF check."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_ok(request, fields.get("csrf")):
        raise PermissionDeniedException(
            detail="this form has expired or did not come from this site; open the page again"
        )
    upload = form.get("file")
    return fields, upload if isinstance(upload, UploadFile) else None


async def _home(request: Req, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
    context.setdefault("errors", {})
    return portal_page(
        "portal_employer.html", request, actor, status=status,
        watchlists=await service.list_own(actor), **context,
    )  # fmt: skip


@get("/employer", name="portal:employer")
async def home(request: Req) -> Response[str]:
    return await _home(request, await _employer(request))


@post("/employer/watchlists", name="portal:employer-create", status_code=303)
async def create(request: Req) -> Response[Any]:
    actor = await _employer(request)
    fields, _file = await _form(request)
    try:
        made = await service.create(actor, fields.get("name", ""))
    except (InvalidRequestError, ConflictError) as exc:
        return await _home(request, actor, status=422, errors={"name": str(exc)})
    return see_other(f"{HOME}/watchlists/{made.id}")


async def _watchlist(
    request: Req, actor: Actor, watchlist_id: str, *, status: int = 200, **context: Any
) -> Response[str]:
    found, entries = await service.get(actor, watchlist_id)
    context.setdefault("errors", {})
    return portal_page(
        "portal_watchlist.html", request, actor, status=status, watchlist=found, entries=entries,
        max_kb=MAX_BYTES // 1000, **context,
    )  # fmt: skip


@get("/employer/watchlists/{watchlist_id:str}", name="portal:employer-watchlist")
async def watchlist(request: Req, watchlist_id: Id) -> Response[str]:
    return await _watchlist(request, await _employer(request), watchlist_id)


@post("/employer/watchlists/{watchlist_id:str}/items", name="portal:employer-add", status_code=303)
async def add(request: Req, watchlist_id: Id) -> Response[Any]:
    actor = await _employer(request)
    fields, _file = await _form(request)
    ref = fields.get("ref", "")
    try:
        await service.add(actor, watchlist_id, ref)
    except (InvalidRequestError, ConflictError) as exc:
        return await _watchlist(
            request, actor, watchlist_id, status=422, errors={"ref": str(exc)}, ref=ref[:64]
        )
    except NotFoundError as exc:
        await service.get(actor, watchlist_id)  # the watchlist itself: 404 if not one's own
        return await _watchlist(
            request, actor, watchlist_id, status=422, errors={"ref": str(exc)}, ref=ref[:64]
        )
    flash(request, _("Added %(ref)s.") % {"ref": ref.strip()[:64]})
    return see_other(f"{HOME}/watchlists/{watchlist_id}")


@post("/employer/watchlists/{watchlist_id:str}/items/{item_id:str}/remove",
      name="portal:employer-remove", status_code=303)  # fmt: skip
async def remove(request: Req, watchlist_id: Id, item_id: Id) -> Response[Any]:
    actor = await _employer(request)
    await _form(request)
    await service.remove(actor, watchlist_id, item_id)
    flash(request, _("Removed."))
    return see_other(f"{HOME}/watchlists/{watchlist_id}")


@post("/employer/watchlists/{watchlist_id:str}/delete", name="portal:employer-delete",
      status_code=303)  # fmt: skip
async def delete(request: Req, watchlist_id: Id) -> Response[Any]:
    actor = await _employer(request)
    await _form(request)
    await service.delete(actor, watchlist_id)
    flash(request, _("Watchlist deleted."))
    return see_other(HOME)


@post("/employer/watchlists/{watchlist_id:str}/uploads", name="portal:employer-upload",
      status_code=303, request_max_body_size=MAX_BYTES + 64 * 1024)  # fmt: skip
async def upload(request: Req, watchlist_id: Id) -> Response[Any]:
    actor = await _employer(request)
    _fields, file = await _form(request)
    if file is None:
        return await _watchlist(
            request, actor, watchlist_id, status=422, errors={"file": "choose a CSV file"}
        )
    try:
        found = await checks.create(await file.read(), actor=actor, watchlist_id=watchlist_id)
    except SupplierListError as exc:
        where = f" ({exc.field})" if exc.field else ""
        return await _watchlist(
            request, actor, watchlist_id, status=422, errors={"file": f"{exc}{where}"}
        )
    return see_other(f"{HOME}/uploads/{found.id}")


@get("/employer/uploads/{check_id:str}", name="portal:employer-review")
async def review(request: Req, check_id: Id) -> Response[str]:
    """Progress while matching; then matched rows, doubtful rows to confirm, choose or skip,
    and rows not in the registry."""
    actor = await _employer(request)
    found = await checks.get(check_id, actor)
    return portal_page("portal_upload.html", request, actor, check=found, errors={})


@post("/employer/uploads/{check_id:str}/apply", name="portal:employer-apply", status_code=303)
async def apply(request: Req, check_id: Id) -> Response[Any]:
    actor = await _employer(request)
    fields, _file = await _form(request)
    choices = {
        int(key.removeprefix("choice-")): value
        for key, value in fields.items()
        if key.startswith("choice-") and key.removeprefix("choice-").isdigit()
    }
    try:
        added = await checks.apply_upload(actor, check_id, choices)
    except (InvalidRequestError, ConflictError) as exc:
        found = await checks.get(check_id, actor, advance=False)
        return portal_page(
            "portal_upload.html",
            request,
            actor,
            status=422,
            check=found,
            errors={"apply": str(exc)},
        )
    found = await checks.get(check_id, actor, advance=False)
    flash(
        request,
        ngettext(
            "Added %(n)s supplier to the watchlist.",
            "Added %(n)s suppliers to the watchlist.",
            len(added),
        )
        % {"n": len(added)},
    )
    return see_other(f"{HOME}/watchlists/{found.watchlist_id}")


@get("/employer/watch", name="portal:employer-watch")
async def watch_form(
    request: Req, ref: Annotated[str, QueryParameter(max_length=64)] = ""
) -> Response[str]:
    """Reached from a provider's or certificate's public page ("Watch"): choose a watchlist."""
    actor = await _employer(request)
    return portal_page(
        "portal_watch.html", request, actor, ref=ref, watchlists=await service.list_own(actor),
        errors={},
    )  # fmt: skip


@post("/employer/watch", name="portal:employer-watch-submit", status_code=303)
async def watch(request: Req) -> Response[Any]:
    actor = await _employer(request)
    fields, _file = await _form(request)
    ref, target = fields.get("ref", ""), fields.get("watchlist_id", "")
    try:
        if not target:
            made = await service.create(actor, fields.get("name", "") or "My suppliers")
            target = made.id
        await service.add(actor, target, ref)
    except (InvalidRequestError, ConflictError, NotFoundError) as exc:
        return portal_page(
            "portal_watch.html", request, actor, status=422, ref=ref[:64],
            watchlists=await service.list_own(actor), errors={"ref": str(exc)},
        )  # fmt: skip
    flash(request, _("Added %(ref)s.") % {"ref": ref.strip()[:64]})
    return see_other(f"{HOME}/watchlists/{target}")


HANDLERS: Final = [
    home, create, watchlist, add, remove, delete, upload, review, apply, watch_form, watch,
]  # fmt: skip
