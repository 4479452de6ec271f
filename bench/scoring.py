"""Micro-benchmark of the submission path, against `json.loads` of the same bytes.

`run` measures, interleaved in one run so that the figures share the machine's state:
`json.loads` alone; the scoring engine proper (`score_validated`: validated findings ->
scores, grade, non-conformities, the very function `score()` and `parse_and_score()` call);
and the whole path from bytes to a report with both digests (`parse_and_score`). `python -m
bench.scoring` prints them for the core-rights library standard; tests never assert on time.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from audits.lookup import compile_ruleset
from audits.scoring import parse_and_score, score_validated
from audits.template import findings_template, passing_value
from audits.validation import parse_submission
from standards.model import ProviderType, RuleSet

LIBRARY = Path(__file__).resolve().parent.parent / "standards" / "library"

_NOTES = (
    "Reviewed {n} worker files against the client contracts and the fee ledger; interviewed "
    "{m} workers in their own language without management present. Consistent with records."
)


def run(ruleset: RuleSet, findings_json: bytes, seconds: float = 3.0) -> dict[str, float]:
    """Rates per second (medians of 5 interleaved rounds) and their ratios to json.loads."""
    submission = parse_submission(ruleset, findings_json)
    if isinstance(submission, list):
        raise ValueError(f"the benchmark submission is invalid: {submission[:3]}")
    table = compile_ruleset(ruleset)
    scope = table.scope(submission.provider_types)
    findings, as_of = submission.findings, submission.ended_on
    cases: dict[str, Callable[[], object]] = {
        "json_loads": lambda: json.loads(findings_json),
        "scoring_engine": lambda: score_validated(table, scope, findings, as_of),
        "parse_validate_score": lambda: parse_and_score(ruleset, findings_json),
    }
    rounds = 5
    rates: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            rates[name].append(_rate(case, seconds / (rounds * len(cases))))
    result = {f"{name}_per_s": statistics.median(r) for name, r in rates.items()}
    base = result["json_loads_per_s"]
    result["scoring_engine_vs_json_loads"] = result["scoring_engine_per_s"] / base
    result["full_vs_json_loads"] = result["parse_validate_score_per_s"] / base
    result["bytes"] = float(len(findings_json))
    result["findings"] = float(len(submission.findings))
    return result


def _rate(case: Callable[[], object], budget: float) -> float:
    batch, spent, done = 16, 0.0, 0
    while spent < budget:
        start = time.perf_counter()
        for _ in range(batch):
            case()
        spent += time.perf_counter() - start
        done += batch
        batch *= 2 if spent < budget / 4 else 1
    return done / spent


def example_submission(
    ruleset: RuleSet, provider_types: Sequence[ProviderType] = (ProviderType.RECRUITER,)
) -> bytes:
    """A realistic full submission that passes everything: notes and two evidence digests."""
    doc: dict[str, Any] = findings_template(ruleset, provider_types)
    del doc["indicators_help"]
    doc.update(
        audit_type="initial",
        started_on="2025-03-03",
        ended_on="2025-03-07",
        workers_interviewed=24,
        sites=[
            {"name": "Head office", "country": "NP", "address": "Kathmandu"},
            {"name": "Branch office", "country": "NP", "address": "Pokhara"},
        ],
    )
    measures = {i.id: i.measure for _, i in ruleset.indicators()}
    for n, finding in enumerate(doc["findings"]):
        finding["value"] = passing_value(measures[finding["indicator"]])
        finding["notes"] = _NOTES.format(n=20 + n, m=8 + n % 5)
        finding["evidence"] = [
            "sha256:" + hashlib.sha256(f"{finding['indicator']}/{k}".encode()).hexdigest()
            for k in range(2)
        ]
    return json.dumps(doc, ensure_ascii=False).encode()


def main() -> None:  # pragma: no cover - a command, exercised by `make bench`
    # Imported here: the benchmark module stays import-light.
    from standards.loader import load_ruleset

    ruleset = load_ruleset(LIBRARY / "core-rights" / "1.0.0.yaml")
    data = example_submission(ruleset)
    for key, value in run(ruleset, data).items():
        print(f"{key:28s} {value:12,.2f}")


if __name__ == "__main__":  # pragma: no cover
    main()
