"""The `rightsmark` command line, run as a real process against a real SQLite file."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from audits.template import passing_value
from standards.loader import load_ruleset
from tests.support.paths import PROJECT_ROOT

RIGHTSMARK = [sys.executable, "-c", "from api.cli.main import main; main()"]


def cli(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "RIGHTSMARK_DATA_DIR": str(data_dir),
        "RIGHTSMARK_DATABASE_URL": "",
        "COLUMNS": "200",
        **(env or {}),
    }
    return subprocess.run(
        [*RIGHTSMARK, *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli-data")
    result = cli("init", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def test_init_publishes_library_and_prints_the_first_token_once(initialised: Path) -> None:
    token_file = initialised / "secretariat-token"
    token = token_file.read_text().strip()
    assert token.startswith("rm_")
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    again = cli("init", data_dir=initialised)
    assert again.returncode == 0, again.stderr
    assert "already published" in again.stdout
    assert "rm_" not in again.stdout  # a second init creates no second secretariat
    listed = cli("standards", "list", data_dir=initialised)
    assert "core-rights@1.0.0" in listed.stdout
    assert "published" in listed.stdout


def test_accounts_create_list_revoke(initialised: Path) -> None:
    created = cli(
        "accounts", "create", "--name", "Ana Auditor", "--role", "auditor", data_dir=initialised
    )
    assert created.returncode == 0, created.stderr
    account_id = created.stdout.split()[1]
    assert account_id.startswith("acc_")
    assert "rm_" in created.stdout
    listed = cli("accounts", "list", "--role", "auditor", data_dir=initialised)
    assert account_id in listed.stdout
    assert "active" in listed.stdout
    token = cli("accounts", "token", account_id, "--ttl-days", "7", data_dir=initialised)
    assert token.returncode == 0
    assert "rm_" in token.stdout
    revoked = cli("accounts", "revoke", account_id, data_dir=initialised)
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in cli("accounts", "list", data_dir=initialised).stdout
    twice = cli("accounts", "revoke", account_id, data_dir=initialised)
    assert twice.returncode == 2
    assert "already revoked" in twice.stderr
    assert "Traceback" not in twice.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accounts", "revoke", "acc_nope"], "does not exist"),
        (
            ["accounts", "create", "--name", "P", "--role", "provider", "--provider-id", "null"],
            "not a registry id",
        ),
        (["accounts", "create", "--name", "X", "--role", "wizard"], "Invalid value"),
    ],
)
def test_account_errors_are_clear(initialised: Path, args: list[str], message: str) -> None:
    result = cli(*args, data_dir=initialised)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_lint_library_is_clean(tmp_path: Path) -> None:
    result = cli("standards", "lint", "standards/library", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stdout


def test_lint_reports_every_problem_with_file_line_and_code(tmp_path: Path) -> None:
    folder = tmp_path / "core-rights"
    folder.mkdir()
    source = (PROJECT_ROOT / "standards/library/core-rights/1.0.0.yaml").read_text()
    broken = source.replace("pass_mark: 3", "pass_mark: 7", 1)
    broken = re.sub(r"^title:", "colour: blue\ntitle:", broken, count=1, flags=re.M)
    bad = folder / "2.0.0.yaml"
    bad.write_text(broken)
    result = cli("standards", "lint", str(bad), data_dir=tmp_path)
    assert result.returncode == 1
    assert f"{bad}:" in result.stderr
    assert "pass_mark" in result.stderr
    assert "colour" in result.stderr
    assert "2 error(s)" in result.stderr
    assert "[" in result.stderr


def test_diff_names_changes_and_implied_bump(tmp_path: Path) -> None:
    result = cli(
        "standards", "diff", "core-rights@1.0.0", "core-rights@1.1.0", "--json", data_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert diff["indicators_added"] == ["WAG-4"]
    assert diff["implied_bump"] == "minor"
    human = cli("standards", "diff", "core-rights@1.0.0", "core-rights@1.1.0", data_dir=tmp_path)
    assert "WAG-4" in human.stdout
    assert "implied version bump: minor" in human.stdout
    missing = cli("standards", "diff", "core-rights@1.0.0", "core-rights@9.0.0", data_dir=tmp_path)
    assert missing.returncode == 2


def test_template_filled_in_scores_the_same_every_time(tmp_path: Path) -> None:
    result = cli(
        "audits", "template", "core-rights@1.0.0", "--provider-type", "recruiter", data_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    ruleset = load_ruleset(PROJECT_ROOT / "standards/library/core-rights/1.0.0.yaml")
    for finding in document["findings"]:
        indicator = ruleset.indicator(finding["indicator"])
        assert indicator is not None
        finding["value"] = passing_value(indicator.measure)
    document.update(
        audit_type="initial",
        started_on="2026-03-02",
        ended_on="2026-03-04",
        sites=[{"name": "Head office", "country": "PH", "address": "Manila"}],
        workers_interviewed=25,
    )
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps(document))
    first = cli("audits", "score", str(findings), "--json", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["grade"] == "gold"
    assert report["floor_holds"] is True
    second = cli("audits", "score", str(findings), "--json", data_dir=tmp_path)
    assert json.loads(second.stdout)["report_digest"] == report["report_digest"]
    document["findings"][0]["value"] = "many"
    findings.write_text(json.dumps(document))
    invalid = cli("audits", "score", str(findings), data_dir=tmp_path)
    assert invalid.returncode == 1
    assert "$.findings[0].value" in invalid.stderr


def test_invalid_settings_fail_cleanly(tmp_path: Path) -> None:
    result = cli("init", data_dir=tmp_path, env={"RIGHTSMARK_DATABASE_URL": "mysql://x"})
    assert result.returncode == 2
    assert "RIGHTSMARK_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
