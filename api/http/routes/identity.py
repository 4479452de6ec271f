"""Identity changes of providers: the secretariat's queue and decisions, the provider's own
requests; licence checks."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, provide_actor, requires
from api.http.schemas.identity import (
    ApprovalIn,
    IdentityChangeListOut,
    IdentityChangeOut,
    LicenceCheckIn,
    RefusalIn,
)
from api.http.schemas.registry import ProviderOut
from registry import identity
from registry.accounts import Role
from registry.identity import ChangeState

ChangeId = Annotated[str, PathParameter(max_length=40, description="idc_...")]
ProviderId = Annotated[str, PathParameter(max_length=12, description="RMP-XXXXXXXX")]
_secretariat = requires(Role.SECRETARIAT)
_either = requires(Role.SECRETARIAT, Role.PROVIDER)


class IdentityChangesController(Controller):
    path = "/api/v1/identity-changes"
    tags = ["providers"]
    dependencies = {"actor": Provide(provide_actor)}

    @get(
        "/",
        operation_id="listIdentityChanges",
        summary="List identity changes: the secretariat's queue, or a provider's own",
        guards=[_either],
    )
    async def list_changes(
        self,
        actor: ActorDep,
        state_: Annotated[ChangeState | None, QueryParameter(name="state")] = None,
        provider_id: Annotated[str | None, QueryParameter(max_length=12)] = None,
    ) -> IdentityChangeListOut:
        """`state=pending` is the secretariat's queue, oldest first; otherwise newest first.
        A provider sees its own requests only."""
        return IdentityChangeListOut(
            items=await identity.changes(actor, state=state_, provider_id=provider_id)
        )

    @get(
        "/{change_id:str}",
        operation_id="getIdentityChange",
        summary="Read an identity change",
        guards=[_either],
    )
    async def read(self, change_id: ChangeId, actor: ActorDep) -> IdentityChangeOut:
        return await identity.get(change_id, actor)

    @post(
        "/{change_id:str}/approve",
        operation_id="approveIdentityChange",
        summary="Approve a pending identity change: it applies, is logged and is public",
        guards=[_secretariat],
        status_code=200,
    )
    async def approve(
        self, change_id: ChangeId, data: JSONBody[ApprovalIn], actor: ActorDep
    ) -> IdentityChangeOut:
        """409 when the provider's identity changed after the request, or when the new legal
        name is another provider's in the same country and `name_reason` is missing."""
        return await identity.approve(
            change_id, actor, reason=data.reason, name_reason=data.name_reason
        )

    @post(
        "/{change_id:str}/refuse",
        operation_id="refuseIdentityChange",
        summary="Refuse a pending identity change, saying why",
        guards=[_secretariat],
        status_code=200,
    )
    async def refuse(
        self, change_id: ChangeId, data: JSONBody[RefusalIn], actor: ActorDep
    ) -> IdentityChangeOut:
        return await identity.refuse(change_id, actor, reason=data.reason)

    @post(
        "/{change_id:str}/withdraw",
        operation_id="withdrawIdentityChange",
        summary="Take back a pending identity change (the provider that asked, or the secretariat)",
        guards=[_either],
        status_code=200,
    )
    async def withdraw(self, change_id: ChangeId, actor: ActorDep) -> IdentityChangeOut:
        return await identity.withdraw(change_id, actor)


class LicenceChecksController(Controller):
    path = "/api/v1/providers/{provider_id:str}/licence-checks"
    tags = ["providers"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/",
        operation_id="checkLicence",
        summary="Record how the secretariat checked one of a provider's licences",
        guards=[_secretariat],
        status_code=200,
    )
    async def check(
        self, provider_id: ProviderId, data: JSONBody[LicenceCheckIn], actor: ActorDep
    ) -> ProviderOut:
        """The licence's verification becomes `state` as of now (logged). A licence the
        provider changes afterwards is self-declared again."""
        return ProviderOut(
            **await identity.check_licence(
                provider_id,
                actor,
                country=data.country,
                number=data.number,
                state=data.state,
                source=data.source,
            )
        )
