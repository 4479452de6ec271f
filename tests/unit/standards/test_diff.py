"""Diffs field by field, and the version bump each class of change implies."""

from __future__ import annotations

import json

import pytest

from standards.diff import Bump, Change, check_bump, declared_bump, diff_rulesets
from standards.errors import InvalidVersion, VersionOrderError
from standards.loader import load_ruleset
from tests.support.paths import LIBRARY
from tests.unit.standards.yaml_edits import BASE, Edit, edit

AAA_2 = BASE[BASE.index("      - id: AAA-2") : BASE.index("  - id: BBB\n")]
BBB = BASE[BASE.index("  - id: BBB\n") : BASE.index("grades:")]
NEW_INDICATOR = """\
      - id: AAA-3
        requirement: New rule
        applies_to: [recruiter]
        measure:
          type: yes_no
          expected: true
"""


def _diff(*edits: Edit) -> tuple[Bump, list[str]]:
    result = diff_rulesets(load_ruleset(BASE), load_ruleset(edit(*edits)))
    return result.implied_bump, list(result.reasons)


# (edits, implied bump, a word the reason must contain)
CLASSES: dict[str, tuple[tuple[Edit, ...], Bump, str]] = {
    # patch: text only
    "requirement reworded": (
        (("requirement: Core rule", "requirement: Core rule, reworded"),),
        Bump.PATCH,
        "requirement",
    ),
    "guidance added": (
        (("requirement: Core rule\n", "requirement: Core rule\n        guidance: Ask workers\n"),),
        Bump.PATCH,
        "guidance",
    ),
    "evidence added": (
        (("requirement: Core rule\n", "requirement: Core rule\n        evidence: [Files]\n"),),
        Bump.PATCH,
        "evidence",
    ),
    "title": ((("title: Demo standard", "title: Demo standard, revised"),), Bump.PATCH, "title"),
    "summary": (
        (("title: Demo standard\n", "title: Demo standard\nsummary: About\n"),),
        Bump.PATCH,
        "summary",
    ),
    "effective date": ((("2026-01-01", "2026-06-01"),), Bump.PATCH, "effective_date"),
    "category name": ((("name: First", "name: The first"),), Bump.PATCH, "name"),
    "categories reordered": (
        ((BBB, ""), ("categories:\n", "categories:\n" + BBB)),
        Bump.PATCH,
        "reordered",
    ),
    "provider types reordered": (
        (("[recruiter, sub_agent]", "[sub_agent, recruiter]"),),
        Bump.PATCH,
        "reordered",
    ),
    # minor: asks for more without changing meaning, or asks for less
    "non-core indicator added": (
        (("grades:", f"{NEW_INDICATOR}grades:"),),
        Bump.MINOR,
        "AAA-3 added",
    ),
    "category added": (
        (
            (
                "grades:",
                "  - id: CCC\n    name: Third\n    weight: 1\n    indicators:\n"
                + NEW_INDICATOR
                + "grades:",
            ),
        ),
        Bump.MINOR,
        "CCC added",
    ),
    "pass mark lowered": ((("pass_mark: 3", "pass_mark: 2"),), Bump.MINOR, "lowered"),
    "threshold loosened": ((("threshold: 7", "threshold: 10"),), Bump.MINOR, "loosened"),
    "strict comparator loosened": (
        (('"<="', '"<"'), ("threshold: 7", "threshold: 8")),
        Bump.MINOR,
        "loosened",
    ),
    "fewer provider types": (
        (("[recruiter, sub_agent]", "[recruiter]"),),
        Bump.MINOR,
        "no longer applies to sub_agent",
    ),
    "no longer core": (
        (("core: true\n        failure_class: critical", "failure_class: major"),),
        Bump.MINOR,
        "no longer core",
    ),
    "milder failure class": (
        (("failure_class: major", "failure_class: minor"),),
        Bump.MINOR,
        "major -> minor",
    ),
    "reportable range": ((("maximum: 365", "maximum: 400"),), Bump.MINOR, "maximum"),
    # major: a certificate's meaning changes
    "indicator removed": (((AAA_2, ""),), Bump.MAJOR, "AAA-2 removed"),
    "category removed": (((BBB, ""),), Bump.MAJOR, "BBB removed"),
    "core indicator added": (
        (
            (
                "grades:",
                NEW_INDICATOR.replace(
                    "New rule\n", "New rule\n        core: true\n        failure_class: critical\n"
                )
                + "grades:",
            ),
        ),
        Bump.MAJOR,
        "core indicator AAA-3",
    ),
    "made core": (
        (("failure_class: major", "core: true\n        failure_class: critical"),),
        Bump.MAJOR,
        "made core",
    ),
    "harsher failure class": (
        (
            ("failure_class: major", "failure_class: minor"),
            ("Numeric rule\n", "Numeric rule\n        failure_class: major\n"),
        ),
        Bump.MAJOR,
        "minor -> major",
    ),
    "pass mark raised": ((("pass_mark: 3", "pass_mark: 4"),), Bump.MAJOR, "raised"),
    "threshold tightened": ((("threshold: 7", "threshold: 5"),), Bump.MAJOR, "tightened"),
    "comparator made strict": ((('"<="', '"<"'),), Bump.MAJOR, "tightened"),
    "comparator flipped": ((('"<="', '">="'),), Bump.MAJOR, "pass condition changed"),
    "expected answer": ((("expected: true", "expected: false"),), Bump.MAJOR, "expected"),
    "unit": ((("unit: days", "unit: weeks"),), Bump.MAJOR, "unit"),
    "measure type": (
        (
            (
                "          type: yes_no\n          expected: true",
                "          type: scale\n          pass_mark: 2",
            ),
        ),
        Bump.MAJOR,
        "type",
    ),
    "more provider types": (
        (("[lender]", "[lender, travel]"),),
        Bump.MAJOR,
        "now applies to travel",
    ),
    "indicator weight": (
        (("Numeric rule\n", "Numeric rule\n        weight: 2\n"),),
        Bump.MAJOR,
        "weight",
    ),
    "category weight": ((("    weight: 2", "    weight: 3"),), Bump.MAJOR, "weight"),
    "indicator moved": (((AAA_2, ""), ("grades:", AAA_2 + "grades:")), Bump.MAJOR, "moved"),
    "grade threshold": ((("min_score: 75", "min_score: 70"),), Bump.MAJOR, "grades.silver"),
    "grade added": (
        (("    min_score: 75\n", "    min_score: 75\n  - name: bronze\n    min_score: 60\n"),),
        Bump.MAJOR,
        "grades.bronze",
    ),
    "non-conformity rule": (
        (("corrective_plan_days: 14", "corrective_plan_days: 21"),),
        Bump.MAJOR,
        "corrective_plan_days",
    ),
    "escalation grace added": (
        (("close_within_days: 60", "close_within_days: 60\n    escalation_grace_days: 30"),),
        Bump.MAJOR,
        "suspend sooner",
    ),
    "closure visit required": (
        (("close_within_days: 30", "close_within_days: 30\n    closure_visit_required: true"),),
        Bump.MAJOR,
        "follow-up visit",
    ),
    "secretariat desk review": (
        (("close_within_days: 60", "close_within_days: 60\n    secretariat_desk_review: true"),),
        Bump.MINOR,
        "on paper",
    ),
    "certificate rule": (
        (("validity_months: 36", "validity_months: 24"),),
        Bump.MAJOR,
        "validity_months",
    ),
}


