"""The rule-set model: a standard version as pure data.

Every rule of a particular standard (weights, measures, thresholds, deadlines) lives in the
YAML document this model validates; nothing here knows about `core-rights` in particular.
Models are frozen and forbid unknown keys, so a typo in a rule set is an error, not a
silently ignored field.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

import semver
from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_PATTERN = r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$"


class ProviderType(StrEnum):
    """The kinds of labour-mobility service provider the registry certifies."""

    RECRUITER = "recruiter"
    SUB_AGENT = "sub_agent"
    VISA_DOCUMENT = "visa_document"
    TRAINING = "training"
    TRAVEL = "travel"
    LENDER = "lender"
    WELFARE_RETURN = "welfare_return"


class NonConformityClass(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class YesNoMeasure(_Frozen):
    """A yes/no question; the indicator passes when the answer equals `expected`."""

    type: Literal["yes_no"]
    expected: bool


class ScaleMeasure(_Frozen):
    """A 0-4 rating; points are value/4 and the indicator passes at `pass_mark` or above."""

    type: Literal["scale"]
    pass_mark: int = Field(ge=0, le=4)


Comparator = Literal["<", "<=", "==", ">=", ">"]


class NumericMeasure(_Frozen):
    """A measured quantity compared with a threshold (e.g. days to acknowledge <= 7)."""

    type: Literal["numeric"]
    comparator: Comparator
    threshold: float
    unit: str = Field(min_length=1, max_length=40)
    minimum: float | None = None  # smallest value a finding may report
    maximum: float | None = None  # largest value a finding may report


Measure = Annotated[YesNoMeasure | ScaleMeasure | NumericMeasure, Field(discriminator="type")]


class Indicator(_Frozen):
    id: str = Field(pattern=ID_PATTERN, max_length=32)
    requirement: str = Field(min_length=1, max_length=2000)
    guidance: str = Field(default="", max_length=4000)
    core: bool = False
    # Class of the non-conformity raised when the indicator fails. Core indicators form the
    # floor and always fail as critical (checked by lint); others are major or minor.
    failure_class: NonConformityClass = NonConformityClass.MINOR
    applies_to: tuple[ProviderType, ...] = Field(min_length=1)
    evidence: tuple[str, ...] = ()
    weight: float = 1.0
    measure: Measure


class Category(_Frozen):
    id: str = Field(pattern=ID_PATTERN, max_length=16)
    name: str = Field(min_length=1, max_length=200)
    weight: float
    indicators: tuple[Indicator, ...]


class Grade(_Frozen):
    name: str = Field(pattern=SLUG_PATTERN, max_length=32)
    min_score: float = Field(ge=0, le=100)


class NonConformityRule(_Frozen):
    """What a finding of one class sets in motion, all in days from the decision."""

    corrective_plan_days: int | None = Field(default=None, ge=0)
    close_within_days: int | None = Field(default=None, ge=0)
    close_by_next_surveillance: bool = False
    suspends_certificate: bool = False
    withdraw_after_days: int | None = Field(default=None, ge=1)
    # How corrective actions of this class are tracked to closure (docs/assurance.md). All
    # default to None, left out of the published document, so versions published before
    # these fields existed keep their digests. An action open past its closure deadline is
    # escalated; `escalation_grace_days` later the certificate is suspended (None: never).
    escalation_grace_days: int | None = Field(default=None, ge=0)
    # Closure is verified by a follow-up visit (an assessment of type follow_up), not on paper.
    closure_visit_required: bool | None = None
    # Besides the assigned auditor, the secretariat may accept plans and verify closure by
    # desk review.
    secretariat_desk_review: bool | None = None


class CertificateRules(_Frozen):
    validity_months: int = Field(ge=1, le=120)
    surveillance_interval_months: int = Field(ge=1, le=120)
    # The surveillance cycle (docs/assurance.md, "The surveillance cycle"). All default to
    # None and are left out of the published document, so versions published before these
    # fields existed keep their digests; None means the registry's documented default.
    # Days before a surveillance audit is due that the registry schedules it (default 60).
    surveillance_lead_days: int | None = Field(default=None, ge=1, le=365)
    # Surveillance audits are unannounced: the provider is not told the date or the auditor.
    unannounced_surveillance: bool | None = None
    # Days past its due date that a missing surveillance audit suspends the certificate
    # (None: it is only flagged overdue).
    surveillance_overdue_grace_days: int | None = Field(default=None, ge=0, le=365)
    # Days before expiry that the registry opens the next cycle's application (default 90).
    recertification_lead_days: int | None = Field(default=None, ge=1, le=730)


class RuleSet(_Frozen):
    """One version of a standard: the complete, self-describing rule set."""

    slug: str = Field(pattern=SLUG_PATTERN, max_length=64)
    version: str
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=4000)
    effective_date: dt.date
    supersedes: str | None = None  # the version this one replaces, if any
    categories: tuple[Category, ...]
    grades: tuple[Grade, ...]
    non_conformities: dict[NonConformityClass, NonConformityRule]
    certificate: CertificateRules

    @field_validator("version", "supersedes")
    @classmethod
    def _semantic_version(cls, value: str | None) -> str | None:
        if value is not None and not semver.Version.is_valid(value):
            raise ValueError(f"{value!r} is not a semantic version (MAJOR.MINOR.PATCH)")
        return value

    @property
    def ref(self) -> str:
        return f"{self.slug}@{self.version}"

    def indicators(self) -> list[tuple[Category, Indicator]]:
        return [(c, i) for c in self.categories for i in c.indicators]

    def indicator(self, indicator_id: str) -> Indicator | None:
        for _, indicator in self.indicators():
            if indicator.id == indicator_id:
                return indicator
        return None

    def to_document(self) -> dict[str, object]:
        """The JSON document whose canonical form is digested and published."""
        return self.model_dump(mode="json", exclude_none=True)


def parse_ref(ref: str) -> tuple[str, str]:
    """Split `slug@version`; raises ValueError with a readable message."""
    slug, sep, version = ref.partition("@")
    if not sep or not slug or not version:
        raise ValueError(f"{ref!r} is not of the form slug@version")
    if not semver.Version.is_valid(version):
        raise ValueError(f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    return slug, version
