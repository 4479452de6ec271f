"""Request and response schemas of providers, applications, auditors and assignment.

Shapes only: the registry services check country codes, corridors, provider types and
scopes, and name the offending field when they refuse. The application, accreditation and
conflict schemas document the records of `registry.applications` and `registry.auditors`
and are validated from their attributes (`ApplicationOut.model_validate(application)`);
`tests/unit/registry/test_records.py` keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.http.schemas.common import TextInput
from registry.applications import ApplicationState
from standards.model import ProviderType

Country = str
_CORRIDOR = Field(min_length=5, max_length=5, description="ORIGIN-DESTINATION, e.g. PH-AE")


class _In(TextInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LicenceIn(_In):
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    number: str = Field(min_length=1, max_length=100)
    issuing_authority: str = Field(min_length=1, max_length=200)
    expires_on: dt.date


class ContactIn(_In):
    email: EmailStr
    phone: str = Field(min_length=3, max_length=40)
    address: str = Field(min_length=1, max_length=500)


class ProviderCreate(_In):
    legal_name: str = Field(min_length=1, max_length=300)
    trading_names: list[str] = Field(default_factory=list, max_length=20)
    country: str = Field(min_length=2, max_length=2, description="Of registration, alpha-2")
    provider_types: list[ProviderType] = Field(min_length=1, max_length=7)
    corridors: list[str] = Field(default_factory=list, max_length=200)
    licences: list[LicenceIn] = Field(default_factory=list, max_length=100)
    contact: ContactIn


class ProviderUpdate(_In):
    """Only the fields given change; a list given replaces the whole list."""

    legal_name: str | None = Field(default=None, min_length=1, max_length=300)
    trading_names: list[str] | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    provider_types: list[ProviderType] | None = Field(default=None, min_length=1, max_length=7)
    corridors: list[str] | None = Field(default=None, max_length=200)
    licences: list[LicenceIn] | None = Field(default=None, max_length=100)
    contact: ContactIn | None = None


class LicenceOut(BaseModel):
    country: str
    number: str
    issuing_authority: str
    expires_on: str


class ContactOut(BaseModel):
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class ProviderPublicOut(BaseModel):
    id: str = Field(description="Public registry id, RMP- + 8 Crockford base32 characters")
    legal_name: str
    trading_names: list[str]
    country: str
    provider_types: list[str]
    corridors: list[str]
    licences: list[LicenceOut]
    registered_at: str
    updated_at: str


class ProviderOut(ProviderPublicOut):
    """The full record, with contact: for the secretariat and the provider itself."""

    contact: ContactOut


class ProviderPageOut(BaseModel):
    items: list[ProviderPublicOut]
    total: int
    limit: int
    offset: int


class ApplicationCreate(_In):
    provider_id: str | None = Field(
        default=None,
        max_length=12,
        description="Required for the secretariat; a provider applies for its own organisation",
    )
    standard: str = Field(min_length=3, max_length=100, description="slug@version, published")
    provider_types: list[ProviderType] = Field(min_length=1, max_length=7)
    corridors: list[str] = Field(default_factory=list, max_length=200)


class ReasonIn(_In):
    reason: str | None = Field(default=None, max_length=2000)


class ApplicationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    provider_id: str
    standard: str
    provider_types: list[str]
    corridors: list[str]
    countries: list[str]
    state: ApplicationState
    auditor_id: str | None
    audit_date: str | None
    cycle: int
    created_at: str
    updated_at: str


class ApplicationEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_state: str | None
    to_state: str
    actor: str
    reason: str | None
    at: str


class ApplicationDetailOut(ApplicationOut):
    events: list[ApplicationEventOut]


class ApplicationListOut(BaseModel):
    items: list[ApplicationOut]
    limit: int
    offset: int


class AccreditationCreate(_In):
    provider_types: list[ProviderType] = Field(min_length=1, max_length=7)
    countries: list[str] = Field(min_length=1, max_length=250, description="alpha-2 codes")
    valid_from: dt.date
    valid_until: dt.date


class SuspensionIn(_In):
    reason: str = Field(min_length=1, max_length=2000)


class ReinstatementIn(_In):
    reason: str = Field(min_length=1, max_length=2000)


class ConflictWithdrawalIn(_In):
    reason: str = Field(min_length=1, max_length=2000)


class AccreditationEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    action: str = Field(description="granted | suspended | reinstated")
    actor: str
    reason: str | None
    at: str


class AccreditationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    auditor_id: str
    provider_types: list[str]
    countries: list[str]
    valid_from: str
    valid_until: str
    state: str
    created_at: str
    history: list[AccreditationEventOut]


class AccreditationListOut(BaseModel):
    items: list[AccreditationOut]


class ConflictCreate(_In):
    """An auditor names `provider_id`; a provider names `auditor_id`."""

    provider_id: str | None = Field(default=None, max_length=12)
    auditor_id: str | None = Field(default=None, max_length=40)
    reason: str = Field(min_length=1, max_length=2000)


class ConflictOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    auditor_id: str
    provider_id: str
    declared_by_role: str
    declared_by: str
    reason: str
    created_at: str
    state: Literal["active", "withdrawn"] = Field(
        description="active: bars assignment; withdrawn: kept in history only"
    )
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


class ConflictListOut(BaseModel):
    items: list[ConflictOut]


class AssignmentIn(_In):
    auditor_id: str | None = Field(
        default=None, max_length=40, description="Leave out for automatic assignment"
    )
    audit_date: dt.date | None = Field(default=None, description="Today when left out")