@pytest.mark.parametrize(("edits", "bump", "word"), CLASSES.values(), ids=CLASSES.keys())
def test_implied_bump(edits: tuple[Edit, ...], bump: Bump, word: str) -> None:
    implied, reasons = _diff(*edits)
    assert implied is bump
    assert any(word in reason for reason in reasons), reasons


def test_identical_is_none() -> None:
    result = diff_rulesets(load_ruleset(BASE), load_ruleset(BASE))
    assert result.implied_bump is Bump.NONE
    assert result.reasons == ()
    assert result.indicators_changed == ()
    assert result.categories_changed == ()
    assert result.rules_changed == ()


def test_version_and_supersedes_alone_are_none() -> None:
    assert _diff(("version: 1.0.0\n", "version: 1.0.1\nsupersedes: 1.0.0\n")) == (Bump.NONE, [])


def test_field_by_field() -> None:
    result = diff_rulesets(
        load_ruleset(BASE),
        load_ruleset(
            edit(
                ("threshold: 7", "threshold: 5"),
                ("unit: days", "unit: weeks"),
                ("requirement: Numeric rule", "requirement: Numeric"),
            )
        ),
    )
    (item,) = result.indicators_changed
    assert item.id == "BBB-1"
    assert [(c.field, c.old, c.new, c.bump) for c in item.changes] == [
        ("requirement", "Numeric rule", "Numeric", Bump.PATCH),
        ("measure.threshold", 7.0, 5.0, Bump.MAJOR),
        ("measure.unit", "days", "weeks", Bump.MAJOR),
    ]
    assert result.reasons == (
        "indicator BBB-1: pass condition tightened: <= 7 -> <= 5",
        "indicator BBB-1: measure unit changed",
    )


