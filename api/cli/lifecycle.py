"""`rightsmark lifecycle run`: apply the certificate lifecycle rules once (safe from cron)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import click
from rich.markup import escape
from rich.table import Column, Table

from api.cli.support import console, fail, run
from api.cli.verify.command import parse_now
from registry.clock import utc_now
from registry.errors import RegistryError


@click.group("lifecycle")
def lifecycle_group() -> None:
    """What time and surveillance audits do to certificates."""


@lifecycle_group.command("run")
@click.option(
    "--now", "now_text", metavar="ISO-DATETIME", help="Run as of this time (default: now)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--open-data/--no-open-data",
    default=True,
    help="Also write the day's open data export (DATA_DIR/open-data) if there is none yet.",
)
def run_command(now_text: str | None, as_json: bool, open_data: bool) -> None:
    """Flag overdue surveillance, suspend on a critical surveillance finding, report late
    corrective-action plans, escalate actions past their deadline and suspend after the
    standard's grace, revoke a suspension that outlived the standard's limit, record
    expiries, and apply the latest national licence register of each country again
    (licences listed since its import, expired licences past their grace), and write the
    day's open data export when there is none yet. Idempotent: a second run in the same
    situation changes nothing, so it is safe to run from cron."""
    from registry import surveillance as lifecycle
    from registry.registers import service as registers

    now = parse_now(now_text) if now_text is not None else utc_now()
    try:
        actions: list[Any] = [*run(lifecycle.run(now)), *run(registers.reapply(now))]
    except RegistryError as exc:
        fail(f"lifecycle: {exc}")
    ran_at = now.astimezone(UTC).isoformat().replace("+00:00", "Z")
    exported = _open_data(now) if open_data else None
    if as_json:
        body: dict[str, Any] = {"now": ran_at, "actions": [a.to_dict() for a in actions]}
        if open_data:
            body["open_data"] = exported
        click.echo(json.dumps(body, indent=2))
        return
    if exported is not None:
        console.print(f"open data: {escape(str(exported['message']))}", highlight=False)
    if not actions:
        console.print(f"lifecycle as of {ran_at}: nothing to do", highlight=False)
        return
    table = Table(
        Column("certificate", no_wrap=True),
        Column("code", no_wrap=True),
        Column("action", no_wrap=True),
        "reason",
        title=f"lifecycle as of {ran_at}",
    )
    for action in actions:
        table.add_row(action.certificate, action.code, action.action, escape(action.reason))
    console.print(table)
    console.print(f"{len(actions)} action(s)", highlight=False)


def _open_data(now: Any) -> dict[str, Any]:
    """The daily open data export (docs/open-data.md), once per UTC day. A failure (no
    signing key yet, a full disk) is reported and does not undo the lifecycle's changes."""
    from registry.errors import RegistryError
    from registry.opendata import export

    try:
        done = run(export.export_if_due(export.default_folder(), now))
    except (RegistryError, OSError) as exc:
        return {"exported": None, "message": f"not exported: {exc}"}
    if done is None:
        return {"exported": None, "message": "today's export already exists"}
    return {"exported": done.name, "message": f"exported {done.name} to {done.folder}"}
