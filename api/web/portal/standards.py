"""The secretariat's standards publishing: every version of every standard with its state;
upload a rule set (YAML or JSON, a file or pasted) as a draft, publish a draft, retire a
published version.

The work is `registry.standards.service` (as the API's `/api/v1/standards`). A rule set with
problems is listed with each problem's line and field (422); a publish or retire the
lifecycle refuses is shown with its reason (409); nothing is stored in either case.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.params import PathParameter

from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from registry.accounts import Actor, Role
from registry.standards import service
from standards.errors import (
    InvalidVersion,
    LifecycleError,
    LintError,
    Problem,
    StandardConflict,
    VersionOrderError,
)
from standards.lifecycle import parse_version
from standards.model import SLUG_PATTERN

Slug = Annotated[str, PathParameter(pattern=SLUG_PATTERN, max_length=64)]
Version = Annotated[str, PathParameter(max_length=32)]
Req = Request[Any, Any, Any]

PAGE: Final = "/portal/secretariat/standards"
# A rule set is a few tens of kilobytes; the app's body limit (1 MiB by default) applies.
MAX_SOURCE: Final = 1024 * 1024
REFUSED: Final = (StandardConflict, VersionOrderError, LifecycleError)


async def _page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    problems: list[Problem] | None = None,
    refusal: str | None = None,
    source: str = "",
) -> Response[str]:
    versions = [v.to_dict() for v in await service.list_versions(include_drafts=True)]
    return portal_page(
        "portal_standards.html",
        request,
        actor,
        status=status,
        versions=versions,
        problems=problems or [],
        refusal=refusal,
        source=source,
    )


@get("/secretariat/standards", name="portal:standards")
async def standards(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _page(request, actor)


@post("/secretariat/standards", name="portal:standard-upload")
async def upload(request: Req) -> Response[Any]:
    """A rule set as a file (`file`) or pasted (`source`), stored as a draft."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    file = (await request.form()).get("file")
    raw = await file.read(MAX_SOURCE + 1) if isinstance(file, UploadFile) else b""
    if not raw.strip():
        raw = fields.get("source", "").encode()
    pasted = fields.get("source", "")[:MAX_SOURCE]
    if not raw.strip():
        return await _page(
            request, actor, status=400, refusal="choose a rule-set file or paste one"
        )
    if len(raw) > MAX_SOURCE:
        raise HTTPException(status_code=413, detail="the rule set is larger than 1 MiB")
    try:
        summary, created = await service.save_draft(raw, actor=actor.label)
    except LintError as exc:
        return await _page(request, actor, status=422, problems=exc.problems, source=pasted)
    except REFUSED as exc:
        return await _page(request, actor, status=409, refusal=str(exc), source=pasted)
    ref = f"{summary.slug}@{summary.version}"
    if summary.status != "draft":
        flash(
            request,
            f"{ref} is already {summary.status} with exactly this content: nothing changed.",
        )
    else:
        flash(request, f"Draft {ref} {'stored' if created else 'replaced'}. Publish it below.")
    return see_other(f"{PAGE}#{ref}")


@post("/secretariat/standards/{slug:str}/{version:str}/{step:str}", name="portal:standard-step")
async def step(
    request: Req, slug: Slug, version: Version, step: Annotated[str, PathParameter(max_length=16)]
) -> Response[Any]:
    """`publish` a draft or `retire` a published version."""
    actor = await signed_in(request, Role.SECRETARIAT)
    await posted(request)
    if step not in ("publish", "retire"):
        raise HTTPException(status_code=404, detail=f"no step {step!r}: publish, retire")
    try:
        parse_version(version)
    except InvalidVersion as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    try:
        if step == "publish":
            await service.publish(slug, version, actor=actor.label)
        else:
            await service.retire(slug, version, actor=actor.label)
    except REFUSED as exc:
        return await _page(request, actor, status=409, refusal=f"{slug}@{version}: {exc}")
    flash(request, f"{slug}@{version} {'published' if step == 'publish' else 'retired'}.")
    return see_other(f"{PAGE}#{slug}@{version}")


HANDLERS: Final = [standards, upload, step]
