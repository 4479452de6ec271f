"""The records the registry's use cases return (assessments, evidence, decisions, provider
reports, accounts, tokens) and the pydantic API schemas built from them stay in step, and an
assessment record encodes to the bytes the API has always answered (a stored idempotent
answer replays byte for byte next to a new one). The application, accreditation and conflict
records are their own API schemas: `test_openapi_records.py` pins what OpenAPI says of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from pydantic import BaseModel

from api.http.schemas import assessments as assessment_schemas
from api.http.schemas import common as common_schemas
from registry.accounts import Account, Role, Token
from registry.assessments import records, service
from tests.support.certificates import SAMPLE

# The list's items name `id` first, the filed assessment after `filed_at`: both as before.
SAME_FIELDS = [
    (records.AssessmentSummary, assessment_schemas.AssessmentSummaryOut),
    (records.Assessment, assessment_schemas.AssessmentOut),
]


@pytest.mark.parametrize(("record", "schema"), SAME_FIELDS, ids=lambda t: t.__name__)
def test_schema_has_the_record_fields(
    record: type[msgspec.Struct], schema: type[BaseModel]
) -> None:
    assert set(schema.model_fields) == set(record.__struct_fields__)


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


_AT = "2026-01-01T00:00:00Z"

# --- evidence, decisions, provider reports, accounts, tokens ---

_DECISION = records.Decision(
    application_id="apl_1",
    outcome="certified",
    grade="silver",
    score=80,
    reasons=("score 80 reaches silver",),
    assessment_id="asm_1",
    report_digest="sha256:bb",
    standard="core-rights@1.0.0",
    decided_by="secretariat:acc_0",
    decided_at=_AT,
    certificate=SAMPLE,
)
_REPORT: dict[str, Any] = {
    "standard": "core-rights@1.0.0",
    "score": 80.5,
    "non_conformities": [{"id": "x"}],
}
SAMPLES: list[tuple[msgspec.Struct, type[BaseModel]]] = [
    (
        records.Evidence(
            ref="sha256:aa",
            sha256="aa",
            application_id="apl_1",
            filename="payslips.pdf",
            content_type="application/pdf",
            size=12,
            uploaded_by="acc_1",
            uploaded_at=_AT,
            url="/api/v1/evidence/aa",
        ),
        assessment_schemas.EvidenceOut,
    ),
    (_DECISION, assessment_schemas.DecisionOut),
    (
        records.ProviderReports(
            provider_id="RMP-7K3Q9XPD",
            items=(
                records.ProviderReport(
                    application_id="apl_1",
                    assessment_id="asm_1",
                    amendments=1,
                    filed_at=_AT,
                    standard="core-rights@1.0.0",
                    score=80.5,
                    grade="silver",
                    floor_holds=True,
                    report_digest="sha256:bb",
                    non_conformities=_REPORT["non_conformities"],
                    report=_REPORT,
                    decision=msgspec.structs.replace(_DECISION, certificate=None),
                ),
            ),
        ),
        assessment_schemas.ProviderReportsOut,
    ),
    (
        Account(
            id="acc_1",
            name="Asha Rai",
            email=None,
            role=Role.AUDITOR,
            provider_id=None,
            created_at=_AT,
            revoked_at=None,
            active=True,
        ),
        common_schemas.AccountOut,
    ),
    (
        Token(
            id="tok_1",
            account_id="acc_1",
            hint="rm_abcde…",
            label="api",
            created_at=_AT,
            expires_at=_AT,
            revoked_at=_AT,
            state="revoked",
        ),
        common_schemas.TokenOut,
    ),
]
RECORD_SCHEMAS = [
    (records.Evidence, assessment_schemas.EvidenceOut),
    (records.Decision, assessment_schemas.DecisionOut),
    (records.ProviderReport, assessment_schemas.ProviderReportOut),
    (records.ProviderReports, assessment_schemas.ProviderReportsOut),
    (Account, common_schemas.AccountOut),
    (Token, common_schemas.TokenOut),
]


@pytest.mark.parametrize(("record", "schema"), RECORD_SCHEMAS, ids=lambda t: t.__name__)
def test_schema_has_the_use_case_record_fields_in_order(
    record: type[msgspec.Struct], schema: type[BaseModel]
) -> None:
    assert list(schema.model_fields) == list(record.__struct_fields__)


@pytest.mark.parametrize(("record", "schema"), SAMPLES, ids=[type(r).__name__ for r, _ in SAMPLES])
def test_schema_from_the_record_answers_as_from_its_json(
    record: msgspec.Struct, schema: type[BaseModel]
) -> None:
    """Validated from the record's attributes, the answer is what the API gave when the use
    case returned the same values as a dict (`schema(**view)`), byte for byte."""
    from_record = schema.model_validate(record).model_dump_json()
    from_dict = schema(**msgspec.to_builtins(record)).model_dump_json()
    assert from_record == from_dict
