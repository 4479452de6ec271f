"""`rightsmark`: the one command line of the registry (click + rich).

Start-up is kept short: this module imports click and nothing heavy. Each command group lives
in its own module, imported only when that command runs or shows its help (`LazyGroup`), and
`init` and `serve` import what they use inside their bodies. `tests/unit/cli` checks that
importing this module loads neither the database layer (piccolo) nor the HTTP stack.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Final

import click

from api.cli.lazy import LazyCommand, LazyGroup

if TYPE_CHECKING:
    from pydantic import ValidationError

# name -> where the command is and its first sentence (`rightsmark --help` lists that without
# importing the command; a test holds each summary to the loaded command's own help).
LAZY_COMMANDS: Final = {
    "accounts": LazyCommand(
        "api.cli.accounts:accounts_group", "Create, list and revoke accounts and their tokens."
    ),
    "audits": LazyCommand("api.cli.audits:audits_group", "Work with assessments offline."),
    "complaints": LazyCommand(
        "api.cli.complaints:complaints_group",
        "Erase complainants' personal data on request or after the retention period.",
    ),
    "deliver": LazyCommand(
        "api.cli.deliver:deliver_command",
        "Fan out the outbox's events to subscriptions and deliver what is due (webhooks and "
        "e-mail), once (the default: until nothing is due) or with --loop.",
    ),
    "export": LazyCommand(
        "api.cli.backup:export_command",
        "Write a consistent snapshot of the registry to the new zip file ARCHIVE while it "
        "keeps serving: every table, the evidence files, the public keys and DID document, "
        "and a manifest with the SHA-256 of every member and the log's size and root.",
    ),
    "import": LazyCommand(
        "api.cli.backup:import_command",
        "Restore ARCHIVE into the configured database, which must be empty (any engine).",
    ),
    "keys": LazyCommand(
        "api.cli.keys:keys_group",
        "Generate, rotate, list and mark compromised the registry's signing keys.",
    ),
    "licences": LazyCommand(
        "api.cli.licences:licences_group",
        "Check providers' licences against national licence registers.",
    ),
    "lifecycle": LazyCommand(
        "api.cli.lifecycle:lifecycle_group",
        "What time and surveillance audits do to certificates.",
    ),
    "log": LazyCommand("api.cli.log:log_group", "The registry's public transparency log."),
    "opendata": LazyCommand(
        "api.cli.opendata:opendata_group",
        "The public register as signed open data: export it, verify an export.",
    ),
    "standards": LazyCommand(
        "api.cli.standards:standards_group", "Author, check and publish standard versions."
    ),
    "verify": LazyCommand(
        "api.cli.verify.command:verify_command",
        "Verify certificates offline (no database): each FILE is a path, an http(s) URL (e.g. "
        "the credential's id) or - for standard input.",
    ),
}

# Commands that never read the settings: they skip the settings check (and its imports).
WITHOUT_SETTINGS: Final = frozenset({"verify", "log"})


def _settings_problems(exc: ValidationError) -> str:
    return "; ".join(
        f"RIGHTSMARK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
    )


@click.group(cls=LazyGroup, lazy=LAZY_COMMANDS)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Rightsmark registry: standards, audits and verifiable certificates."""
    if ctx.invoked_subcommand in WITHOUT_SETTINGS:
        return
    from pydantic import ValidationError

    from registry.settings import get_settings

    try:
        get_settings()
    except ValidationError as exc:
        from api.cli.support import fail

        fail(f"invalid settings: {_settings_problems(exc)}", 2)


