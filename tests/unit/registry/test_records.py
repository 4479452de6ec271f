"""The application and assessment records and the API schemas built from them stay in step,
and an assessment record encodes to the bytes the API has always answered (a stored
idempotent answer replays byte for byte next to a new one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from pydantic import BaseModel

from api.http.schemas import assessments as assessment_schemas
from api.http.schemas import registry as registry_schemas
from registry.applications import Application, ApplicationEvent, ApplicationState
from registry.assessments import records, service

IN_ORDER = [
    (Application, registry_schemas.ApplicationOut),
    (ApplicationEvent, registry_schemas.ApplicationEventOut),
]
# The list's items name `id` first, the filed assessment after `filed_at`: both as before.
SAME_FIELDS = [
    (records.AssessmentSummary, assessment_schemas.AssessmentSummaryOut),
    (records.Assessment, assessment_schemas.AssessmentOut),
]


@pytest.mark.parametrize(("record", "schema"), IN_ORDER, ids=lambda t: t.__name__)
def test_schema_has_the_record_fields_in_order(
    record: type[msgspec.Struct], schema: type[BaseModel]
) -> None:
    assert list(schema.model_fields) == list(record.__struct_fields__)


@pytest.mark.parametrize(("record", "schema"), SAME_FIELDS, ids=lambda t: t.__name__)
def test_schema_has_the_record_fields(
    record: type[msgspec.Struct], schema: type[BaseModel]
) -> None:
    assert set(schema.model_fields) == set(record.__struct_fields__)


def test_detail_is_the_application_with_its_events() -> None:
    detail = registry_schemas.ApplicationDetailOut
    assert list(detail.model_fields) == [*Application.__struct_fields__, "events"]


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "public_id": "asm_1",
        "application_id": "apl_1",
        "provider_id": "RMP-7K3Q9XPD",
        "sequence": 2,
        "amends": "asm_0",
        "standard": "core-rights@1.0.0",
        "audit_type": "initial",
        "inputs_digest": "sha256:aa",
        "report_digest": "sha256:bb",
        "score": 80.0,
        "grade": "silver",
        "floor_holds": True,
        "non_conformities": 2,
        "auditor_id": "acc_1",
        "filed_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "report": '{"b":[1,2],"a":1}',
    }
    return {**row, **changes}


def test_assessment_encodes_as_the_api_always_answered() -> None:
    """Keys in the historical order, the score an int when integral, the report spliced in
    as the stored bytes."""
    encoded = msgspec.json.encode(service.full_view(_row(), amended_by=None))
    assert encoded == (
        b'{"application_id":"apl_1","provider_id":"RMP-7K3Q9XPD","sequence":2,'
        b'"amends":"asm_0","standard":"core-rights@1.0.0","audit_type":"initial",'
        b'"inputs_digest":"sha256:aa","report_digest":"sha256:bb","score":80,'
        b'"grade":"silver","floor_holds":true,"non_conformities":2,"auditor_id":"acc_1",'
        b'"filed_at":"2026-01-01T00:00:00Z","id":"asm_1","amended_by":null,"current":true,'
        b'"report":{"b":[1,2],"a":1}}'
    )
    amended = service.summary_view(_row(score=80.5), amended_by="asm_2")
    assert (amended.score, amended.amended_by, amended.current) == (80.5, "asm_2", False)


def test_summary_schema_answers_what_the_record_holds() -> None:
    summary = service.summary_view(_row(), amended_by=None)
    answer = assessment_schemas.AssessmentSummaryOut.model_validate(summary).model_dump()
    assert answer == {**msgspec.structs.asdict(summary), "score": 80.0}


def test_application_schema_answers_what_the_record_holds() -> None:
    application = Application(
        id="apl_1",
        provider_id="RMP-7K3Q9XPD",
        standard="core-rights@1.0.0",
        provider_types=["recruiter"],
        corridors=["PH-AE"],
        countries=["AE", "PH"],
        state=ApplicationState.AUDITOR_ASSIGNED,
        auditor_id="acc_1",
        audit_date="2026-10-01",
        cycle=1,
        created_at="2026-09-01T00:00:00Z",
        updated_at="2026-09-02T00:00:00Z",
    )
    answer = registry_schemas.ApplicationOut.model_validate(application).model_dump_json()
    assert answer.encode() == msgspec.json.encode(application)
