"""Lint a rule set: every problem at once, each with file, line, field path and rule code.

Schema problems come from pydantic via the loader (which collects them all); the checks
here need the whole validated model. They are generic: nothing in this module knows about a
particular standard - the rules of `core-rights` live in its YAML.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from standards.diff import check_bump, declared_bump, diff_rulesets
from standards.errors import PROBLEM_CODES, LintError, Problem, StandardsError
from standards.lifecycle import parse_version
from standards.loader import (
    FieldPath,
    LoadResult,
    SourceMap,
    format_path,
    parse_document,
    parse_source,
)
from standards.loader import sort_key as _sort_key
from standards.model import NonConformityClass, NumericMeasure, RuleSet, ScaleMeasure

RULES = PROBLEM_CODES  # every code a Problem can carry, with what it means

Finding = tuple[FieldPath, str, str]  # (path, message, code)
Check = Callable[[RuleSet], Iterator[Finding]]


def _ids(rs: RuleSet) -> Iterator[Finding]:
    categories: dict[str, str] = {}
    indicators: dict[str, str] = {}
    for c, category in enumerate(rs.categories):
        path: FieldPath = ("categories", c, "id")
        if category.id in categories:
            message = f"{category.id!r} already used by {categories[category.id]}"
            yield path, message, "duplicate-category-id"
        categories.setdefault(category.id, format_path(path[:-1]))
        for i, indicator in enumerate(category.indicators):
            path = ("categories", c, "indicators", i, "id")
            if indicator.id in indicators:
                message = f"{indicator.id!r} already used by {indicators[indicator.id]}"
                yield path, message, "duplicate-indicator-id"
            indicators.setdefault(indicator.id, format_path(path[:-1]))


def _positive(weight: float) -> bool:
    return math.isfinite(weight) and weight > 0


def _categories(rs: RuleSet) -> Iterator[Finding]:
    for c, category in enumerate(rs.categories):
        if not _positive(category.weight):
            message = f"weight must be a positive number, not {category.weight}"
            yield ("categories", c, "weight"), message, "non-positive-weight"
        if not category.indicators:
            message = f"category {category.id} has no indicators"
            yield ("categories", c, "indicators"), message, "empty-category"


def _indicators(rs: RuleSet) -> Iterator[Finding]:
    for c, category in enumerate(rs.categories):
        for i, ind in enumerate(category.indicators):
            base: FieldPath = ("categories", c, "indicators", i)
            if not _positive(ind.weight):
                message = f"weight must be a positive number, not {ind.weight}"
                yield (*base, "weight"), message, "non-positive-weight"
            for t, kind in enumerate(ind.applies_to):
                if kind in ind.applies_to[:t]:
                    message = f"provider type {kind!r} listed twice"
                    yield (*base, "applies_to", t), message, "duplicate-provider-type"
            critical = ind.failure_class is NonConformityClass.CRITICAL
            if ind.core and not critical:
                message = f"core indicator {ind.id} must fail as critical, not {ind.failure_class}"
                yield (*base, "failure_class"), message, "core-not-critical"
            if critical and not ind.core:
                message = f"only core indicators fail as critical; make {ind.id} core or lower it"
                yield (*base, "failure_class"), message, "critical-not-core"
            yield from _measure(ind.measure, (*base, "measure"))


def _measure(measure: object, path: FieldPath) -> Iterator[Finding]:
    if isinstance(measure, ScaleMeasure) and measure.pass_mark == 0:
        yield (*path, "pass_mark"), "a pass mark of 0 can never fail; use 1-4", "pass-mark-range"
    if not isinstance(measure, NumericMeasure):
        return
    lo, hi, threshold = measure.minimum, measure.maximum, measure.threshold
    for name, value in (("threshold", threshold), ("minimum", lo), ("maximum", hi)):
        if value is not None and not math.isfinite(value):
            yield (*path, name), f"{name} must be a finite number", "non-finite-number"
    if lo is not None and hi is not None and lo > hi:
        yield (*path, "minimum"), f"minimum {lo:g} exceeds maximum {hi:g}", "numeric-bounds"
    elif (lo is not None and threshold < lo) or (hi is not None and threshold > hi):
        message = f"threshold {threshold:g} lies outside [{lo}, {hi}]"
        yield (*path, "threshold"), message, "threshold-out-of-bounds"
    elif threshold in (lo, hi):
        # At a bound, `>=` and `<=` pass every reportable value, `>` and `<` none.
        always = (measure.comparator, threshold) in ((">=", lo), ("<=", hi))
        never = (measure.comparator, threshold) in ((">", hi), ("<", lo))
        if always or never:
            verdict = "passes every" if always else "fails every"
            message = f"{measure.comparator} {threshold:g} {verdict} reportable value"
            yield (*path, "threshold"), message, "trivial-threshold"


def _grades(rs: RuleSet) -> Iterator[Finding]:
    if not rs.grades:
        yield ("grades",), "at least one grade is needed to certify", "no-grades"
    names: set[str] = set()
    scores: set[float] = set()
    for g, grade in enumerate(rs.grades):
        if grade.name in names:
            yield (
                ("grades", g, "name"),
                f"grade {grade.name!r} defined twice",
                ("duplicate-grade-name"),
            )
        if grade.min_score in scores:
            message = f"another grade already starts at {grade.min_score:g}"
            yield ("grades", g, "min_score"), message, "duplicate-grade-score"
        elif g and grade.min_score > rs.grades[g - 1].min_score:
            message = "grades must be listed highest first (strictly descending min_score)"
            yield ("grades", g, "min_score"), message, "grade-order"
        names.add(grade.name)
        scores.add(grade.min_score)


def _rules(rs: RuleSet) -> Iterator[Finding]:
    for klass in NonConformityClass:
        rule = rs.non_conformities.get(klass)
        if rule is None:
            message = f"no rule for {klass} non-conformities"
            yield ("non_conformities",), message, "missing-non-conformity-rule"
            continue
        path: FieldPath = ("non_conformities", klass.value)
        if rule.close_within_days is None and not rule.close_by_next_surveillance:
            message = "set close_within_days or close_by_next_surveillance"
            yield path, message, "no-closure-deadline"
        plan, close, withdraw = (
            rule.corrective_plan_days,
            rule.close_within_days,
            rule.withdraw_after_days,
        )
        if plan is not None and close is not None and plan > close:
            message = f"corrective plan due ({plan} d) after closure ({close} d)"
            yield (*path, "corrective_plan_days"), message, "deadline-order"
        if withdraw is not None and close is not None and withdraw < close:
            message = f"withdrawal ({withdraw} d) before the closure deadline ({close} d)"
            yield (*path, "withdraw_after_days"), message, "deadline-order"
        if rule.escalation_grace_days is not None and close is None:
            message = "escalation_grace_days counts from close_within_days, which is not set"
            yield (*path, "escalation_grace_days"), message, "grace-without-deadline"
        if rule.closure_visit_required and rule.secretariat_desk_review:
            message = (
                "closure needs a follow-up visit, so the secretariat cannot verify it on paper"
            )
            yield (*path, "secretariat_desk_review"), message, "desk-review-with-visit"
    cert = rs.certificate
    if cert.surveillance_interval_months > cert.validity_months:
        message = (
            f"surveillance every {cert.surveillance_interval_months} months never happens "
            f"within a {cert.validity_months}-month validity"
        )
        yield (
            ("certificate", "surveillance_interval_months"),
            message,
            ("surveillance-exceeds-validity"),
        )
    yield from _surveillance_cycle(rs)
    if rs.supersedes is not None and parse_version(rs.supersedes) >= parse_version(rs.version):
        message = f"supersedes {rs.supersedes}, which is not older than {rs.version}"
        yield ("supersedes",), message, "supersedes-not-older"


def _surveillance_cycle(rs: RuleSet) -> Iterator[Finding]:
    """Lead times and grace that the surveillance cycle could never honour. A month counts
    as 28 days here: the shortest, so a lead that fits it fits every month."""
    cert = rs.certificate
    interval_days = cert.surveillance_interval_months * 28
    lead = cert.surveillance_lead_days
    if lead is not None and lead >= interval_days:
        message = (
            f"scheduling {lead} days ahead of a surveillance due every "
            f"{cert.surveillance_interval_months} months overlaps the previous interval"
        )
        yield ("certificate", "surveillance_lead_days"), message, "lead-exceeds-interval"
    grace = cert.surveillance_overdue_grace_days
    if grace is not None and grace >= interval_days:
        message = (
            f"a {grace}-day grace outlasts the {cert.surveillance_interval_months}-month "
            "surveillance interval: the next audit falls due before an overdue one suspends"
        )
        yield (
            ("certificate", "surveillance_overdue_grace_days"),
            message,
            "grace-exceeds-interval",
        )
    recert = cert.recertification_lead_days
    if recert is not None and recert >= cert.validity_months * 28:
        message = (
            f"recertification {recert} days before expiry starts before a "
            f"{cert.validity_months}-month certificate is issued"
        )
        yield (
            ("certificate", "recertification_lead_days"),
            message,
            "lead-exceeds-validity",
        )


CHECKS: tuple[Check, ...] = (_ids, _categories, _indicators, _grades, _rules)


def _bump_problems(rs: RuleSet, previous: RuleSet, source: SourceMap) -> list[Problem]:
    implied = diff_rulesets(previous, rs).implied_bump
    try:
        if check_bump(previous.version, rs.version, implied):
            return []
        declared = declared_bump(previous.version, rs.version)
        message = (
            f"{previous.version} -> {rs.version} is a {declared} bump, but the changes "
            f"imply {implied}"
        )
    except StandardsError as exc:
        message = str(exc)
    return [source.problem(("version",), message, "version-bump", severity="warning")]


def lint_ruleset(
    ruleset: RuleSet, *, source: SourceMap | None = None, previous: RuleSet | None = None
) -> list[Problem]:
    """Whole-model problems of a validated rule set; `previous` enables the bump warning."""
    source = source or SourceMap()
    problems = [source.problem(*finding) for check in CHECKS for finding in check(ruleset)]
    if previous is not None and previous.version != ruleset.version:
        problems += _bump_problems(ruleset, previous, source)
    return sorted(problems, key=_sort_key)


@dataclass(frozen=True)
class LintReport:
    ruleset: RuleSet | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.ruleset is not None and not self.errors


def _report(loaded: LoadResult, previous: RuleSet | None) -> LintReport:
    problems = list(loaded.problems)
    if loaded.ruleset is not None:
        problems += lint_ruleset(loaded.ruleset, source=loaded.source, previous=previous)
    return LintReport(loaded.ruleset, sorted(problems, key=_sort_key))


def lint_source(
    source: str | bytes | os.PathLike[str],
    *,
    file: str | None = None,
    previous: RuleSet | None = None,
) -> LintReport:
    """Parse, validate and lint YAML/JSON text, bytes or a file."""
    return _report(parse_source(source, file=file), previous)


def lint_document(data: Mapping[str, Any], *, previous: RuleSet | None = None) -> LintReport:
    """Validate and lint a decoded JSON document (problems carry no line numbers)."""
    return _report(parse_document(data), previous)


def _location_problems(path: Path, rs: RuleSet, source: SourceMap) -> list[Problem]:
    problems = []
    if path.parent.name != rs.slug:
        message = f"slug {rs.slug!r} but the file is in directory {path.parent.name!r}"
        problems.append(source.problem(("slug",), message, "path-mismatch"))
    if path.name not in (f"{rs.version}.yaml", f"{rs.version}.yml"):
        message = f"version {rs.version} but the file is named {path.name!r}"
        problems.append(source.problem(("version",), message, "path-mismatch"))
    return problems


def lint_path(
    path: str | os.PathLike[str], *, check_location: bool = True, previous: RuleSet | None = None
) -> list[Problem]:
    """Lint a library file at `<slug>/<version>.yaml`.

    Without an explicit `previous`, the version named by `supersedes` is looked up next to
    the file and, when it loads cleanly, the declared version bump is checked against it.
    """
    path = Path(path)
    loaded = parse_source(path)
    rs = loaded.ruleset
    if previous is None and rs is not None and rs.supersedes is not None:
        sibling = path.with_name(f"{rs.supersedes}{path.suffix}")
        if sibling.is_file():
            previous = parse_source(sibling).ruleset
    report = _report(loaded, previous)
    problems = report.problems
    if check_location and rs is not None:
        problems = sorted(problems + _location_problems(path, rs, loaded.source), key=_sort_key)
    return problems


def load_checked(
    source: str | bytes | os.PathLike[str] | Mapping[str, Any],
    *,
    file: str | None = None,
    previous: RuleSet | None = None,
) -> RuleSet:
    """The rule set if it has no lint errors (warnings allowed), else LintError with all."""
    if isinstance(source, Mapping):
        report = lint_document(source, previous=previous)
    else:
        report = lint_source(source, file=file, previous=previous)
    if report.ruleset is None or not report.ok:
        raise LintError(report.errors)
    return report.ruleset
