"""`rightsmark accounts ...`: the secretariat's account management from the shell."""

from __future__ import annotations

import click
from rich.table import Column, Table

from api.cli.support import console, fail, run
from registry import accounts
from registry.errors import RegistryError
from registry.settings import get_settings


@click.group("accounts")
def accounts_group() -> None:
    """Create, list and revoke accounts and their tokens."""


@accounts_group.command("create")
@click.option("--name", required=True, help="Person or organisation name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in accounts.Role]))
@click.option("--email", default=None)
@click.option("--provider-id", default=None, help="Provider organisation (provider role only).")
@click.option("--ttl-days", type=click.IntRange(1, 3650), default=None, help="Token lifetime.")
def create(
    name: str, role: str, email: str | None, provider_id: str | None, ttl_days: int | None
) -> None:
    """Create an account and print its first token (shown once)."""
    try:
        account, token, _ = run(
            accounts.create_account(
                name=name,
                role=accounts.Role(role),
                email=email,
                provider_id=provider_id,
                actor="cli",
                ttl_days=ttl_days or get_settings().token_ttl_days,
            )
        )
    except RegistryError as exc:
        fail(str(exc), 2)
    console.print(f"account {account.id} ({account.role.value}) created; token (shown once):")
    console.print(token, highlight=False, soft_wrap=True)


@accounts_group.command("list")
@click.option("--role", type=click.Choice([r.value for r in accounts.Role]), default=None)
def list_accounts(role: str | None) -> None:
    """List accounts."""
    rows = run(
        accounts.list_accounts(role=accounts.Role(role) if role else None, limit=10_000, offset=0)
    )
    # ids are copied into other commands, so that column is never cut
    table = Table(Column("id", no_wrap=True), "name", "role", "provider", "created", "state")
    for row in rows:
        state = "active" if row.active else f"revoked {row.revoked_at}"
        table.add_row(
            row.id, row.name, row.role.value, row.provider_id or "", row.created_at, state
        )
    console.print(table)


@accounts_group.command("revoke")
@click.argument("account_id")
def revoke(account_id: str) -> None:
    """Revoke an account and every token it holds."""
    try:
        account = run(accounts.revoke_account(account_id))
    except RegistryError as exc:
        fail(str(exc), 2)
    console.print(f"account {account.id} revoked at {account.revoked_at}")


@accounts_group.command("token")
@click.argument("account_id")
@click.option("--label", default="cli")
@click.option("--ttl-days", type=click.IntRange(1, 3650), default=None)
def token(account_id: str, label: str, ttl_days: int | None) -> None:
    """Issue a new token for an account (shown once)."""
    try:
        value, details = run(
            accounts.issue_token(
                account_id, label=label, ttl_days=ttl_days or get_settings().token_ttl_days
            )
        )
    except RegistryError as exc:
        fail(str(exc), 2)
    console.print(f"token {details.id} expires {details.expires_at} (shown once):")
    console.print(value, highlight=False, soft_wrap=True)