def test_added_removed_and_changed_are_listed() -> None:
    result = diff_rulesets(
        load_ruleset(BASE),
        load_ruleset(edit((AAA_2, NEW_INDICATOR), ("    weight: 1\n", "    weight: 1.5\n"))),
    )
    assert result.indicators_added == ("AAA-3",)
    assert result.indicators_removed == ("AAA-2",)
    assert result.categories_changed[0].id == "BBB"
    assert result.categories_changed[0].changes == (
        Change("weight", 1.0, 1.5, Bump.MAJOR, "weight 1 -> 1.5"),
    )


def test_to_dict_is_plain_json() -> None:
    result = diff_rulesets(load_ruleset(BASE), load_ruleset(edit(("pass_mark: 3", "pass_mark: 4"))))
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["implied_bump"] == "major"
    assert data["indicators_changed"][0]["changes"][0] == {
        "field": "measure.pass_mark",
        "old": 3,
        "new": 4,
        "bump": "major",
        "reason": "pass mark raised from 3 to 4",
    }


def test_library_1_0_to_1_1_is_minor() -> None:
    old = load_ruleset(LIBRARY / "core-rights" / "1.0.0.yaml")
    new = load_ruleset(LIBRARY / "core-rights" / "1.1.0.yaml")
    result = diff_rulesets(old, new)
    assert result.implied_bump is Bump.MINOR
    assert result.indicators_added == ("WAG-4",)
    assert result.indicators_removed == ()
    assert {i.id for i in result.indicators_changed} == {"FEE-1", "DOC-2", "REM-2"}
    assert all(c.bump is Bump.PATCH for i in result.indicators_changed for c in i.changes)
    assert result.reasons == ("non-core indicator WAG-4 added",)
    assert check_bump(old.version, new.version, result.implied_bump)


def test_library_1_1_to_2_0_is_major_for_corrective_enforcement() -> None:
    old = load_ruleset(LIBRARY / "core-rights" / "1.1.0.yaml")
    new = load_ruleset(LIBRARY / "core-rights" / "2.0.0.yaml")
    result = diff_rulesets(old, new)
    assert result.implied_bump is Bump.MAJOR
    assert result.indicators_added == result.indicators_removed == ()
    assert result.indicators_changed == ()
    changed = {c.field: c for c in result.rules_changed}
    grace = changed["non_conformities.major.escalation_grace_days"]
    assert (grace.old, grace.new, grace.bump) == (None, 30, Bump.MAJOR)
    assert changed["non_conformities.critical.closure_visit_required"].bump is Bump.MAJOR
    assert changed["non_conformities.major.secretariat_desk_review"].bump is Bump.MINOR
    assert check_bump(old.version, new.version, result.implied_bump)


@pytest.mark.parametrize(
    ("old", "new", "declared"),
    [
        ("1.0.0", "1.0.0", Bump.NONE),
        ("1.0.0", "1.0.1", Bump.PATCH),
        ("1.0.0", "1.0.1-rc.1", Bump.PATCH),
        ("1.2.3", "1.3.0", Bump.MINOR),
        ("1.9.0", "1.10.0", Bump.MINOR),
        ("1.2.3", "2.0.0", Bump.MAJOR),
    ],
)
def test_declared_bump(old: str, new: str, declared: Bump) -> None:
    assert declared_bump(old, new) is declared


@pytest.mark.parametrize(
    ("old", "new", "implied", "ok"),
    [
        ("1.0.0", "1.1.0", Bump.MINOR, True),
        ("1.0.0", "2.0.0", Bump.MINOR, True),
        ("1.0.0", "1.0.1", Bump.MINOR, False),
        ("1.0.0", "1.1.0", Bump.MAJOR, False),
        ("1.0.0", "1.0.1", Bump.PATCH, True),
        ("1.0.0", "1.0.0", Bump.NONE, True),
        ("1.0.0", "1.0.0", Bump.PATCH, False),
    ],
)
def test_check_bump(old: str, new: str, implied: Bump, ok: bool) -> None:
    assert check_bump(old, new, implied) is ok


def test_check_bump_rejects_going_backwards_and_garbage() -> None:
    with pytest.raises(VersionOrderError):
        check_bump("2.0.0", "1.9.9", Bump.PATCH)
    with pytest.raises(InvalidVersion):
        check_bump("1.0", "1.1", Bump.PATCH)
