"""Request and response schemas of self-assessments (OpenAPI). The responses are the
records of `registry.self_assessments.records`, answered as they are."""

from __future__ import annotations

from typing import Annotated

from litestar.params import KwargDefinition
from pydantic import Field

from api.http.schemas.registry import _In
from registry.self_assessments.records import (
    SelfAssessment,
    SelfAssessmentList,
    SelfAssessmentSummary,
)


class AttachIn(_In):
    self_assessment_id: str = Field(min_length=1, max_length=40, description="sas_...")


SelfAssessmentOut = Annotated[
    SelfAssessment, KwargDefinition(schema_component_key="SelfAssessmentOut")
]
SelfAssessmentSummaryOut = Annotated[
    SelfAssessmentSummary, KwargDefinition(schema_component_key="SelfAssessmentSummaryOut")
]
SelfAssessmentListOut = Annotated[
    SelfAssessmentList, KwargDefinition(schema_component_key="SelfAssessmentListOut")
]
