"""`rightsmark standards ...`: lint, diff and publish rule sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from api.cli.support import console, err, fail, run

if TYPE_CHECKING:
    from standards.model import RuleSet


@click.group("standards")
def standards_group() -> None:
    """Author, check and publish standard versions."""


@standards_group.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def lint(paths: tuple[Path, ...]) -> None:
    """Report every problem in the given YAML files (or folders of them); exit 1 on errors."""
    from rich.markup import escape

    from standards.lint import lint_path

    files = [f for p in paths for f in (sorted(p.rglob("*.yaml")) if p.is_dir() else [p])]
    errors = warnings = 0
    for file in files:
        for problem in lint_path(file):
            colour = "red" if problem.severity == "error" else "yellow"
            err.print(f"[{colour}]{escape(str(problem))}[/]", highlight=False)
            errors += problem.severity == "error"
            warnings += problem.severity != "error"
    summary = f"{len(files)} file(s), {errors} error(s), {warnings} warning(s)"
    (err if errors else console).print(summary)
    if errors:
        raise SystemExit(1)


def _resolve(ref_or_path: str) -> RuleSet:
    """A rule set from a file path or `slug@version`; exit 2 with the reason if there is none."""
    from api.cli.rulesets import RuleSetNotFound, resolve

    try:
        return resolve(ref_or_path)
    except RuleSetNotFound as exc:
        fail(str(exc), 2)


def _short(value: object, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@standards_group.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def diff(old: str, new: str, as_json: bool) -> None:
    """Compare two versions (slug@version from the library, or YAML paths)."""
    from rich.table import Table

    from standards.diff import diff_rulesets

    result = diff_rulesets(_resolve(old), _resolve(new))
    data = result.to_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table("what", "where", "field", "old", "new", "bump", title=f"{old} -> {new}")
    for kind in ("indicators", "categories"):
        for item in data.get(f"{kind}_added", []):
            table.add_row(f"{kind[:-1]} added", str(item), "", "", "", "")
        for item in data.get(f"{kind}_removed", []):
            table.add_row(f"{kind[:-1]} removed", str(item), "", "", "", "")
        for item in data.get(f"{kind}_changed", []):
            for change in item.get("changes", []):
                table.add_row(
                    f"{kind[:-1]} changed",
                    str(item.get("id", "")),
                    str(change.get("field", "")),
                    _short(change.get("old")),
                    _short(change.get("new")),
                    str(change.get("bump", "")),
                )
    for change in data.get("rules_changed", []):
        table.add_row(
            "rule changed",
            "",
            str(change.get("field", "")),
            _short(change.get("old")),
            _short(change.get("new")),
            str(change.get("bump", "")),
        )
    console.print(table)
    console.print(f"implied version bump: [bold]{result.implied_bump}[/]")
    for reason in result.reasons:
        console.print(f"  - {reason}")


@standards_group.command("publish")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def publish(paths: tuple[Path, ...]) -> None:
    """Upload and publish rule sets into the registry database (identical ones: no-op)."""
    from registry.standards import service
    from standards.errors import StandardsError

    async def work() -> list[tuple[service.VersionSummary, bool]]:
        results = []
        for path in paths:
            summary, _ = await service.save_draft(path.read_bytes(), actor="cli")
            results.append(await service.publish(summary.slug, summary.version, actor="cli"))
        return results

    try:
        for summary, new in run(work()):
            state = "published" if new else "already published"
            console.print(f"{summary.slug}@{summary.version}: {state} ({summary.digest})")
    except StandardsError as exc:
        fail(str(exc), 2)


@standards_group.command("list")
def list_versions() -> None:
    """List versions in the registry database, drafts included."""
    from rich.table import Table

    from registry.standards import service

    table = Table("ref", "status", "digest", "effective")
    for v in run(service.list_versions(include_drafts=True)):
        table.add_row(f"{v.slug}@{v.version}", v.status, v.digest, v.effective_date.isoformat())
    console.print(table)
