"""The engine on the shipped core-rights standard, and the benchmark's plumbing."""

from __future__ import annotations

import datetime as dt
import gc
import json

import pytest

from audits.decision import decide
from audits.lookup import _compiled, compile_ruleset
from audits.model import Finding
from audits.scoring import parse_and_score, score, score_validated
from audits.validation import parse_submission
from bench import scoring as bench
from standards.digest import ruleset_digest
from standards.model import ProviderType, RuleSet
from tests.unit.audits.rulesets import YES, category, indicator, load_library, make_ruleset


def test_the_benchmark_submission_is_a_full_passing_one(core_rights: RuleSet) -> None:
    data = bench.example_submission(core_rights)
    report = parse_and_score(core_rights, data)
    assert not isinstance(report, list), report
    assert len(json.loads(data)["findings"]) == 37
    assert (report.score, report.grade, report.floor_holds) == (100, "gold", True)
    assert report.standard_digest == ruleset_digest(core_rights)


def test_a_fee_charged_to_one_worker_suspends_and_refuses(core_rights: RuleSet) -> None:
    doc = json.loads(bench.example_submission(core_rights))
    fee = next(f for f in doc["findings"] if f["indicator"] == "FEE-1")
    fee["value"] = 1
    report = parse_and_score(core_rights, json.dumps(doc).encode())
    assert not isinstance(report, list)
    assert not report.floor_holds
    assert report.grade is None
    (nc,) = report.non_conformities
    assert (nc.indicator, nc.class_, nc.suspends_certificate) == ("FEE-1", "critical", True)
    decision = decide(report, core_rights)
    assert decision.outcome == "not_certified"
    assert decision.reasons[0].startswith("Core indicator FEE-1 failed: No worker pays")


def test_run_reports_rates_and_ratios(core_rights: RuleSet) -> None:
    figures = bench.run(core_rights, bench.example_submission(core_rights), seconds=0.15)
    assert set(figures) == {
        "json_loads_per_s",
        "scoring_engine_per_s",
        "parse_validate_score_per_s",
        "scoring_engine_vs_json_loads",
        "full_vs_json_loads",
        "bytes",
        "findings",
    }
    assert all(value > 0 for value in figures.values())


def test_compiled_tables_are_cached_by_identity_and_released_with_the_rule_set() -> None:
    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", YES)))
    assert compile_ruleset(ruleset) is compile_ruleset(ruleset)
    key = id(ruleset)
    assert key in _compiled
    del ruleset
    gc.collect()
    assert key not in _compiled


def test_equal_rule_sets_compile_alike() -> None:
    a, b = load_library(), load_library()
    assert compile_ruleset(a) is not compile_ruleset(b)
    assert compile_ruleset(a).digest == compile_ruleset(b).digest


def test_the_scoring_engine_agrees_with_score_on_the_example(core_rights: RuleSet) -> None:
    submission = parse_submission(core_rights, bench.example_submission(core_rights))
    assert not isinstance(submission, list)
    report = score(core_rights, submission)
    table = compile_ruleset(core_rights)
    scope = table.scope(submission.provider_types)
    scored = score_validated(table, scope, submission.findings, submission.ended_on)
    assert scored.indicators == report.indicators
    assert scored.categories == report.categories
    assert (scored.score, scored.floor_holds, scored.grade) == (
        report.score,
        report.floor_holds,
        report.grade,
    )
    assert scored.non_conformities == report.non_conformities


def test_the_scoring_engine_refuses_an_unchecked_value_and_caches_nothing() -> None:
    ruleset = make_ruleset(category("CAT", 1, indicator("CAT-1", YES)))
    table = compile_ruleset(ruleset)
    scope = table.scope([ProviderType.RECRUITER])
    with pytest.raises(ValueError, match="validate it first"):
        score_validated(table, scope, [Finding(indicator="CAT-1", value=1)], dt.date(2025, 1, 1))
    assert not table.indicators["CAT-1"].scored
