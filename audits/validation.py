"""Checking a submission against the standard version it names, reporting every problem at once.

The API and the CLI share one path from bytes: `parse_submission`, or
`audits.scoring.parse_and_score` which also scores. Structure is checked by msgspec while
decoding; this module checks the findings against the standard's compiled tables
(`audits.lookup`) in one loop that also computes each answer's points for the scorer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, Final

import msgspec

from audits.lookup import (
    SCALE,
    SCALE_MAX,
    YES_NO,
    CompiledRuleSet,
    IndicatorTable,
    Scope,
    compile_ruleset,
)
from audits.model import (
    EVIDENCE_LENGTH,
    Finding,
    FindingProblem,
    IndicatorResult,
    Submission,
    SubmissionDocument,
    evidence_ok,
    evidence_problems,
    structural_problems,
)
from standards.model import NumericMeasure, ProviderType, RuleSet

MAX_DOCUMENT_BYTES: Final = 4 * 1024 * 1024
_DECODER: Final = msgspec.json.Decoder(SubmissionDocument)
# Marks an indicator answered (only its identity matters).
_ANSWERED: Final = IndicatorResult(False, "", False, "", None, None, None, None)


class Evaluation:
    """What checking a submission found: its problems, and what scoring needs of it.

    `results` is in the rule set's order: not-applicable results are filled in from the
    scope, each valid finding puts its scored result in its indicator's slot, so a slot still
    None is missing. The check loop scores each answer as it accepts it (the same table
    lookups `audits.scoring.score_validated` makes), so that when there is no problem the
    scorer only has to conclude: `earned` holds points per category, `failed` the failing
    indicators, both meaningful only for a problem-free evaluation.
    """

    __slots__ = ("earned", "failed", "problems", "results", "scope", "table", "tiny", "whole")

    def __init__(self, table: CompiledRuleSet, scope: Scope | None) -> None:
        self.table, self.scope = table, scope
        self.problems: list[FindingProblem] = []
        self.results: list[IndicatorResult | None] = (
            [None] * len(table.ordered) if scope is None else scope.blank.copy()
        )
        self.whole = self.tiny = False  # whole and tiny floats among the answers
        self.earned = [0] * len(table.categories)
        self.failed: list[IndicatorTable] = []


def evaluate(ruleset: RuleSet, submission: Submission) -> Evaluation:
    """Check a decoded submission against its rule set and compute each answer's points."""
    table = compile_ruleset(ruleset)
    scope = table.scope(submission.provider_types)
    ev = Evaluation(table, scope)
    _check_envelope(ev, submission.standard, submission.provider_types)
    _check_dates(ev, submission.started_on, submission.ended_on)
    _check_findings(ev, submission.findings, None)
    if not evidence_ok(["".join(f.evidence) for f in submission.findings]):
        ev.problems += evidence_problems(
            [(i, f.evidence) for i, f in enumerate(submission.findings)]
        )
    return ev


def validate_findings(ruleset: RuleSet, submission: Submission) -> list[FindingProblem]:
    """Every problem of a submission against its standard; empty when it can be scored."""
    return evaluate(ruleset, submission).problems


def parse_submission(ruleset: RuleSet, data: bytes) -> Submission | list[FindingProblem]:
    """Decode and check JSON bytes: the submission, or every problem with its JSON path."""
    result = decode(ruleset, data)
    return result if isinstance(result, list) else result[0]


def decode(ruleset: RuleSet, data: bytes) -> tuple[Submission, Evaluation] | list[FindingProblem]:
    if len(data) > MAX_DOCUMENT_BYTES:
        return [FindingProblem("$", "too_large", f"Larger than {MAX_DOCUMENT_BYTES} bytes")]
    try:
        submission = _DECODER.decode(data).submission()
    except msgspec.ValidationError:
        return _explain(ruleset, data)
    except msgspec.DecodeError as exc:
        return [FindingProblem("$", "invalid_json", str(exc))]
    ev = evaluate(ruleset, submission)
    return ev.problems or (submission, ev)


