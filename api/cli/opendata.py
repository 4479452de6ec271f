"""`rightsmark opendata`: write the signed open data export, and check one (docs/open-data.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from api.cli.support import console, err, fail, run


@click.group("opendata")
def opendata_group() -> None:
    """The public register as signed open data: export it, verify an export."""


@opendata_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write today's export (UTC date) to DIRECTORY/<date>/ and point DIRECTORY/LATEST at
    it: providers, certificates and standards as CSV and JSON Lines, the data dictionary,
    the licence (CC BY 4.0), the log checkpoint and a manifest with the SHA-256 of every
    file, signed by the registry's signing key. An export of the same day is replaced."""
    from registry.errors import RegistryError
    from registry.opendata import export

    try:
        done = run(export.export(directory))
    except RegistryError as exc:
        fail(f"opendata export: {exc}")
    counts = ", ".join(
        f"{name.removesuffix('.csv')} {n}" for name, n in done.rows.items() if name.endswith(".csv")
    )
    console.print(
        f"open data exported to {escape(str(done.folder))}: {counts}; "
        f"log size {done.log_size}, checkpoint {done.checkpoint_size}",
        highlight=False,
    )


def _text_from(source: str, timeout: float = 10.0) -> str:
    """A file's text, or a URL's (http or https)."""
    if source.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(source, timeout=timeout, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            fail(f"cannot fetch {source}: {exc}", 2)
        return response.text
    path = Path(source)
    if not path.is_file():
        fail(f"{source}: no such file", 2)
    return path.read_text()


@opendata_group.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--registry",
    metavar="URL",
    help="Take the DID document and the log key from this registry (/.well-known/did.json, "
    "/log/key) instead of the export's own copies.",
)
@click.option("--did", "did_source", metavar="FILE|URL", help="The registry's DID document.")
@click.option("--log-key", "log_key_source", metavar="KEY|FILE|URL", help="The log's note key.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def verify_command(
    directory: Path,
    registry: str | None,
    did_source: str | None,
    log_key_source: str | None,
    as_json: bool,
) -> None:
    """Check an export in DIRECTORY (a dated folder, or the folder holding LATEST): the
    manifest's signature, every file's SHA-256 (and that nothing was added), the signed log
    checkpoint and that it covers the data. Exit 0 when all hold, 1 when one fails, 2 when
    something could not be read."""
    from registry.opendata.export import latest_name
    from registry.opendata.verify import verify_bundle

    if not (directory / "manifest.json").is_file() and (name := latest_name(directory)):
        directory = directory / name
    if registry:
        base = registry.rstrip("/")
        did_source = did_source or f"{base}/.well-known/did.json"
        log_key_source = log_key_source or f"{base}/log/key"
    did: Any = None
    if did_source:
        try:
            did = json.loads(_text_from(did_source))
        except ValueError:
            fail(f"{did_source} is not a JSON DID document", 2)
    log_key = None
    if log_key_source:
        looks_like_key = "+" in log_key_source and not Path(log_key_source).exists()
        log_key = (log_key_source if looks_like_key else _text_from(log_key_source)).strip()
    report = verify_bundle(directory, did_document=did, log_key=log_key)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "checks": [
                        {"name": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks
                    ],
                },
                indent=2,
            )
        )
    else:
        for check in report.checks:
            mark = "[green]PASS[/]" if check.ok else "[bold red]FAIL[/]"
            (console if check.ok else err).print(
                f"{mark} {check.name}: {escape(check.detail)}", highlight=False
            )
        console.print(
            f"open data export {escape(str(directory))}: "
            + ("VALID" if report.ok else "NOT VALID"),
            highlight=False,
        )
    if not report.ok:
        raise SystemExit(1)
