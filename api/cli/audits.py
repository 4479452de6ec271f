"""`rightsmark audits ...`: findings templates and offline scoring with the published engine."""

from __future__ import annotations

import json
from pathlib import Path

import click
import msgspec
from rich.markup import escape

from api.cli.standards import _resolve
from api.cli.support import console, err, fail
from audits.scoring import parse_and_score
from audits.template import findings_template
from audits.validation import peek_standard
from standards.model import ProviderType


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
    ruleset = _resolve(standard)
    document = findings_template(ruleset, [ProviderType(t) for t in provider_types])
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@audits_group.command("score")
@click.argument("findings", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--standard", default=None, help="YAML file or slug@version (default: the file's).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def score(findings: Path, standard: str | None, as_json: bool) -> None:
    """Score a findings file with the published engine; same inputs, same report digest."""
    data = findings.read_bytes()
    ref = standard or peek_standard(data)
    if not ref:
        fail(f'{findings}: no "standard" field; pass --standard', 2)
    result = parse_and_score(_resolve(ref), data)
    if isinstance(result, list):
        for problem in result:
            err.print(
                f"[red]{escape(problem.path)}[/]: {escape(problem.message)} "
                + escape(f"[{problem.code}]"),
                highlight=False,
            )
        fail(f"{len(result)} problem(s) in {findings}", 1)
    if as_json:
        click.echo(msgspec.json.encode(result).decode())
        return
    console.print(
        f"score {result.score} grade {result.grade or '-'} "
        f"floor {'holds' if result.floor_holds else 'FAILS'}"
    )
    for nc in result.non_conformities:
        console.print(f"  {nc.class_} {nc.indicator}")
    console.print(f"inputs {result.inputs_digest}\nreport {result.report_digest}")
