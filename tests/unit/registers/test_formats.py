"""The national register parsers: the shipped samples, and bad files refused whole with
every problem and its line."""

from __future__ import annotations

import pytest

from registry.registers import formats
from registry.registers.matching import RegisterIndex
from registry.registers.model import MatchKind, RegisterFormatError, RegisterStatus

S = RegisterStatus


def _problems(country: str, text: str) -> list[str]:
    with pytest.raises(RegisterFormatError) as caught:
        formats.parse(country, text.encode("utf-8"), "bad")
    return [str(p) for p in caught.value.problems]


def test_philippines_sample_has_every_dmw_status() -> None:
    register = formats.parse("PH", formats.sample("PH").read_bytes(), "PH-dmw.csv")
    assert register.country == "PH"
    assert register.authority == "Department of Migrant Workers"
    assert [e.status for e in register.entries] == [
        S.VALID,
        S.EXPIRED,
        S.SUSPENDED,
        S.CANCELLED,
        S.DELISTED,
        S.BANNED,
    ]
    first = register.entries[0]
    assert (first.number, first.line, first.expires_on) == ("DMW-001-LB-010125-R", 2, "2028-01-09")
    assert register.digest.startswith("sha256:")


def test_nepal_sample_blacklist_bans_over_the_licence_list() -> None:
    register = formats.parse("NP", formats.sample("NP").read_bytes(), "NP-dofe.json")
    by_number = {e.number: e for e in register.entries}
    assert by_number["101/070/71"].status is S.VALID
    assert by_number["202/072/73"].status is S.EXPIRED  # "not renewed"
    assert by_number["303/068/69"].status is S.CANCELLED
    assert by_number["404/075/76"].status is S.BANNED  # active, but blacklisted
    assert by_number["404/075/76"].line == 11
    name_only = by_number[""]
    assert (name_only.name, name_only.status) == ("Kathmandu Dream Jobs", S.BANNED)


def test_uk_glaa_sample_maps_its_words() -> None:
    register = formats.parse("gb", formats.sample("GB").read_bytes(), "GB-glaa.csv")
    assert [(e.number, e.status) for e in register.entries] == [
        ("GLAA0101", S.VALID),
        ("GLAA0202", S.VALID),
        ("GLAA0303", S.CANCELLED),
        ("GLAA0404", S.EXPIRED),
        ("GLAA0505", S.SUSPENDED),
    ]
    assert register.entries[0].expires_on == "2027-03-31"  # 31/03/2027


def test_bad_csv_lists_every_problem_with_its_line() -> None:
    text = (
        "License No,Agency Name,Status,Validity\n"
        "DMW-1,Alpha,Valid,2027-01-01\n"
        ",Beta,Valid,2027-01-01\n"
        "DMW-3,Gamma,Sleeping,2027-01-01\n"
        "DMW-4,Delta,Expired,tomorrow\n"
        "dmw 1,Alpha again,Valid,2027-01-01\n"
        "DMW-6,Short\n"
    )
    assert _problems("PH", text) == [
        "line 3: the licence number is empty",
        "line 4: status 'Sleeping' is not one of: banned, canceled, cancelled, delisted, "
        "expired, suspended, valid",
        "line 5: 'tomorrow' is not a date",
        "line 6: licence dmw 1 is listed twice (line 2)",
        "line 7: 2 columns, the header has 4",
    ]


def test_missing_columns_and_empty_files() -> None:
    assert _problems("PH", "Number,Name\nDMW-1,Alpha\n") == [
        "line 1: no column 'License No' in the header",
        "line 1: no column 'Agency Name' in the header",
        "line 1: no column 'Status' in the header",
    ]
    assert _problems("PH", "") == ["the file is empty"]
    assert _problems("GB", "Licence Number,Business Name,Licence Status\n") == [
        "no licences in the file"
    ]


def test_not_utf8_names_the_line() -> None:
    data = b"License No,Agency Name,Status\nDMW-1,Alpha,Valid\n" + b"DMW-2,\xff,Valid\n"
    with pytest.raises(RegisterFormatError) as caught:
        formats.parse("PH", data, "latin.csv")
    assert str(caught.value) == "latin.csv: line 3: not UTF-8 text"


def test_bad_json_lists_problems_with_lines() -> None:
    assert _problems("NP", '{"licences": [\n  {"licence_no": "1"\n')[0].startswith("line ")
    assert _problems("NP", '["not", "an", "object"]') == [
        'line 1: not an object with a "licences" list'
    ]
    text = (
        '{"licences": [\n'
        '  {"licence_no": "1/2", "company_name": "A", "status": "active"},\n'
        '  {"licence_no": "", "company_name": "B", "status": "active"},\n'
        '  {"licence_no": "3/4", "company_name": "C", "status": "dormant"}\n'
        "],\n"
        '"blacklist": [\n'
        '  {"licence_no": "9/9"}\n'
        "]}\n"
    )
    assert _problems("NP", text) == [
        "line 3: the licence number is empty",
        "line 4: status 'dormant' is not one of: active, cancelled, expired, not renewed, "
        "renewed, revoked, suspended",
        "line 7: the name is empty",
    ]


def test_unknown_country() -> None:
    assert _problems("FR", "x") == ["no register format for 'FR'; known: GB, NP, PH"]


def test_matching_by_number_and_authority_then_by_name() -> None:
    index = RegisterIndex(formats.parse("PH", formats.sample("PH").read_bytes(), "ph"))
    # The number written another way, the authority by its acronym or former name.
    found = index.match("dmw 033 lb 050522 r", "DMW", ["Someone Else"])
    assert (found.status, found.kind) == (S.CANCELLED, MatchKind.NUMBER)
    assert index.match("DMW-033-LB-050522-R", "POEA", []).kind is MatchKind.NUMBER
    # Another authority's number: not this licence; the name still finds the agency.
    by_name = index.match("DMW-033-LB-050522-R", "Someone else", ["Pacific Star Deployment, Inc"])
    assert (by_name.status, by_name.kind) == (S.CANCELLED, MatchKind.NAME)
    missing = index.match("DMW-999", "DMW", ["Unknown Agency"])
    assert (missing.status, missing.kind) == (S.NOT_FOUND, MatchKind.NONE)
