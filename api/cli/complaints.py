"""`rightsmark complaints erase`: erase complainants' personal data, of one case on request
or of every case past the retention period (safe from cron)."""

from __future__ import annotations

import json

import click

from api.cli.support import console, fail, run
from registry.errors import RegistryError


@click.group("complaints")
def complaints_group() -> None:
    """Erase complainants' personal data on request or after the retention period."""


@complaints_group.command("erase")
@click.argument("reference", required=False)
@click.option(
    "--expired",
    is_flag=True,
    help="Erase every case closed longer ago than RIGHTSMARK_COMPLAINT_RETENTION_DAYS.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def erase_command(reference: str | None, expired: bool, as_json: bool) -> None:
    """Erase the contact details, description, messages, reasons and file names of the case
    REFERENCE, or with --expired of every case past the retention period. The case's counts
    and the transparency log are kept."""
    from registry.complaints import retention

    if (reference is None) == (not expired):
        fail("name one REFERENCE or give --expired")
    try:
        if expired:
            erased = run(retention.erase_expired())
        else:
            assert reference is not None
            run(retention.erase(reference, None, label="system:cli"))
            erased = [reference]
    except RegistryError as exc:
        fail(f"complaints erase: {exc}")
    if as_json:
        click.echo(json.dumps({"erased": erased}))
        return
    console.print(f"erased {len(erased)} case(s) {' '.join(erased)}".rstrip(), highlight=False)
