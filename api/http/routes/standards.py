"""Standards: public reads; drafts, publishing and retiring for the secretariat."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.params import PathParameter, QueryParameter, RawBody

from api.http.auth import ActorDep, provide_actor, secretariat_only
from api.http.schemas.common import DiffOut, StandardVersionOut, VersionListOut, VersionSummaryOut
from registry.standards import service
from standards.lifecycle import parse_version
from standards.model import SLUG_PATTERN

Slug = Annotated[
    str, PathParameter(pattern=SLUG_PATTERN, max_length=64, description="e.g. core-rights")
]
Version = Annotated[str, PathParameter(max_length=32, description="semantic version, e.g. 1.0.0")]

_YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}


def _check_version(version: str) -> None:
    try:
        parse_version(version)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=f"version: {exc}") from exc


class StandardsController(Controller):
    path = "/api/v1/standards"
    tags = ["standards"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("/", operation_id="listStandardVersions", summary="List standard versions")
    async def list_versions(self) -> VersionListOut:
        """Every published and retired version of every standard, oldest first."""
        items = await service.list_versions()
        return VersionListOut(items=[VersionSummaryOut(**v.to_dict()) for v in items])

    @get(
        "/drafts",
        operation_id="listStandardDrafts",
        summary="List all versions, drafts included",
        guards=[secretariat_only],
    )
    async def list_drafts(self) -> VersionListOut:
        """Secretariat only: drafts beside published and retired versions."""
        items = await service.list_versions(include_drafts=True)
        return VersionListOut(items=[VersionSummaryOut(**v.to_dict()) for v in items])

    @get(
        "/{slug:str}/versions/{version:str}",
        operation_id="getStandardVersion",
        summary="Read a published standard version",
        response_description="The rule set with its status and digest",
    )
    async def get_version(self, slug: Slug, version: Version) -> Response[StandardVersionOut]:
        """The complete rule set of a published (or retired) version, with its status and the
        SHA-256 digest of its canonical JSON. Immutable once published, so it is cacheable."""
        _check_version(version)
        body = await service.get_published_json(slug, version)
        return Response(
            content=body,  # type: ignore[arg-type]
            media_type="application/json",
            headers={"Cache-Control": "public, max-age=60"},
        )

    @get(
        "/{slug:str}/drafts/{version:str}",
        operation_id="getStandardDraft",
        summary="Read any version, drafts included",
        guards=[secretariat_only],
    )
    async def get_draft(self, slug: Slug, version: Version) -> StandardVersionOut:
        """Secretariat only: read a draft before publishing it."""
        _check_version(version)
        return StandardVersionOut(**await service.get_version(slug, version, include_drafts=True))

    @get("/{slug:str}/diff", operation_id="diffStandardVersions", summary="Compare two versions")
    async def diff(
        self,
        slug: Slug,
        from_version: Annotated[str, QueryParameter(name="from", max_length=32)],
        to_version: Annotated[str, QueryParameter(name="to", max_length=32)],
    ) -> DiffOut:
        """Indicators added, removed and changed field by field between two published
        versions, and the version bump the change implies."""
        _check_version(from_version)
        _check_version(to_version)
        result = await service.diff(slug, from_version, to_version)
        return DiffOut(**result.to_dict())

    @post(
        "/",
        operation_id="uploadStandardDraft",
        summary="Upload a draft version",
        guards=[secretariat_only],
        status_code=201,
    )
    async def upload_draft(
        self, request: Request[Any, Any, Any], body: RawBody, actor: ActorDep
    ) -> Response[VersionSummaryOut]:
        """Body: the rule set as `application/yaml` or `application/json`.

        Validate a rule set (every problem reported at once, with field and line) and store
        it as a draft. A draft of the same version is replaced (200). Uploading a rule set
        identical to a published version is a no-op (200); a different one is refused (409)."""
        raw = bytes(body)
        media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        source: Any
        if media in _YAML_TYPES:
            source = raw
        elif media == "application/json":
            source = raw  # the YAML loader reads JSON too, and keeps line numbers
        else:
            raise HTTPException(
                status_code=415, detail="send the rule set as application/json or application/yaml"
            )
        if not raw.strip():
            raise HTTPException(status_code=400, detail="the request body is empty")
        try:
            summary, created = await service.save_draft(source, actor=actor.label)
        except yaml.YAMLError as exc:  # defensive: the loader reports syntax as LintError
            raise HTTPException(status_code=400, detail=f"unreadable YAML: {exc}") from exc
        return Response(VersionSummaryOut(**summary.to_dict()), status_code=201 if created else 200)

    @post(
        "/{slug:str}/versions/{version:str}/publish",
        operation_id="publishStandardVersion",
        summary="Publish a draft",
        guards=[secretariat_only],
        status_code=200,
    )
    async def publish(self, slug: Slug, version: Version, actor: ActorDep) -> VersionSummaryOut:
        """Freeze a draft and record its digest. Publishing the same rule set again is a
        no-op; versions only increase (409 otherwise)."""
        _check_version(version)
        summary, _ = await service.publish(slug, version, actor=actor.label)
        return VersionSummaryOut(**summary.to_dict())

    @post(
        "/{slug:str}/versions/{version:str}/retire",
        operation_id="retireStandardVersion",
        summary="Retire a published version",
        guards=[secretariat_only],
        status_code=200,
    )
    async def retire(self, slug: Slug, version: Version, actor: ActorDep) -> VersionSummaryOut:
        """No new applications may name a retired version; certificates already issued
        against it stay verifiable."""
        _check_version(version)
        summary = await service.retire(slug, version, actor=actor.label)
        return VersionSummaryOut(**summary.to_dict())
