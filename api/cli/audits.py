"""`rightsmark audits ...`: findings templates and offline scoring with the published engine.

`audits score` takes one findings file or many. Every file is scored before anything is
printed, so the output is all or nothing: when every file scores, stdout has one report per
file in the order given (with `--json`, one JSON report per line: exactly what scoring each
file alone prints, so the digests are the same); when any file cannot be scored, stdout stays
empty and stderr names each bad file with its problems. Exit code 2 when a file names no
standard or an unknown one (a usage error), else 1 when a file has problems, else 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from standards.model import ProviderType

if TYPE_CHECKING:
    from audits.model import FindingProblem, Report
    from standards.model import RuleSet


@click.group("audits")
def audits_group() -> None:
    """Work with assessments offline."""


@audits_group.command("template")
@click.argument("standard")
@click.option(
    "--provider-type",
    "provider_types",
    multiple=True,
    required=True,
    type=click.Choice([t.value for t in ProviderType]),
    help="The application's scope; repeat for several types.",
)
def template(standard: str, provider_types: tuple[str, ...]) -> None:
    """Print a findings template (JSON) for STANDARD (slug@version or a YAML path)."""
    from api.cli.standards import _resolve
    from audits.template import findings_template

    ruleset = _resolve(standard)
    document = findings_template(ruleset, [ProviderType(t) for t in provider_types])
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@dataclass
class Scored:
    """One findings file's outcome: its report, or why it has none (and the exit code)."""

    path: Path
    report: Report | None = None
    problems: list[FindingProblem] | None = None
    error: str | None = None  # no standard, an unknown one, an unreadable file: exit 2


def score_files(paths: list[Path], standard: str | None) -> list[Scored]:
    """Score every file; each rule set is loaded once however many files name it."""
    from api.cli.rulesets import RuleSetNotFound, resolve
    from audits.scoring import parse_and_score
    from audits.validation import peek_standard

    rulesets: dict[str, RuleSet | RuleSetNotFound] = {}
    outcomes: list[Scored] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            outcomes.append(Scored(path, error=f"{path}: cannot read: {exc.strerror}"))
            continue
        ref = standard or peek_standard(data)
        if not ref:
            outcomes.append(Scored(path, error=f'{path}: no "standard" field; pass --standard'))
            continue
        if ref not in rulesets:
            try:
                rulesets[ref] = resolve(ref)
            except RuleSetNotFound as exc:
                rulesets[ref] = exc
        ruleset = rulesets[ref]
        if isinstance(ruleset, RuleSetNotFound):
            outcomes.append(Scored(path, error=f"{path}: {ruleset}"))
            continue
        result = parse_and_score(ruleset, data)
        if isinstance(result, list):
            outcomes.append(Scored(path, problems=result))
        else:
            outcomes.append(Scored(path, report=result))
    return outcomes


@audits_group.command("score")
@click.argument(
    "findings",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--standard", default=None, help="YAML file or slug@version (default: the file's).")
@click.option("--json", "as_json", is_flag=True, help="Print each report as JSON, one per line.")
def score(findings: tuple[Path, ...], standard: str | None, as_json: bool) -> None:
    """Score findings files with the published engine; same inputs, same report digest.
    Several files: every one is scored before anything is printed, and one that cannot be
    scored means no report at all (each bad file and its problems are named on stderr)."""
    outcomes = score_files(list(findings), standard)
    bad = [outcome for outcome in outcomes if outcome.report is None]
    if bad:
        _fail_for(bad, len(outcomes))
    several = len(outcomes) > 1
    for outcome in outcomes:
        assert outcome.report is not None
        if as_json:
            import msgspec

            click.echo(msgspec.json.encode(outcome.report).decode())
        else:
            _print_report(outcome.report, outcome.path if several else None)


def _fail_for(bad: list[Scored], total: int) -> None:
    from rich.markup import escape

    from api.cli.support import err, fail

    for outcome in bad:
        if outcome.error is not None:
            err.print(f"[bold red]error:[/] {escape(outcome.error)}", highlight=False)
            continue
        problems = outcome.problems or []
        for problem in problems:
            err.print(
                f"[red]{escape(problem.path)}[/]: {escape(problem.message)} "
                + escape(f"[{problem.code}]"),
                highlight=False,
            )
        err.print(
            f"[bold red]error:[/] {escape(f'{len(problems)} problem(s) in {outcome.path}')}",
            highlight=False,
        )
    code = 2 if any(outcome.error is not None for outcome in bad) else 1
    if total == 1:
        raise SystemExit(code)
    fail(f"{len(bad)} of {total} findings files cannot be scored: no report printed", code)


def _print_report(report: Report, path: Path | None) -> None:
    """Plain lines (no rich: scoring is run often, and its start-up is kept short)."""
    if path is not None:
        click.echo(f"{path}:")
    click.echo(
        f"score {report.score} grade {report.grade or '-'} "
        f"floor {'holds' if report.floor_holds else 'FAILS'}"
    )
    for nc in report.non_conformities:
        click.echo(f"  {nc.class_} {nc.indicator}")
    click.echo(f"inputs {report.inputs_digest}\nreport {report.report_digest}")
