"""`rightsmark verify FILE...`: offline verification of certificates with the one engine.

Needs no database: only the pure verification engine, the pure did:web helper and httpx are
used (httpx imported on the first fetch only). The trust anchor is the registry's DID
document (`--did` FILE or URL, or fetched from `--registry`); status list credentials come
from `--status` files or URLs, else from the URL a certificate names (unless `--offline`).
Every fetch has a timeout and a size limit, and each URL is fetched at most once per run.

One more named check, `log`, follows the engine's: the certificate's issuance in the
registry's transparency log, from a tlog-proof bundle (`--log-proof`, or fetched from
`--registry`) checked against the log's note key (`--log-key`, else `<registry>/log/key`).
It is skipped, with the reason, when no bundle can be had.

Exit codes: 0 when every certificate is valid, 1 when any is not, 2 for usage and input
errors (an unreadable file, a bad DID document) - always with a one-line message.

The command and its orchestration live here; `api.cli.verify.sources` reads and fetches the
documents, `api.cli.verify.setup` holds the trust anchor and runs the checks, and
`api.cli.verify.report` prints the results.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from api.cli.support import console, err, fail
from api.cli.verify.report import Result, print_json, print_summary, print_verdict
from api.cli.verify.setup import Setup, build_setup
from api.cli.verify.sources import Fetcher, InputError, batch_sources, load_documents


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time", param_hint="--now"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


# --- the command ----------------------------------------------------------------------------------


@click.command("verify")
@click.argument("files", nargs=-1)
@click.option("--did", "did_source", metavar="FILE|URL", help="The issuer's DID document.")
@click.option(
    "--issuer", metavar="DID", help="The DID the document must be (default: the document's id)."
)
@click.option(
    "--status",
    "status_sources",
    metavar="FILE|URL",
    multiple=True,
    help="A status list credential (repeatable); others are fetched from their URL.",
)
@click.option(
    "--registry",
    metavar="URL",
    help="The registry: its DID document when --did is not given, and the standard check.",
)
@click.option(
    "--log-proof",
    "log_proof_sources",
    metavar="FILE|URL",
    multiple=True,
    help="A transparency-log proof bundle (repeatable; default: fetched from --registry).",
)
@click.option(
    "--log-key",
    metavar="KEY|FILE|URL",
    help="The log's note verifier key (default: <registry>/log/key).",
)
@click.option("--offline", is_flag=True, help="Fetch nothing: status lists not given fail.")
@click.option(
    "--batch",
    "batch",
    type=click.Path(exists=True, path_type=Path),
    help="A folder (every *.json) or a CSV of certificate URLs (column `url`, else the first).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", help="Verify as of this time.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 300),
    default=10.0,
    show_default=True,
    help="Seconds allowed for each HTTP fetch.",
)
def verify_command(
    files: tuple[str, ...],
    did_source: str | None,
    issuer: str | None,
    status_sources: tuple[str, ...],
    registry: str | None,
    log_proof_sources: tuple[str, ...],
    log_key: str | None,
    offline: bool,
    batch: Path | None,
    as_json: bool,
    now_text: str | None,
    timeout: float,
) -> None:
    """Verify certificates offline (no database): each FILE is a path, an http(s) URL (e.g.
    the credential's id) or - for standard input. Exit 0 only when every certificate is
    valid, 1 when any is not, 2 on usage or input errors."""
    now = parse_now(now_text)
    if not files and batch is None:
        raise click.UsageError("give at least one FILE or --batch PATH")
    if offline and registry is not None and did_source is None:
        raise click.UsageError("--offline needs the DID document as a file (--did)")
    fetcher = Fetcher(timeout=timeout, offline=offline)
    try:
        try:
            setup = build_setup(
                fetcher=fetcher,
                did_source=did_source,
                issuer=issuer,
                status_sources=status_sources,
                registry=registry,
                now=now,
                log_proof_sources=log_proof_sources,
                log_key=log_key,
            )
            if batch is None:
                _single(setup, list(files), as_json)
            sources = list(files) + batch_sources(batch)
        except InputError as exc:
            fail(str(exc), 2)
        if not sources:
            fail(f"{batch}: no certificates found", 2)
        _batch(setup, sources, as_json)
    finally:
        fetcher.close()


def _single(setup: Setup, sources: list[str], as_json: bool) -> NoReturn:
    documents = [(source, setup.fetcher.json(source)) for source in sources]  # all or exit 2
    results = [Result(source, setup.verify(document)) for source, document in documents]
    if as_json:
        print_json(results, batch=False)
    else:
        for result in results:
            print_verdict(result)
        if len(results) > 1:
            valid = sum(1 for result in results if result.valid)
            console.print(f"{valid} valid, {len(results) - valid} not valid")
    sys.exit(0 if all(result.valid for result in results) else 1)


def _batch(setup: Setup, sources: list[str], as_json: bool) -> NoReturn:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    results: list[Result] = []
    progress = Progress(
        TextColumn("verifying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    with progress:
        task = progress.add_task("verify", total=len(sources))
        for source, document in load_documents(setup.fetcher, sources):
            if isinstance(document, InputError):
                results.append(Result(source, None, str(document)))
            else:
                results.append(Result(source, setup.verify(document)))
            progress.advance(task)
    if as_json:
        print_json(results, batch=True)
    else:
        print_summary(results)
    if any(result.verdict is None for result in results):
        sys.exit(2)
    sys.exit(0 if all(result.valid for result in results) else 1)
