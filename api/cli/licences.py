"""`rightsmark licences import --country PH FILE`: check every provider licence of a country
against its national register, as the authority publishes it (docs/assurance.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Column, Table

from api.cli.support import console, fail, run
from registry.errors import RegistryError


@click.group("licences")
def licences_group() -> None:
    """Check providers' licences against national licence registers."""


@licences_group.command("import")
@click.option(
    "--country",
    required=True,
    metavar="CC",
    help="The register's country: PH (DMW, CSV), NP (DoFE, JSON), GB (GLAA, CSV).",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--now", "now_text", metavar="ISO-DATETIME", help="Import as of this time (default: now)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def import_command(country: str, file: Path, now_text: str | None, as_json: bool) -> None:
    """Import FILE, the national licence register of --country, and check every provider
    licence of that country against it: all or nothing, logged. A licence found cancelled,
    suspended, delisted or banned suspends the provider's certificates; an expired one warns
    first. `rightsmark lifecycle run` applies the latest register of each country again."""
    from api.cli.verify.command import parse_now
    from registry.registers import service
    from registry.registers.formats import MAX_BYTES

    if file.stat().st_size > MAX_BYTES:
        fail(f"licences import: {file}: over {MAX_BYTES // 2**20} MB")
    data = file.read_bytes()
    now = parse_now(now_text) if now_text is not None else None
    try:
        outcome = run(service.import_register(country, data, file.name, "system:cli", now=now))
    except RegistryError as exc:
        fail(f"licences import: {exc}")
    if as_json:
        click.echo(json.dumps(outcome.to_dict(), indent=2, ensure_ascii=False))
        return
    console.print(
        f"imported {escape(outcome.authority)} register ({outcome.country}) as "
        f"{outcome.import_id}: {outcome.entries} entries, {outcome.matched} provider "
        f"licence(s) found, {outcome.changed} changed; log entry {outcome.log_index}",
        highlight=False,
        soft_wrap=True,
    )
    if outcome.changes:
        table = Table(
            Column("provider", no_wrap=True),
            Column("licence", no_wrap=True),
            Column("before"),
            Column("now"),
            Column("match"),
            title="Licences",
        )
        for c in outcome.changes:
            table.add_row(c.provider_id, escape(c.number), c.before or "-", c.after, c.match)
        console.print(table)
    for action in outcome.actions:
        console.print(
            f"{action.action}: {action.certificate} {escape(action.code)}: {escape(action.reason)}",
            highlight=False,
            soft_wrap=True,
        )
