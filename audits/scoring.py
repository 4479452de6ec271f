"""The scoring engine: a pure, deterministic function of (standard version, submission).

Scores are computed in exact integer arithmetic and rounded once per published number, half
to even, to hundredths (docs/scoring.md writes the formula out). Numbers in a report are JSON
numbers with at most two decimals: a whole number is an `int`, so the canonical (RFC 8785)
form of a report is the same whether it comes from here, from `rfc8785`, or from another
language. The same inputs give the same report and the same digests, whatever the order of
the findings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from operator import attrgetter
from typing import Any, Final

import msgspec

from audits.errors import InvalidSubmission
from audits.lookup import FULL, CompiledRuleSet, IndicatorTable, Scope
from audits.model import (
    CategoryScore,
    Finding,
    FindingProblem,
    IndicatorResult,
    NonConformity,
    Report,
    ReportBody,
    Submission,
    SubmissionDocument,
)
from audits.published import hundredths_number
from audits.validation import Evaluation, decode, evaluate
from standards.canonical import canonical_digest, canonical_json
from standards.model import NonConformityClass, RuleSet

METHOD: Final = "rightsmark-score/1"
_SEVERITY: Final = {c: n for n, c in enumerate(NonConformityClass)}  # critical first
_ENCODER: Final = msgspec.json.Encoder(order="sorted")
# For the digested structs, whose fields are declared in canonical order (audits.model).
_IN_ORDER: Final = msgspec.json.Encoder()
_BY_INDICATOR: Final = attrgetter("indicator")


class _Inputs(msgspec.Struct, frozen=True, gc=False):
    """The document `inputs_digest` names."""

    standard: str
    standard_digest: str
    submission: Submission


def score(ruleset: RuleSet, submission: Submission, *, as_of: dt.date | None = None) -> Report:
    """The report of a submission; raises `InvalidSubmission` listing every problem.

    `as_of` is the date deadlines count from: the audit's last day unless given.
    """
    if isinstance(submission, SubmissionDocument):
        submission = submission.submission()
    ev = evaluate(ruleset, submission)
    if ev.problems:
        raise InvalidSubmission(ev.problems)
    return build_report(submission, ev, as_of)


def parse_and_score(
    ruleset: RuleSet, data: bytes, *, as_of: dt.date | None = None
) -> Report | list[FindingProblem]:
    """The one path from JSON bytes to a report, shared by the API and the CLI."""
    result = decode(ruleset, data)
    if isinstance(result, list):
        return result
    return build_report(result[0], result[1], as_of)


def build_report(submission: Submission, ev: Evaluation, as_of: dt.date | None) -> Report:
    """Assemble the report from a problem-free evaluation of `submission`."""
    table, scope = ev.table, ev.scope
    assert scope is not None
    assert not ev.problems
    as_of = as_of or submission.ended_on
    scored = conclude(table, scope, ev.results, ev.earned, ev.failed, as_of)
    fields: list[Any] = [
        as_of,
        submission.audit_type,
        scored.categories,
        scored.floor_holds,
        scored.grade,
        scored.indicators,
        inputs_digest(table, submission, ev),
        METHOD,
        scored.non_conformities,
        scope.provider_types,
        scored.score,
        table.ref,
        table.digest,
    ]
    fields.append(_digest(ReportBody(*fields), fast=not ev.tiny))
    return Report(*fields)


class Scores(msgspec.Struct, frozen=True, gc=False):
    """What the scoring engine computes: everything in a report but its envelope and digests."""

    indicators: tuple[IndicatorResult, ...]  # in the rule set's order
    categories: tuple[CategoryScore, ...]
    score: float  # 0..100, two decimals, its canonical JSON spelling
    floor_holds: bool
    grade: str | None
    non_conformities: tuple[NonConformity, ...]


def score_validated(
    table: CompiledRuleSet, scope: Scope, findings: Sequence[Finding], as_of: dt.date
) -> Scores:
    """The scoring engine proper: validated findings -> scores, grade, non-conformities.

    `findings` must be problem-free for `table` and `scope` (as `audits.validation.evaluate`
    checks): exactly one valid answer per applicable indicator. Per finding it costs one dict
    lookup and one cache hit. `score` and `parse_and_score` get the same three intermediate
    results from validation, which makes the same lookups, and call `conclude` directly; a
    test checks both paths give the same scores.
    """
    results = scope.blank.copy()
    earned = [0] * len(table.categories)
    failed: list[IndicatorTable] = []
    applicable = scope.applicable
    for finding in findings:
        ind = applicable[finding.indicator]
        entry = ind.scored.get(finding.value)
        result, points, fails = ind.score(finding.value) if entry is None else entry
        results[ind.position] = result
        earned[ind.category] += points
        if fails:
            failed.append(ind)
    return conclude(table, scope, results, earned, failed, as_of)


def conclude(
    table: CompiledRuleSet,
    scope: Scope,
    results: list[IndicatorResult | None],
    earned: list[int],
    failed: list[IndicatorTable],
    as_of: dt.date,
) -> Scores:
    """Scores from each indicator's result, the points per category and the failures.

    `score_validated` computes those three from findings; validation computes them as it
    checks (`audits.validation.Evaluation`), so `build_report` does not walk them twice.
    """
    key = tuple(earned)
    summary = scope.summaries.get(key)
    if summary is None:
        summary = _category_scores(table, earned, scope.possible, scope.counts)
        if len(scope.summaries) < 256:
            scope.summaries[key] = summary
    categories, overall = summary
    grade = None
    floor_holds = True
    non_conformities: tuple[NonConformity, ...] = ()
    if failed:
        floor_holds = not any(ind.core for ind in failed)
        non_conformities = _non_conformities(table, failed, as_of)
    if floor_holds:
        grade = next((name for name, least in table.grades if overall >= least), None)
    return Scores(
        tuple(results),  # type: ignore[arg-type]  # every slot filled: the findings are valid
        categories,
        hundredths_number(overall),
        floor_holds,
        grade,
        non_conformities,
    )


def _category_scores(
    table: CompiledRuleSet, earned: list[int], possible: list[int], counts: list[int]
) -> tuple[tuple[CategoryScore, ...], int]:
    scores: list[CategoryScore] = []
    total = weights = 0
    for (category, weight), got, best, count in zip(
        table.categories, earned, possible, counts, strict=True
    ):
        if not count:  # nothing applies: left out, and the other weights renormalised
            scores.append(CategoryScore(0, category.id, category.name, None))
            continue
        # Hundredths of a 0-100 score; `divide_half_even` inlined.
        best *= FULL
        cat, rest = divmod(10_000 * got, best)
        if 2 * rest > best or (2 * rest == best and cat & 1):
            cat += 1
        shown = hundredths_number(cat)
        scores.append(CategoryScore(count, category.id, category.name, shown))
        # The overall score is the weighted mean of the category scores as published, so a
        # reader can recompute it from the report alone.
        total += weight * cat
        weights += weight
    return tuple(scores), divide_half_even(total, weights) if weights else 0


def _non_conformities(
    table: CompiledRuleSet, failed: list[IndicatorTable], as_of: dt.date
) -> tuple[NonConformity, ...]:
    ncs: list[NonConformity] = []
    for ind in sorted(failed, key=lambda i: (_SEVERITY[i.failure], i.position)):
        rule = table.deadlines[ind.failure]
        ncs.append(
            NonConformity(
                category=ind.category_id,
                class_=ind.failure,
                close_by=None if rule.close is None else as_of + rule.close,
                close_by_next_surveillance=rule.next_surveillance,
                corrective_plan_due=None if rule.plan is None else as_of + rule.plan,
                indicator=ind.id,
                suspends_certificate=rule.suspends,
                withdraw_if_open_on=None if rule.withdraw is None else as_of + rule.withdraw,
            )
        )
    return tuple(ncs)


def divide_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator (both >= 0) rounded to an integer, ties to even."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient


def inputs_digest(table: CompiledRuleSet, submission: Submission, ev: Evaluation) -> str:
    findings = sorted(submission.findings, key=_BY_INDICATOR)
    if ev.whole:
        findings = [_whole(f) for f in findings]
    normalised = msgspec.structs.replace(
        submission,
        provider_types=tuple(sorted(submission.provider_types)),
        findings=tuple(findings),
    )
    doc = _Inputs(table.ref, table.digest, normalised)
    return _digest(doc, fast=not ev.tiny)


def _whole(finding: Finding) -> Finding:
    value = finding.value
    if type(value) is float and value.is_integer():
        return msgspec.structs.replace(finding, value=int(value))
    return finding


def _digest(doc: msgspec.Struct, *, fast: bool) -> str:
    """`sha256:` of the RFC 8785 form of `doc`.

    msgspec writes exactly the RFC 8785 bytes for these documents: ASCII keys in sorted
    order, strings escaped alike, integers, and floats that are not whole and not below 1e-4,
    which both write as the shortest round-trip decimal (property-tested against `rfc8785`).
    Tiny floats, which msgspec writes in exponent form earlier than RFC 8785, go to rfc8785.
    """
    if fast:
        return "sha256:" + hashlib.sha256(_IN_ORDER.encode(doc)).hexdigest()
    return canonical_digest(msgspec.to_builtins(doc))


def canonical_report(report: Report) -> bytes:
    """The report's canonical JSON bytes, e.g. to store or to serve pre-encoded."""
    if any(type(r.value) is float and -1e-4 < r.value < 1e-4 for r in report.indicators):
        return canonical_json(msgspec.to_builtins(report))
    return _ENCODER.encode(report)


def report_digest_holds(report: Report) -> bool:
    """Whether `report_digest` is the digest of the rest of the report."""
    doc: Any = msgspec.to_builtins(report.body())
    return canonical_digest(doc) == report.report_digest
