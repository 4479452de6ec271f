"""The certificate records and the API schemas built from them stay in step: the same
fields in the same order, so `CertificateOut.model_validate(record)` answers exactly what
the record holds and the JSON of the API keeps its shape."""

from __future__ import annotations

import msgspec
import pytest
from pydantic import BaseModel

from api.http.schemas import certificates as schemas
from registry.certificates import records
from tests.support.certificates import SAMPLE, sample_certificate

PAIRS = [
    (records.CertificateSummary, schemas.CertificateOut),
    (records.CertificateDetail, schemas.CertificateDetailOut),
    (records.CertificateEvent, schemas.CertificateEventOut),
    (records.CertificatePage, schemas.CertificatePageOut),
    (records.ProviderRef, schemas.ProviderRef),
    (records.StandardRef, schemas.StandardRef),
]


@pytest.mark.parametrize(("record", "schema"), PAIRS, ids=lambda t: t.__name__)
def test_schema_has_the_record_fields_in_order(
    record: type[msgspec.Struct], schema: type[BaseModel]
) -> None:
    assert list(schema.model_fields) == list(record.__struct_fields__)


def test_schema_answers_what_the_record_holds() -> None:
    """Byte for byte, keys in the same order (a score with a fraction: a whole one is a
    float in the API, 87.0, as it was before the records)."""
    event = records.CertificateEvent(action="issued", reason="decision", at=SAMPLE.issued_at)
    detail = records.CertificateDetail(**msgspec.structs.asdict(SAMPLE), history=(event,))
    answer = schemas.CertificateDetailOut.model_validate(detail).model_dump_json()
    assert answer.encode() == msgspec.json.encode(detail)
    page = records.CertificatePage(items=(SAMPLE,), total=1, limit=50, offset=0)
    answer = schemas.CertificatePageOut.model_validate(page).model_dump_json()
    assert answer.encode() == msgspec.json.encode(page)


def test_a_record_nested_in_a_dict_answer_is_read_by_attribute() -> None:
    """A decision carries its certificate record inside a dict: still validated."""

    class Holder(BaseModel):
        certificate: schemas.CertificateOut | None

    revoked = sample_certificate(status="revoked", status_reason="fees")
    held = Holder(**{"certificate": revoked}).certificate
    assert held is not None
    assert (held.status, held.status_reason, held.provider.id) == (
        "revoked",
        "fees",
        "RMP-7K3Q9XPD",
    )