def peek_standard(data: bytes) -> str | None:
    """The `standard` a document names, to pick the rule set before a full parse."""
    try:
        return msgspec.json.decode(data, type=_StandardOnly).standard
    except msgspec.MsgspecError:
        return None


class _StandardOnly(msgspec.Struct):
    standard: str


# --- the checks ------------------------------------------------------------------------------


def _check_envelope(ev: Evaluation, standard: Any, provider_types: Sequence[Any]) -> None:
    if isinstance(standard, str) and standard != ev.table.ref:
        ev.problems.append(
            FindingProblem(
                "$.standard",
                "standard_mismatch",
                f"This check is against `{ev.table.ref}`, not `{standard}`",
            )
        )
    if ev.scope is None:  # provider types unreadable, already reported
        return
    for i, provider_type in enumerate(provider_types):
        if provider_type in provider_types[:i]:
            ev.problems.append(FindingProblem(f"$.provider_types[{i}]", "duplicate", "Repeated"))
    if not ev.scope.applicable:
        ev.problems.append(
            FindingProblem(
                "$.provider_types",
                "no_applicable_indicators",
                f"No indicator of {ev.table.ref} applies to these provider types",
            )
        )


def _check_dates(ev: Evaluation, started_on: dt.date, ended_on: dt.date) -> None:
    if started_on > ended_on:
        ev.problems.append(FindingProblem("$.ended_on", "invalid_value", "Ends before it starts"))


def _check_findings(ev: Evaluation, findings: Sequence[Finding], at: Sequence[int] | None) -> None:
    """The hot loop: per finding two dict lookups and a few exact type tests."""
    results, problems, earned, failed = ev.results, ev.problems, ev.earned, ev.failed
    lookup = ev.table.indicators if ev.scope is None else ev.scope.applicable
    for n, finding in enumerate(findings):
        value = finding.value
        ind = lookup.get(finding.indicator)
        if ind is None or results[ind.position] is not None:
            problems.append(_lookup_problem(ev, findings, n, at))
            continue
        kind = ind.kind
        # Exact type tests on purpose: JSON true is not the number 1.
        entry = ind.scored.get(value) if type(value) is ind.exact else None
        if entry is not None:  # an answer already scored, hence valid
            results[ind.position] = entry[0]
            earned[ind.category] += entry[1]
            if entry[2]:
                failed.append(ind)
            continue
        if kind == YES_NO:
            ok = type(value) is bool
        elif kind == SCALE:
            ok = type(value) is int and 0 <= value <= SCALE_MAX
        elif type(value) is int:
            ok = ind.low <= value <= ind.high
        elif type(value) is float and ind.low <= value <= ind.high:  # NaN fails this too
            ok = True
            if value.is_integer():
                ev.whole = True  # 5.0 and 5 are one JSON number: keep one form
            elif -1e-4 < value < 1e-4:
                ev.tiny = True  # written in exponent form: leave it to rfc8785
        else:
            ok = False
        if ok:
            result, points, fails = ind.score(value)
            results[ind.position] = result
            earned[ind.category] += points
            if fails:
                failed.append(ind)
        else:
            results[ind.position] = _ANSWERED
            if value is not _UNCHECKED:
                problems.append(_value_problem(ind, value, _at(n, at) + ".value"))
    if ev.scope is not None and None in results:
        problems.extend(
            FindingProblem("$.findings", "missing_finding", f"No finding for `{i.id}`")
            for i, result in zip(ev.table.ordered, results, strict=True)
            if result is None
        )


def _at(n: int, at: Sequence[int] | None) -> str:
    return f"$.findings[{n if at is None else at[n]}]"


def _lookup_problem(
    ev: Evaluation, findings: Sequence[Finding], n: int, at: Sequence[int] | None
) -> FindingProblem:
    ind_id, path, ref = findings[n].indicator, _at(n, at) + ".indicator", ev.table.ref
    ind = ev.table.indicators.get(ind_id)
    if ind is None:
        return FindingProblem(path, "unknown_indicator", f"`{ind_id}` is not an indicator of {ref}")
    if ev.scope is None or ind_id in ev.scope.applicable:
        first = next(k for k, f in enumerate(findings) if f.indicator == ind_id)
        message = f"`{ind_id}` is answered twice, first at {_at(first, at)}"
        return FindingProblem(path, "duplicate_finding", message)
    wanted = ", ".join(sorted(ind.applies_to))
    have = ", ".join(ev.scope.provider_types)
    return FindingProblem(
        path, "not_applicable", f"`{ind_id}` applies to {wanted}; this scope is {have}"
    )


