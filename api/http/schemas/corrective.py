"""Request bodies of the corrective-action routes; answers are the registry's records."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from api.http.schemas.common import TextInput
from registry.corrective.rules import MAX_FILES, MAX_TEXT


class _In(TextInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanIn(_In):
    root_cause: str = Field(min_length=1, max_length=MAX_TEXT, description="Why it happened")
    plan: str = Field(min_length=1, max_length=MAX_TEXT, description="What will be done, by when")


class EvidenceIn(_In):
    evidence: list[str] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="`sha256:...` references of files uploaded with POST /api/v1/evidence "
        "for the action's application",
    )
    note: str | None = Field(default=None, max_length=MAX_TEXT)


class ReviewIn(_In):
    accept: bool = Field(description="true: accept (plan) or verify closed (evidence)")
    reason: str | None = Field(
        default=None, max_length=MAX_TEXT, description="Required when returning"
    )
