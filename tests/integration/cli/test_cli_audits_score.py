"""`rightsmark audits score` with several findings files: one report each, the digests of
scoring them one by one, and all or nothing - a bad file means no report on stdout and the
file named on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audits.template import findings_template, passing_value
from standards.loader import load_ruleset
from standards.model import ProviderType
from tests.support.paths import LIBRARY
from tests.support.server import cli


def findings(workers: int) -> dict[str, Any]:
    """A passing core-rights submission; `workers` varies the inputs (and so the digests)."""
    ruleset = load_ruleset(LIBRARY / "core-rights" / "1.0.0.yaml")
    document: dict[str, Any] = findings_template(ruleset, [ProviderType.RECRUITER])
    for finding in document["findings"]:
        indicator = ruleset.indicator(finding["indicator"])
        assert indicator is not None
        finding["value"] = passing_value(indicator.measure)
    document.update(
        audit_type="initial",
        started_on="2026-03-02",
        ended_on="2026-03-04",
        sites=[{"name": "Head office", "country": "PH", "address": "Manila"}],
        workers_interviewed=workers,
    )
    return document


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("findings")
    paths = {}
    for name, workers in (("a", 25), ("b", 40), ("c", 61)):
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(json.dumps(findings(workers)))
    invalid = findings(25)
    invalid["findings"][0]["value"] = "many"
    paths["invalid"] = folder / "invalid.json"
    paths["invalid"].write_text(json.dumps(invalid))
    unnamed = findings(25)
    del unnamed["standard"]
    paths["unnamed"] = folder / "unnamed.json"
    paths["unnamed"].write_text(json.dumps(unnamed))
    return paths


def test_several_files_give_the_reports_of_scoring_each_alone(files: dict[str, Path]) -> None:
    alone = []
    for name in ("a", "b", "c"):
        result = cli("audits", "score", str(files[name]), "--json")
        assert result.returncode == 0, result.stderr
        alone.append(result.stdout)
    together = cli("audits", "score", str(files["a"]), str(files["b"]), str(files["c"]), "--json")
    assert together.returncode == 0, together.stderr
    assert together.stdout == "".join(alone)  # one JSON report per line, in the order given
    reports = [json.loads(line) for line in together.stdout.splitlines()]
    assert len({report["report_digest"] for report in reports}) == 3
    assert len({report["inputs_digest"] for report in reports}) == 3


def test_several_files_in_text_name_each_report(files: dict[str, Path]) -> None:
    result = cli("audits", "score", str(files["a"]), str(files["b"]))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{files['a']}:"
    assert f"{files['b']}:" in lines
    assert sum(line.startswith("report sha256:") for line in lines) == 2


def test_one_bad_file_means_no_report_and_names_the_file(files: dict[str, Path]) -> None:
    result = cli("audits", "score", str(files["a"]), str(files["invalid"]), str(files["b"]))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "$.findings[0].value" in result.stderr
    assert f"problem(s) in {files['invalid']}" in result.stderr
    assert str(files["a"]) not in result.stderr
    assert "1 of 3 findings files cannot be scored" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_naming_no_standard_is_a_usage_error(files: dict[str, Path]) -> None:
    result = cli("audits", "score", str(files["invalid"]), str(files["unnamed"]), "--json")
    assert result.returncode == 2  # the worse of the two: a usage error
    assert result.stdout == ""
    assert f'{files["unnamed"]}: no "standard" field' in result.stderr
    assert f"problem(s) in {files['invalid']}" in result.stderr
