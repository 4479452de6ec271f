"""Every refusal, with its JSON path and code, and all of them at once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from audits.model import FindingProblem, Submission
from audits.validation import MAX_DOCUMENT_BYTES, parse_submission, peek_standard, validate_findings
from standards.model import RuleSet
from tests.unit.audits.rulesets import evidence, submission_doc, to_bytes, to_submission

PASSING: dict[str, Any] = {"FEE-1": True, "FEE-2": 4, "REM-1": 5}


def problems_of(ruleset: RuleSet, doc: Any) -> list[tuple[str, str]]:
    result = parse_submission(ruleset, doc if isinstance(doc, bytes) else to_bytes(doc))
    assert isinstance(result, list), "expected problems"
    return [(p.path, p.code) for p in result]


def test_a_valid_document_parses(small: RuleSet) -> None:
    result = parse_submission(small, to_bytes(submission_doc(small, PASSING)))
    assert isinstance(result, Submission)
    assert validate_findings(small, result) == []


@pytest.mark.parametrize(
    ("values", "path", "code"),
    [
        ({**PASSING, "NOPE-1": True}, "$.findings[3].indicator", "unknown_indicator"),
        ({**PASSING, "REM-2": True}, "$.findings[3].indicator", "not_applicable"),
        ({"FEE-1": True, "FEE-2": 4}, "$.findings", "missing_finding"),
        ({**PASSING, "FEE-1": None}, "$.findings[0].value", "not_answered"),
        ({**PASSING, "FEE-1": 1}, "$.findings[0].value", "wrong_type"),
        ({**PASSING, "FEE-1": 1.0}, "$.findings[0].value", "wrong_type"),
        ({**PASSING, "FEE-1": "yes"}, "$.findings[0].value", "wrong_type"),
        ({**PASSING, "FEE-2": True}, "$.findings[1].value", "wrong_type"),
        ({**PASSING, "FEE-2": 2.0}, "$.findings[1].value", "wrong_type"),
        ({**PASSING, "FEE-2": 2.5}, "$.findings[1].value", "wrong_type"),
        ({**PASSING, "FEE-2": 5}, "$.findings[1].value", "out_of_range"),
        ({**PASSING, "FEE-2": -1}, "$.findings[1].value", "out_of_range"),
        ({**PASSING, "FEE-2": "4"}, "$.findings[1].value", "wrong_type"),
        ({**PASSING, "REM-1": False}, "$.findings[2].value", "wrong_type"),
        ({**PASSING, "REM-1": -0.5}, "$.findings[2].value", "out_of_range"),
        ({**PASSING, "REM-1": 1e16}, "$.findings[2].value", "out_of_range"),
        ({**PASSING, "REM-1": [5]}, "$.findings[2].value", "wrong_type"),
        ({**PASSING, "REM-1": None}, "$.findings[2].value", "not_answered"),
    ],
)
def test_each_refusal_has_its_path_and_code(
    small: RuleSet, values: dict[str, Any], path: str, code: str
) -> None:
    assert problems_of(small, submission_doc(small, values)) == [(path, code)]


def test_a_finding_answered_twice(small: RuleSet) -> None:
    doc = submission_doc(small, PASSING)
    doc["findings"].append(dict(doc["findings"][0]))
    result = parse_submission(small, to_bytes(doc))
    assert result == [
        FindingProblem(
            "$.findings[3].indicator",
            "duplicate_finding",
            "`FEE-1` is answered twice, first at $.findings[0]",
        )
    ]


def test_missing_findings_are_named(small: RuleSet) -> None:
    result = parse_submission(small, to_bytes(submission_doc(small, {"FEE-2": 4})))
    assert isinstance(result, list)
    assert [p.message for p in result] == ["No finding for `FEE-1`", "No finding for `REM-1`"]


def test_a_number_too_large_for_json_doubles_is_located(small: RuleSet) -> None:
    data = to_bytes(submission_doc(small, {**PASSING, "REM-1": 123456})).replace(
        b"123456", b"1e999"
    )
    assert problems_of(small, data) == [("$.findings[2].value", "out_of_range")]


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"standard": "test-rights@2.0.0"}, "$.standard", "standard_mismatch"),
        ({"ended_on": "2025-03-01"}, "$.ended_on", "invalid_value"),
        ({"started_on": "2025-02-30"}, "$.started_on", "invalid_value"),
        ({"started_on": None}, "$.started_on", "not_answered"),
        ({"audit_type": "friendly"}, "$.audit_type", "invalid_value"),
        ({"workers_interviewed": -1}, "$.workers_interviewed", "invalid_value"),
        ({"workers_interviewed": 1.5}, "$.workers_interviewed", "wrong_type"),
        ({"provider_types": ["recruiter", "recruiter"]}, "$.provider_types[1]", "duplicate"),
        ({"provider_types": ["pirate"]}, "$.provider_types[0]", "invalid_value"),
        ({"provider_types": []}, "$.provider_types", "invalid_value"),
        ({"sites": []}, "$.sites", "invalid_value"),
        ({"sites": [{"name": "x", "country": "XX"}]}, "$.sites[0].country", "invalid_value"),
        ({"sites": [{"name": "x", "country": "np"}]}, "$.sites[0].country", "invalid_value"),
        ({"sites": [{"name": "", "country": "NP"}]}, "$.sites[0].name", "invalid_value"),
        ({"sites": [{"country": "NP"}]}, "$.sites[0].name", "missing_field"),
        ({"sites": ["Kathmandu"]}, "$.sites[0]", "wrong_type"),
        ({"extra": 1}, "$.extra", "unknown_field"),
        ({"odd key": 1}, '$["odd key"]', "unknown_field"),
        ({"findings": {}}, "$.findings", "wrong_type"),
    ],
)
def test_envelope_refusals(small: RuleSet, change: dict[str, Any], path: str, code: str) -> None:
    doc = submission_doc(small, PASSING, **change)
    assert problems_of(small, doc) == [(path, code)]


def test_missing_top_level_field(small: RuleSet) -> None:
    doc = submission_doc(small, PASSING)
    del doc["audit_type"]
    assert problems_of(small, doc) == [("$.audit_type", "missing_field")]


def test_a_scope_to_which_nothing_applies(small: RuleSet) -> None:
    doc = submission_doc(small, {}, provider_types=["travel"])
    assert problems_of(small, doc) == [("$.provider_types", "no_applicable_indicators")]


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"evidence": ["sha256:" + "A" * 64]}, "$.findings[1].evidence[0]", "invalid_value"),
        ({"evidence": ["sha256:" + "g" * 64]}, "$.findings[1].evidence[0]", "invalid_value"),
        ({"evidence": ["sha512:" + "a" * 64]}, "$.findings[1].evidence[0]", "invalid_value"),
        ({"evidence": ["a" * 64 + "sha256:"]}, "$.findings[1].evidence[0]", "invalid_value"),
        ({"evidence": [evidence("x"), "sha256:abc"]}, "$.findings[1].evidence[1]", "invalid_value"),
        ({"evidence": [7]}, "$.findings[1].evidence[0]", "wrong_type"),
        ({"evidence": [evidence("x")] * 51}, "$.findings[1].evidence", "invalid_value"),
        ({"notes": "x" * 4001}, "$.findings[1].notes", "invalid_value"),
        ({"comment": "hi"}, "$.findings[1].comment", "unknown_field"),
        ({"indicator": ""}, "$.findings[1].indicator", "invalid_value"),
    ],
)
def test_finding_field_refusals(
    small: RuleSet, change: dict[str, Any], path: str, code: str
) -> None:
    doc = submission_doc(small, PASSING)
    doc["findings"][1].update(change)
    problems = problems_of(small, doc)
    assert problems[0] == (path, code)
    # An empty indicator id also leaves FEE-2 unanswered; nothing else is reported.
    assert problems[1:] in ([], [("$.findings", "missing_finding")])


def test_a_finding_without_a_value(small: RuleSet) -> None:
    doc = submission_doc(small, PASSING)
    del doc["findings"][0]["value"]
    # Reported once, as missing; the finding still answers FEE-1.
    assert problems_of(small, doc) == [("$.findings[0].value", "missing_field")]


def test_every_problem_is_reported_at_once(small: RuleSet) -> None:
    doc = submission_doc(
        small,
        {"FEE-1": 1, "FEE-2": 9, "NOPE-1": True, "REM-2": True},
        standard="other@1.0.0",
        sites=[{"name": "x", "country": "ZZ"}],
        extra=True,
    )
    doc["findings"][0]["evidence"] = ["sha256:" + "F" * 64]
    assert sorted(problems_of(small, doc)) == sorted(
        [
            ("$.extra", "unknown_field"),
            ("$.sites[0].country", "invalid_value"),
            ("$.standard", "standard_mismatch"),
            ("$.findings[0].value", "wrong_type"),
            ("$.findings[1].value", "out_of_range"),
            ("$.findings[2].indicator", "unknown_indicator"),
            ("$.findings[3].indicator", "not_applicable"),
            ("$.findings", "missing_finding"),
            ("$.findings[0].evidence[0]", "invalid_value"),
        ]
    )


@pytest.mark.parametrize(
    ("data", "path", "code"),
    [
        (b"{", "$", "invalid_json"),
        (b"", "$", "invalid_json"),
        (b'{"a": NaN}', "$", "invalid_json"),
        (b'"\\ud800"', "$", "invalid_json"),
        (b"[]", "$", "wrong_type"),
        (b"null", "$", "not_answered"),
        (b" " * (MAX_DOCUMENT_BYTES + 1), "$", "too_large"),
    ],
)
def test_documents_that_are_not_submissions(
    small: RuleSet, data: bytes, path: str, code: str
) -> None:
    assert problems_of(small, data)[0] == (path, code)


def test_validate_findings_checks_a_constructed_submission(small: RuleSet) -> None:
    sub = to_submission(submission_doc(small, {**PASSING, "FEE-1": 0}))
    assert [(p.path, p.code) for p in validate_findings(small, sub)] == [
        ("$.findings[0].value", "wrong_type")
    ]


def test_peek_standard(small: RuleSet) -> None:
    assert peek_standard(to_bytes(submission_doc(small, PASSING))) == small.ref
    assert peek_standard(b"[1]") is None
    assert peek_standard(json.dumps({"standard": 3}).encode()) is None
