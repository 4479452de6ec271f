"""Properties of the structs the digests depend on."""

from __future__ import annotations

import msgspec
import pytest

from audits import model
from audits.model import COUNTRY_CODES, Site


@pytest.mark.parametrize(
    "struct",
    [
        model.Finding,
        model.Site,
        model.Submission,
        model.IndicatorResult,
        model.CategoryScore,
        model.NonConformity,
        model.ReportBody,
    ],
)
def test_digested_structs_declare_fields_in_canonical_order(struct: type[msgspec.Struct]) -> None:
    # The fast digest path encodes in declaration order (audits.scoring._digest).
    names = [f.encode_name for f in msgspec.structs.fields(struct)]
    assert names == sorted(names)


def test_country_codes_are_iso_alpha_2() -> None:
    assert len(COUNTRY_CODES) == 250  # 249 assigned + XK
    assert {"NP", "PH", "QA", "AE", "GB", "XK"} <= COUNTRY_CODES
    assert msgspec.convert({"name": "x", "country": "BD"}, Site).country == "BD"
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"name": "x", "country": "UK"}, Site)


def test_a_report_body_round_trips_through_its_report() -> None:
    fields = {f.name for f in msgspec.structs.fields(model.Report)}
    body = {f.name for f in msgspec.structs.fields(model.ReportBody)}
    assert fields - body == {"report_digest"}
