"""Request and response schemas of identity changes and licence checks (`registry.identity`).

The change record is `registry.identity.IdentityChange` itself, named for OpenAPI."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import KwargDefinition
from pydantic import BaseModel, Field

from api.http.schemas.registry import ProviderOut, _In
from registry.identity import IdentityChange
from registry.providers import LicenceCheck

IdentityChangeOut = Annotated[
    IdentityChange, KwargDefinition(schema_component_key="IdentityChangeOut")
]


class IdentityChangeListOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[IdentityChangeOut]


class IdentityChangeRefOut(BaseModel):
    """The identity change an update asked for or recorded; read it whole at
    `/api/v1/identity-changes/{id}`."""

    id: str = Field(description="idc_...")
    state: str = Field(
        description="pending: the secretariat decides it (the record still shows the identity "
        "as it was); approved: the secretariat's own change, applied and logged"
    )
    changed: list[str] = Field(description="The identity fields it changes")


class ProviderUpdateOut(ProviderOut):
    """The record as it is now, and the identity change the update asked for or recorded."""

    identity_change: IdentityChangeRefOut | None = None


class ApprovalIn(_In):
    reason: str | None = Field(default=None, min_length=1, max_length=2000)
    name_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="Required when the new legal name is another provider's in the same country",
    )


class RefusalIn(_In):
    reason: str = Field(min_length=1, max_length=2000, description="Shown to the provider")


class LicenceCheckIn(_In):
    country: str = Field(min_length=2, max_length=2, description="The licence's country")
    number: str = Field(min_length=1, max_length=100, description="The licence's number")
    state: LicenceCheck
    source: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="What it was checked against (a register, a letter); required unless the "
        "state goes back to self_declared",
    )
