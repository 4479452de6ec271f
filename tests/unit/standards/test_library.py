"""The standards the association ships: lint clean and faithful to the outline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from standards.lint import lint_path
from standards.loader import load_ruleset
from standards.model import (
    Indicator,
    NonConformityClass,
    NumericMeasure,
    ProviderType,
    RuleSet,
    ScaleMeasure,
    YesNoMeasure,
)
from tests.support.paths import LIBRARY

FILES = sorted(LIBRARY.glob("*/*.yaml"))
CATEGORIES = ["FEE", "DOC", "CON", "VOL", "AGE", "WAG", "MOB", "DAT", "REM", "FOA", "SUP", "LAW"]
CORE = {
    "FEE-1",
    "FEE-3",
    "FEE-4",
    "DOC-1",
    "DOC-3",
    "CON-2",
    "VOL-1",
    "VOL-2",
    "AGE-1",
    "AGE-2",
    "WAG-2",
    "MOB-1",
    "REM-1",
    "REM-3",
    "FOA-1",
    "SUP-2",
    "LAW-1",
}


def _load(version: str) -> RuleSet:
    return load_ruleset(LIBRARY / "core-rights" / f"{version}.yaml")


def test_library_is_not_empty() -> None:
    assert {f.relative_to(LIBRARY).as_posix() for f in FILES} >= {
        "core-rights/1.0.0.yaml",
        "core-rights/1.1.0.yaml",
    }


@pytest.mark.parametrize("path", FILES, ids=[f.relative_to(LIBRARY).as_posix() for f in FILES])
def test_lints_clean_including_the_version_bump(path: Path) -> None:
    assert [str(p) for p in lint_path(path)] == []


@pytest.mark.parametrize("path", FILES, ids=[f.relative_to(LIBRARY).as_posix() for f in FILES])
def test_indicator_ids_unique_and_prefixed_by_their_category(path: Path) -> None:
    ruleset = load_ruleset(path)
    ids = [i.id for _, i in ruleset.indicators()]
    assert len(ids) == len(set(ids))
    assert all(i.id.split("-")[0] == c.id for c, i in ruleset.indicators())


def test_core_rights_1_0_0_follows_the_outline() -> None:
    rs = _load("1.0.0")
    assert rs.ref == "core-rights@1.0.0"
    assert rs.supersedes is None
    assert rs.effective_date == dt.date(2026, 1, 1)
    assert [c.id for c in rs.categories] == CATEGORIES
    assert all(len(c.indicators) == 3 for c in rs.categories if c.id != "FEE")
    assert len(rs.indicators()) == 37
    assert {i.id for _, i in rs.indicators() if i.core} == CORE
    assert len(CORE) == 17


def test_1_0_0_rules() -> None:
    rs = _load("1.0.0")
    assert [(g.name, g.min_score) for g in rs.grades] == [
        ("gold", 90),
        ("silver", 75),
        ("bronze", 60),
    ]
    critical = rs.non_conformities[NonConformityClass.CRITICAL]
    assert critical.suspends_certificate
    assert (critical.close_within_days, critical.withdraw_after_days) == (30, 90)
    major = rs.non_conformities[NonConformityClass.MAJOR]
    assert (major.corrective_plan_days, major.close_within_days) == (14, 60)
    assert rs.non_conformities[NonConformityClass.MINOR].close_by_next_surveillance
    assert (rs.certificate.validity_months, rs.certificate.surveillance_interval_months) == (
        36,
        12,
    )


def test_fee_and_doc_weigh_most() -> None:
    weights = {c.id: c.weight for c in _load("1.0.0").categories}
    heaviest = sorted(weights, key=weights.__getitem__, reverse=True)[:2]
    assert set(heaviest) == {"FEE", "DOC"}


@pytest.mark.parametrize(
    ("indicator", "comparator", "threshold", "unit"),
    [
        ("FEE-1", "==", 0, "workers"),
        ("FEE-3", ">=", 100, "percent"),
        ("DOC-1", "==", 0, "documents"),
        ("CON-2", "==", 0, "cases"),
        ("AGE-1", "==", 0, "workers"),
        ("WAG-1", ">=", 1.0, "ratio"),
        ("REM-2", "<=", 7, "days"),
        ("REM-3", "==", 0, "cases"),
        ("SUP-2", "==", 0, "percent"),
        ("LAW-3", "<=", 1, "percent"),
    ],
)
def test_numeric_measures(indicator: str, comparator: str, threshold: float, unit: str) -> None:
    measure = _indicator("1.0.0", indicator).measure
    assert isinstance(measure, NumericMeasure)
    assert (measure.comparator, measure.threshold, measure.unit) == (comparator, threshold, unit)
    assert measure.minimum == 0
    if unit == "percent":
        assert measure.maximum == 100


@pytest.mark.parametrize(
    "indicator", ["CON-1", "CON-3", "WAG-3", "MOB-3", "DAT-1", "SUP-3", "LAW-2"]
)
def test_outline_scales(indicator: str) -> None:
    measure = _indicator("1.0.0", indicator).measure
    assert isinstance(measure, ScaleMeasure)
    assert 1 <= measure.pass_mark <= 4


def test_yes_no_measures_expect_the_requirement_to_hold() -> None:
    for _, ind in _load("1.0.0").indicators():
        if isinstance(ind.measure, YesNoMeasure):
            assert ind.measure.expected is True, ind.id


def _indicator(version: str, indicator_id: str) -> Indicator:
    found = _load(version).indicator(indicator_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("indicator", "types"),
    [
        ("FEE-1", set(ProviderType)),
        ("FEE-4", set(ProviderType)),
        ("CON-2", {ProviderType.RECRUITER, ProviderType.SUB_AGENT}),
        ("VOL-3", {ProviderType.LENDER, ProviderType.RECRUITER}),
        ("WAG-1", {ProviderType.RECRUITER, ProviderType.WELFARE_RETURN}),
        ("WAG-3", {ProviderType.RECRUITER, ProviderType.WELFARE_RETURN}),
    ],
)
def test_applies_to(indicator: str, types: set[ProviderType]) -> None:
    found = _load("1.0.0").indicator(indicator)
    assert found is not None
    assert set(found.applies_to) == types


def test_every_provider_type_has_a_floor_but_only_recruiters_answer_everything() -> None:
    rs = _load("1.0.0")
    for kind in ProviderType:
        applicable = [i for _, i in rs.indicators() if kind in i.applies_to]
        assert any(i.core for i in applicable), kind
        assert (len(applicable) == 37) is (kind is ProviderType.RECRUITER), kind


def test_auditors_get_guidance_and_evidence() -> None:
    for version in ("1.0.0", "1.1.0"):
        for _, ind in _load(version).indicators():
            assert len(ind.requirement) > 40, ind.id
            assert len(ind.guidance) > 40, ind.id
            assert ind.evidence, ind.id


def test_core_rights_1_1_0() -> None:
    old, new = _load("1.0.0"), _load("1.1.0")
    assert new.supersedes == "1.0.0"
    assert new.effective_date == dt.date(2026, 7, 1)
    assert len(new.indicators()) == 38
    assert {i.id for _, i in new.indicators() if i.core} == CORE
    assert new.indicator("WAG-4") is not None
    assert new.grades == old.grades
    assert new.non_conformities == old.non_conformities
    assert new.certificate == old.certificate