@main.command()
@click.option(
    "--demo/--no-demo",
    default=False,
    help="Seed the demo data set (providers, assessments, certificates in every state) "
    "into an empty registry.",
)
def init(demo: bool) -> None:
    """Create or upgrade the database, publish the standards library, create the first
    secretariat account if there is none (its token is printed once and written to the data
    folder) and a signing key. Safe to run again: it keeps all data."""
    import contextlib
    import io

    from api.cli.support import console, fail, run
    from registry import accounts
    from registry.db.database import migrate
    from registry.settings import get_settings
    from registry.standards import service

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings.data_dir.chmod(0o700)  # evidence, sessions, keys and the database live here

    async def work() -> tuple[list[Any], str | None]:
        with contextlib.redirect_stdout(io.StringIO()):  # Piccolo's migration chatter
            await migrate()
        published = await service.publish_library(settings.standards_library, actor="system:init")
        token = None
        if not await accounts.has_active_secretariat():
            _, token, _ = await accounts.create_account(
                name="Secretariat",
                role=accounts.Role.SECRETARIAT,
                actor="system:init",
                ttl_days=settings.token_ttl_days,
            )
        return published, token

    from standards.errors import StandardsError

    try:
        published, token = run(work())
    except StandardsError as exc:
        fail(f"standards library: {exc}")
        return
    for summary, new in published:
        state = "published" if new else "already published"
        console.print(f"standard {summary.slug}@{summary.version}: {state} ({summary.digest})")
    if token:
        token_file = settings.data_dir / "secretariat-token"
        # Created owner-only from the first byte: the token is a secretariat credential.
        descriptor = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(token + "\n")
        console.print(f"[bold]First secretariat token[/] (shown once, also in {token_file}):")
        console.print(token, highlight=False, soft_wrap=True)
    from registry.signing.errors import SigningError

    try:
        console.print(run(_prepare_signing()), highlight=False, soft_wrap=True)
    except SigningError as exc:
        fail(f"signing keys: {exc}")
    if demo:
        console.print(run(_seed_demo()), highlight=False, soft_wrap=True)
    console.print(f"database ready: {_describe_database()}")


async def _seed_demo() -> str:
    """The demo data set, in one transaction: all of it or nothing."""
    from api.cli import demo
    from registry.db.database import write_transaction

    if not await demo.needed():
        return "demo data: not seeded (the registry already has providers)"
    async with write_transaction():
        lines = await demo.seed()
    return "demo data seeded:\n  " + "\n  ".join(lines)


async def _prepare_signing() -> str:
    """init's signing step, as one line: create the passphrase file if no passphrase is
    configured, generate a key if none is active, else check the passphrase decrypts it."""
    from registry import keys as service
    from registry.signing.passphrase import create_passphrase_file, passphrase_configured

    keys = await service.list_keys()
    note = ""
    if not passphrase_configured():
        if keys:  # a new passphrase could not decrypt them: the operator must supply the old
            return (
                "[bold yellow]signing keys exist but no passphrase is configured[/]: set "
                "RIGHTSMARK_KEY_PASSPHRASE or RIGHTSMARK_KEY_PASSPHRASE_FILE"
            )
        note = f"; passphrase file created: {create_passphrase_file()} (mode 0600)"
    active = next((key for key in keys if key.state == "active"), None)
    if active is None:
        key = await service.generate_key("system:init")
        return f"signing key {key.id} generated and active: {key.verification_method}{note}"
    await service.current_signer()  # fails clearly if the passphrase does not decrypt it
    return f"signing key {active.id} active: {active.verification_method}"


def _describe_database() -> str:
    from registry.settings import get_settings

    settings = get_settings()
    return "PostgreSQL" if settings.is_postgres else f"SQLite at {settings.sqlite_path}"


@main.command()
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Server processes, each with its own socket (the kernel spreads connections).",
)
@click.option(
    "--public-url-moved",
    is_flag=True,
    help="Serve although the certificates were issued under another public URL: the "
    "registry has moved on purpose (docs/operations.md, 'Moving to another address').",
)
def serve(workers: int, public_url_moved: bool) -> None:
    """Serve the registry on RIGHTSMARK_HOST:RIGHTSMARK_PORT."""
    from api.cli import serving
    from api.cli.support import console, err, fail, run
    from registry.certificates.origin import origin_mismatch
    from registry.settings import get_settings

    settings = get_settings()
    moved = run(origin_mismatch())
    if moved is not None and not public_url_moved:
        fail(
            f"RIGHTSMARK_PUBLIC_URL is {settings.public_url} ({moved.served_as}), but this "
            f"registry's certificates were issued as {moved.issued_as} (for example "
            f"{moved.credential_id}): served here, every one of them would fail verification. "
            "Set RIGHTSMARK_PUBLIC_URL to the address they were issued under, or, if the "
            "registry has moved on purpose, run `rightsmark serve --public-url-moved` "
            "(docs/operations.md, 'Moving to another address').",
            code=2,
        )
    if moved is not None:
        err.print(
            f"warning: serving as {moved.served_as}; certificates issued as "
            f"{moved.issued_as} verify only where that address still serves them",
            highlight=False,
        )
    console.print(f"serving on http://{settings.host}:{settings.port} ({_describe_database()})")
    status = serving.run(
        workers,
        app="api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        access_log=False,  # the app writes its own structured access log, without headers
        log_level=settings.log_level,
    )
    if status:
        raise SystemExit(status)
