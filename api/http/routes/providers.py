"""Provider organisations: public search and read; registration and updates."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, patch, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, provide_actor, requires
from api.http.schemas.identity import IdentityChangeRefOut, ProviderUpdateOut
from api.http.schemas.registry import (
    ProviderCreate,
    ProviderOut,
    ProviderPageOut,
    ProviderPublicOut,
    ProviderUpdate,
)
from registry import identity, provider_search, providers
from registry.accounts import Role
from registry.providers import Licence, ProviderInput, RegistrationNumber

ProviderId = Annotated[str, PathParameter(max_length=12, description="RMP-XXXXXXXX")]
_owners = requires(Role.SECRETARIAT, Role.PROVIDER)


def _input(data: ProviderCreate | ProviderUpdate) -> ProviderInput:
    given = data.model_dump(exclude_unset=True)
    licences: list[Licence] | None = None
    if data.licences is not None:
        licences = [Licence(**item.model_dump()) for item in data.licences]
    registrations: list[RegistrationNumber] | None = None
    if data.registration_numbers is not None:
        registrations = [RegistrationNumber(**r.model_dump()) for r in data.registration_numbers]
    contact: dict[str, Any] | None = data.contact.model_dump() if data.contact else None
    return ProviderInput(
        legal_name=given.get("legal_name"),
        trading_names=given.get("trading_names"),
        country=given.get("country"),
        provider_types=[str(t) for t in data.provider_types] if data.provider_types else None,
        corridors=given.get("corridors"),
        licences=licences,
        registration_numbers=registrations,
        contact=contact,
        name_reason=data.name_reason,
    )


class ProvidersController(Controller):
    path = "/api/v1/providers"
    tags = ["providers"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/",
        operation_id="registerProvider",
        summary="Register a provider organisation",
        guards=[_owners],
        status_code=201,
    )
    async def register(self, data: JSONBody[ProviderCreate], actor: ActorDep) -> ProviderOut:
        """The secretariat registers any organisation. A provider account whose provider_id
        names no organisation yet registers its own and is bound to the new registry id."""
        return ProviderOut(**await providers.register(_input(data), actor))

    @get("/", operation_id="searchProviders", summary="Search the public register")
    async def search(
        self,
        q: Annotated[
            str | None,
            QueryParameter(
                max_length=200,
                description=(
                    "What an employer types: words of a legal or trading name in any order "
                    "(case, accents and punctuation aside; a word may be part of a name's "
                    "word), a country name or code among them (`manpower nepal`), a "
                    "certificate code (`RM-7K3Q-9XPD`, dashes optional), a registry id "
                    "(`RMP-...`) or a licence or registration number (separators optional). "
                    "The provider an identifier names is listed first. When nothing matches "
                    "as typed, a word of five or more letters also matches name words one "
                    "edit away (`manpwer` finds Manpower)."
                ),
            ),
        ] = None,
        country: Annotated[
            str | None,
            QueryParameter(
                max_length=64,
                description=(
                    "A country as an ISO 3166-1 code (`NP`, `NPL`) or a name (`Nepal`, "
                    "`Viet Nam`, `Vietnam`), any case: the country of registration or a "
                    "corridor end. One the registry does not know is a 400 problem naming "
                    "`country`."
                ),
            ),
        ] = None,
        type_: Annotated[
            str | None,
            QueryParameter(name="type", max_length=32, description="A provider type"),
        ] = None,
        corridor: Annotated[
            str | None,
            QueryParameter(
                max_length=120,
                description="ORIGIN-DESTINATION in codes or names: `PH-AE`, `Nepal-Qatar`",
            ),
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> ProviderPageOut:
        """Public fields only; contact details are never searched."""
        items, total = await provider_search.search(
            q=q,
            country=country,
            provider_type=type_,
            corridor=corridor,
            limit=limit,
            offset=offset,
        )
        return ProviderPageOut(
            items=[ProviderPublicOut(**p) for p in items], total=total, limit=limit, offset=offset
        )

    @get(
        "/{provider_id:str}", operation_id="getProvider", summary="Read a provider's public record"
    )
    async def read(self, provider_id: ProviderId) -> ProviderPublicOut:
        """With `former_names`: the legal names approved changes replaced."""
        return ProviderPublicOut(**await identity.public_record(provider_id))

    @get(
        "/{provider_id:str}/record",
        operation_id="getProviderRecord",
        summary="Read a provider's full record, with contact",
        guards=[_owners],
    )
    async def record(self, provider_id: ProviderId, actor: ActorDep) -> ProviderOut:
        """For the secretariat and the provider's own accounts."""
        return ProviderOut(**await providers.get_full(provider_id, actor))

    @patch(
        "/{provider_id:str}",
        operation_id="updateProvider",
        summary="Update a provider organisation",
        guards=[_owners],
    )
    async def update(
        self, provider_id: ProviderId, data: JSONBody[ProviderUpdate], actor: ActorDep
    ) -> ProviderUpdateOut:
        """Fields left out are unchanged. Existing applications keep the scope they had.
        Legal and trading names, country, registration numbers and licences are the
        provider's identity: once it has applied for certification, its own change of them
        is a pending request (`identity_change`) the secretariat approves or refuses
        (`/api/v1/identity-changes`), and `explanation` is required; the secretariat's own
        change of them applies at once, with `explanation`, and is logged. A legal name
        another provider in the same country already has is refused (409) unless the
        secretariat gives `name_reason`."""
        outcome = await identity.update(
            provider_id, _input(data), actor, explanation=data.explanation
        )
        change = outcome.change
        return ProviderUpdateOut(
            **outcome.provider,
            identity_change=None
            if change is None
            else IdentityChangeRefOut(id=change.id, state=change.state, changed=change.changed),
        )
