"""Request and response schemas of providers, applications, auditors and assignment.

Shapes only: the registry services check country codes, corridors, provider types and
scopes, and name the offending field when they refuse. The application, accreditation and
conflict response schemas are the records of `registry.applications` and
`registry.auditors` themselves (msgspec Structs), named for OpenAPI; the routes return the
records. `tests/unit/registry/test_openapi_records.py` pins the components they document.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar.params import KwargDefinition
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.http.schemas.common import TextInput
from registry.applications import Application, ApplicationEvent
from registry.auditors import Accreditation, AccreditationEvent
from registry.conflicts import Conflict
from registry.self_assessments.records import SelfAssessmentSummary
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


class RegistrationNumberIn(_In):
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    number: str = Field(
        min_length=1, max_length=100, description="As the national company register prints it"
    )


class ContactIn(_In):
    email: EmailStr
    phone: str = Field(min_length=3, max_length=40)
    address: str = Field(min_length=1, max_length=500)


_NAME_REASON = (
    "Secretariat only: why this provider may share its normalised legal name and country with "
    "another one (without it such a name is refused with 409)"
)


class ProviderCreate(_In):
    legal_name: str = Field(min_length=1, max_length=300)
    trading_names: list[str] = Field(default_factory=list, max_length=20)
    country: str = Field(min_length=2, max_length=2, description="Of registration, alpha-2")
    provider_types: list[ProviderType] = Field(min_length=1, max_length=7)
    corridors: list[str] = Field(default_factory=list, max_length=200)
    licences: list[LicenceIn] = Field(default_factory=list, max_length=100)
    registration_numbers: list[RegistrationNumberIn] = Field(default_factory=list, max_length=20)
    contact: ContactIn
    name_reason: str | None = Field(
        default=None, min_length=1, max_length=2000, description=_NAME_REASON
    )


class ProviderUpdate(_In):
    """Only the fields given change; a list given replaces the whole list. Legal and trading
    names, country, registration numbers and licences are the provider's identity: once it
    has applied for certification, the provider's own change of them is a request the
    secretariat decides, and the secretariat's own change needs `explanation`."""

    legal_name: str | None = Field(default=None, min_length=1, max_length=300)
    trading_names: list[str] | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    provider_types: list[ProviderType] | None = Field(default=None, min_length=1, max_length=7)
    corridors: list[str] | None = Field(default=None, max_length=200)
    licences: list[LicenceIn] | None = Field(default=None, max_length=100)
    registration_numbers: list[RegistrationNumberIn] | None = Field(default=None, max_length=20)
    contact: ContactIn | None = None
    explanation: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="Why the identity changes; required when it does and the provider has applied",
    )
    name_reason: str | None = Field(
        default=None, min_length=1, max_length=2000, description=_NAME_REASON
    )


class LicenceFindingOut(BaseModel):
    id: str
    indicator: str
    state: Literal["warning", "open"]
    due_at: str | None = None


class LicenceVerificationOut(BaseModel):
    state: str = Field(
        description="self_declared | checked_by_secretariat | checked_against_register"
    )
    checked_at: str | None = Field(
        default=None,
        description="When it was checked; for a register check, when that register was imported",
    )
    source: str | None = Field(default=None, description="What it was checked against")
    register_status: (
        Literal["valid", "expired", "suspended", "cancelled", "delisted", "banned", "not_found"]
        | None
    ) = Field(
        default=None,
        description="Its status in the national register of its country, when checked "
        "against one (docs/assurance.md)",
    )
    match: Literal["number", "name", "none"] | None = Field(
        default=None,
        description="How it was found in that register: by number and issuing authority, "
        "by the provider's name only (a weaker match, which never suspends), or not at all",
    )
    finding: LicenceFindingOut | None = Field(
        default=None,
        description="The finding under LAW-1 its register status opened, while not closed: "
        "`warning` (expired: renew by `due_at` or the certificates are suspended) or `open` "
        "(critical: the provider's certificates are suspended)",
    )


class LicenceOut(BaseModel):
    country: str
    number: str
    issuing_authority: str
    expires_on: str
    verification: LicenceVerificationOut


class RegistrationNumberOut(BaseModel):
    country: str
    number: str


class FormerNameOut(BaseModel):
    legal_name: str
    country: str
    until: str = Field(description="When the approved change of name took effect")
    change_id: str


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
    registration_numbers: list[RegistrationNumberOut]
    name_reason: str | None = Field(
        default=None,
        description="Set when another provider in the same country has the same legal name: "
        "the secretariat's reason for allowing it",
    )
    former_names: list[FormerNameOut] = Field(
        default_factory=list, description="Legal names before approved changes, newest first"
    )
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


# The records are the response schemas: `Annotated[...]` only names their OpenAPI component.
ApplicationOut = Annotated[Application, KwargDefinition(schema_component_key="ApplicationOut")]
ApplicationEventOut = Annotated[
    ApplicationEvent, KwargDefinition(schema_component_key="ApplicationEventOut")
]


class ApplicationDetailOut(Application, frozen=True, kw_only=True):
    """The application record with its events, oldest first, and the provider's
    self-assessment attached to it, if any (marked `self_assessed`: not an audit)."""

    events: list[ApplicationEventOut]
    self_assessment: SelfAssessmentSummary | None = None


class ApplicationListOut(msgspec.Struct, frozen=True, kw_only=True):
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


AccreditationEventOut = Annotated[
    AccreditationEvent, KwargDefinition(schema_component_key="AccreditationEventOut")
]


class AccreditationOut(Accreditation, frozen=True, kw_only=True):
    """The accreditation record; only its events' component is named (`AccreditationEventOut`),
    which an annotation on the record itself, in the registry layer, cannot do."""

    history: tuple[AccreditationEventOut, ...]

    @classmethod
    def of(cls, record: Accreditation) -> AccreditationOut:
        return cls(**msgspec.structs.asdict(record))


class AccreditationListOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[AccreditationOut]


class ConflictCreate(_In):
    """An auditor names `provider_id`; a provider names `auditor_id`; the secretariat both."""

    provider_id: str | None = Field(default=None, max_length=12)
    auditor_id: str | None = Field(default=None, max_length=40)
    reason: str = Field(min_length=1, max_length=2000)


class ConflictReviewIn(_In):
    decision: Literal["accept", "reject"] = Field(
        description="accept: from now on the conflict bars assigning the auditor to the "
        "provider; reject: it bars nothing"
    )
    reason: str = Field(min_length=1, max_length=2000, description="Why, kept with the review")


ConflictOut = Annotated[Conflict, KwargDefinition(schema_component_key="ConflictOut")]


class ConflictListOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ConflictOut]


class AssignmentIn(_In):
    auditor_id: str | None = Field(
        default=None, max_length=40, description="Leave out for automatic assignment"
    )
    audit_date: dt.date | None = Field(default=None, description="Today when left out")
