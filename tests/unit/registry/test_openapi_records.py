"""The application, accreditation and conflict records are the API's response schemas
(`api.http.schemas.registry`): OpenAPI documents them under the component names, with the
properties, required fields, nullability and descriptions the pydantic schemas they replaced
had. `openapi_records.json` is that document, taken from the pydantic schemas (titles left
out: a record's component is titled with the record's class name)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from api.app import create_app
from api.http.schemas import registry as schemas
from registry.applications import Application, ApplicationEvent, ApplicationState
from registry.auditors import Accreditation, AccreditationEvent

EXPECTED: dict[str, Any] = json.loads(
    (Path(__file__).parent / "openapi_records.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def components() -> dict[str, Any]:
    schema = create_app().openapi_schema.to_schema()
    found: dict[str, Any] = schema["components"]["schemas"]
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_component_keeps_its_shape(components: dict[str, Any], name: str) -> None:
    component = {k: v for k, v in components[name].items() if k != "title"}
    assert component == EXPECTED[name]


_AT = "2026-09-01T00:00:00Z"
_APPLICATION = Application(
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
    created_at=_AT,
    updated_at="2026-09-02T00:00:00Z",
)


def test_detail_is_the_application_with_its_events() -> None:
    event = ApplicationEvent(from_state=None, to_state="submitted", actor="p", reason=None, at=_AT)
    detail = schemas.ApplicationDetailOut(**msgspec.structs.asdict(_APPLICATION), events=[event])
    assert msgspec.json.encode(detail) == msgspec.json.encode(_APPLICATION)[:-1] + (
        b',"events":[{"from_state":null,"to_state":"submitted","actor":"p","reason":null,'
        b'"at":"2026-09-01T00:00:00Z"}],"self_assessment":null}'
    )


def test_accreditation_answer_is_the_record() -> None:
    event = AccreditationEvent(action="granted", actor="secretariat:acc_0", reason=None, at=_AT)
    record = Accreditation(
        id="acr_1",
        auditor_id="acc_1",
        provider_types=["recruiter"],
        countries=["AE", "PH"],
        valid_from="2026-01-01",
        valid_until="2029-01-01",
        state="active",
        created_at=_AT,
        history=(event,),
    )
    answer = schemas.AccreditationOut.of(record)
    assert msgspec.json.encode(answer) == msgspec.json.encode(record)