def _value_problem(ind: IndicatorTable, value: object, path: str) -> FindingProblem:
    if value is None:
        return FindingProblem(path, "not_answered", f"`{ind.id}` is not answered (null)")
    if ind.kind == YES_NO:
        return FindingProblem(path, "wrong_type", f"`{ind.id}` needs true or false")
    if ind.kind == SCALE:
        code = "out_of_range" if type(value) is int else "wrong_type"
        return FindingProblem(path, code, f"`{ind.id}` needs an integer from 0 to {SCALE_MAX}")
    if type(value) not in (int, float):
        return FindingProblem(path, "wrong_type", f"`{ind.id}` needs a number")
    measure = ind.indicator.measure
    unit = measure.unit if isinstance(measure, NumericMeasure) else ""
    message = f"`{ind.id}` needs a finite number from {ind.low:g} to {ind.high:g} {unit}"
    return FindingProblem(path, "out_of_range", message)


# --- explaining a document that does not decode ---------------------------------------------

_UNCHECKED: Final = object()  # a value already reported as the wrong JSON type


def _explain(ruleset: RuleSet, data: bytes) -> list[FindingProblem]:
    try:
        doc = msgspec.json.decode(data)
    except msgspec.ValidationError:  # (a subclass of DecodeError)
        # Valid JSON that msgspec cannot hold, i.e. a number like 1e999; the standard library
        # reads it as infinity, so the walk below can say which field it is in.
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError) as exc:
            return [FindingProblem("$", "invalid_json", str(exc))]
    except msgspec.DecodeError as exc:  # typed decoding may stop at a field before bad syntax
        return [FindingProblem("$", "invalid_json", str(exc))]
    problems = structural_problems(doc)
    if not isinstance(doc, dict):
        return problems
    # Check what can be checked against the standard too, so one round trip shows everything.
    table = compile_ruleset(ruleset)
    provider_types = doc.get("provider_types")
    scope = None
    if _fits(provider_types, "provider_types"):
        scope = table.scope(msgspec.convert(provider_types, tuple[ProviderType, ...]))
    ev = Evaluation(table, scope)
    ev.problems = problems
    _check_envelope(ev, doc.get("standard"), doc.get("provider_types") or ())
    with contextlib.suppress(msgspec.ValidationError):  # bad dates are already reported
        _check_dates(ev, *msgspec.convert([doc.get("started_on"), doc.get("ended_on")], _Dates))
    findings = doc.get("findings")
    if isinstance(findings, list):
        usable = [
            (i, f)
            for i, f in enumerate(findings)
            if isinstance(f, dict) and _fits(f.get("indicator"), "indicator", Finding)
        ]
        parsed = [
            Finding(indicator=f["indicator"], value=_loose(f.get("value", _UNCHECKED)))
            for _, f in usable
        ]
        _check_findings(ev, parsed, [i for i, _ in usable])
        problems += evidence_problems([(i, _strings(f.get("evidence"))) for i, f in usable])
    return problems


_Dates = tuple[dt.date, dt.date]


def _fits(value: Any, field: str, struct: type[msgspec.Struct] = Submission) -> bool:
    """Whether `value` is valid for a field of a struct (its type and constraints)."""
    types = {f.name: f.type for f in msgspec.structs.fields(struct)}
    try:
        msgspec.convert(value, types[field])
    except msgspec.ValidationError:
        return False
    return True


def _loose(value: Any) -> Any:
    return value if value is None or type(value) in (bool, int, float) else _UNCHECKED


def _strings(value: Any) -> list[str]:
    # Items of the wrong length are already reported; leaving them out keeps offsets exact.
    if not isinstance(value, list):
        return []
    return [v if isinstance(v, str) and len(v) == EVIDENCE_LENGTH else "" for v in value]
