"""The records the registry's use cases return (applications, assessments, evidence,
decisions, provider reports, accounts, tokens, accreditations, conflicts) and the API
schemas built from them stay in step, and an assessment record encodes to the bytes the API
has always answered (a stored idempotent answer replays byte for byte next to a new one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from pydantic import BaseModel

from api.http.schemas import assessments as assessment_schemas
from api.http.schemas import common as common_schemas
from api.http.schemas import registry as registry_schemas
from registry.accounts import Account, Role, Token
from registry.applications import Application, ApplicationEvent, ApplicationState
from registry.assessments import records, service
from registry.auditors import Accreditation, AccreditationEvent, Conflict
from tests.support.certificates import SAMPLE

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


_AT = "2026-01-01T00:00:00Z"

# --- evidence, decisions, provider reports, accounts, tokens, accreditations, conflicts ---

_EVENT = AccreditationEvent(action="granted", actor="secretariat:acc_0", reason=None, at=_AT)
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
    (
        Accreditation(
            id="acr_1",
            auditor_id="acc_1",
            provider_types=["recruiter"],
            countries=["AE", "PH"],
            valid_from="2026-01-01",
            valid_until="2029-01-01",
            state="active",
            created_at=_AT,
            history=(_EVENT,),
        ),
        registry_schemas.AccreditationOut,
    ),
    (
        Conflict(
            id="coi_1",
            auditor_id="acc_1",
            provider_id="RMP-7K3Q9XPD",
            declared_by_role="auditor",
            declared_by="auditor:acc_1",
            reason="former employer",
            created_at=_AT,
            state="withdrawn",
            withdrawn_at=_AT,
            withdrawn_by="secretariat:acc_0",
            withdrawal_reason="ended",
        ),
        registry_schemas.ConflictOut,
    ),
]
RECORD_SCHEMAS = [
    (records.Evidence, assessment_schemas.EvidenceOut),
    (records.Decision, assessment_schemas.DecisionOut),
    (records.ProviderReport, assessment_schemas.ProviderReportOut),
    (records.ProviderReports, assessment_schemas.ProviderReportsOut),
    (Account, common_schemas.AccountOut),
    (Token, common_schemas.TokenOut),
    (AccreditationEvent, registry_schemas.AccreditationEventOut),
    (Accreditation, registry_schemas.AccreditationOut),
    (Conflict, registry_schemas.ConflictOut),
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
