"""Applications for certification: apply, list, read with events, withdraw."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, authenticated, provide_actor, requires
from api.http.schemas.registry import (
    ApplicationCreate,
    ApplicationDetailOut,
    ApplicationListOut,
    ApplicationOut,
    ReasonIn,
)
from registry import applications
from registry.accounts import Role
from registry.applications import ApplicationState
from registry.errors import InvalidRequestError
from registry.self_assessments import service as self_assessments

ApplicationId = Annotated[str, PathParameter(max_length=40, description="apl_...")]
_owners = requires(Role.SECRETARIAT, Role.PROVIDER)


class ApplicationsController(Controller):
    path = "/api/v1/applications"
    tags = ["applications"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/",
        operation_id="createApplication",
        summary="Apply for certification against a published standard version",
        guards=[_owners],
        status_code=201,
    )
    async def create(self, data: JSONBody[ApplicationCreate], actor: ActorDep) -> ApplicationOut:
        """A provider applies for its own organisation; the secretariat names provider_id.
        The scope must be a subset of the organisation's registered types and corridors."""
        provider_id = data.provider_id or actor.provider_id
        if actor.role is Role.SECRETARIAT and not data.provider_id:
            raise InvalidRequestError("name the provider applying", field="provider_id")
        return await applications.apply(
            provider_id=provider_id or "",
            standard=data.standard,
            provider_types=[str(t) for t in data.provider_types],
            corridors=data.corridors,
            actor=actor,
        )

    @get(
        "/",
        operation_id="listApplications",
        summary="List the applications the caller may see",
        guards=[authenticated],
    )
    async def list_visible(
        self,
        actor: ActorDep,
        state_: Annotated[ApplicationState | None, QueryParameter(name="state")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> ApplicationListOut:
        """Secretariat: all; provider: its own; auditor: those assigned to it."""
        items = await applications.list_for(actor, state=state_, limit=limit, offset=offset)
        return ApplicationListOut(items=list(items), limit=limit, offset=offset)

    @get(
        "/{application_id:str}",
        operation_id="getApplication",
        summary="Read an application with its history",
        guards=[authenticated],
    )
    async def read(self, application_id: ApplicationId, actor: ActorDep) -> ApplicationDetailOut:
        """An application the caller may not see answers 404, as if it did not exist. The
        provider's self-assessment attached to it, if any, is summarised in
        `self_assessment`, marked `self_assessed` (`GET /api/v1/self-assessments/{id}` has
        its gap list)."""
        application = await applications.visible_application(application_id, actor)
        events = list(await applications.events(application_id))
        attached = await self_assessments.attached_to(application)
        return ApplicationDetailOut(
            **msgspec.structs.asdict(application),
            events=events,
            self_assessment=None if attached is None else self_assessments.summary_of(attached),
        )

    @post(
        "/{application_id:str}/withdraw",
        operation_id="withdrawApplication",
        summary="Withdraw an application before its decision",
        guards=[_owners],
        status_code=200,
    )
    async def withdraw(
        self, application_id: ApplicationId, actor: ActorDep, data: JSONBody[ReasonIn | None] = None
    ) -> ApplicationOut:
        reason = data.reason if data else None
        return await applications.withdraw(application_id, actor, reason)
