"""`rightsmark keys ...`: the secretariat's signing keys from the shell.

Private keys and the passphrase are never printed. Exit code 2 for a refused request (a key
already active, unknown key, bad --since), 1 when signing is unavailable (passphrase missing
or wrong).
"""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

import click
from rich.table import Column, Table

from api.cli.support import console, fail, run
from registry import keys as service
from registry.clock import iso_utc, utc_now
from registry.errors import RegistryError
from registry.signing.errors import SigningUnavailableError

ACTOR = "cli"


def _fail(exc: RegistryError) -> NoReturn:
    fail(str(exc), 1 if isinstance(exc, SigningUnavailableError) else 2)


def _parse_since(value: str | None) -> dt.datetime:
    if value is None:
        return utc_now().replace(microsecond=0)
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"--since: {value!r} is not an ISO 8601 date-time (e.g. 2026-11-30T10:00:00Z)", 2)
    if moment.utcoffset() is None:  # a bare date-time is read as UTC, and said so
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _seconds(moment: dt.datetime | None) -> str:
    return iso_utc(moment.replace(microsecond=0)) if moment is not None else ""


@click.group("keys")
def keys_group() -> None:
    """Generate, rotate, list and mark compromised the registry's signing keys."""


@keys_group.command("generate")
def generate() -> None:
    """Create the first active signing key (refused while one is active: use rotate)."""
    try:
        key = run(service.generate_key(ACTOR))
    except RegistryError as exc:
        _fail(exc)
    console.print(
        f"signing key {key.id} generated and active: {key.verification_method}", soft_wrap=True
    )


@keys_group.command("rotate")
def rotate() -> None:
    """Activate a new signing key; the active one is retired (kept, still published)."""
    try:
        new, retired = run(service.rotate_key(ACTOR))
    except RegistryError as exc:
        _fail(exc)
    console.print(
        f"signing key {new.id} generated and active: {new.verification_method}", soft_wrap=True
    )
    if retired is not None:
        console.print(f"signing key {retired.id} retired (still listed in the DID document)")


@keys_group.command("list")
def list_keys() -> None:
    """List every signing key, oldest first."""
    keys = run(service.list_keys())
    if not keys:
        console.print("no signing keys: run `rightsmark keys generate`")
        return
    # ids are copied into `keys compromise`, and times are read whole: those never wrap
    table = Table(
        Column("id", no_wrap=True),
        Column("verification method", overflow="fold"),
        Column("state", no_wrap=True),
        Column("created", no_wrap=True),
        Column("compromised since", no_wrap=True),
    )
    for key in keys:
        table.add_row(
            key.id,
            key.verification_method,
            key.state,
            _seconds(key.created_at),
            _seconds(key.compromised_at),
        )
    console.print(table)


@keys_group.command("compromise")
@click.argument("key")
@click.option(
    "--since",
    default=None,
    metavar="ISO-DATETIME",
    help="From when its signatures are untrusted (default: now; no zone means UTC).",
)
@click.option("--reason", required=True, help="Why the key is considered compromised.")
def compromise(key: str, since: str | None, reason: str) -> None:
    """Mark KEY (id, z6Mk... multibase or verification method) compromised."""
    moment = _parse_since(since)
    try:
        info, was_active = run(service.mark_compromised(key, moment, reason, ACTOR))
    except RegistryError as exc:
        _fail(exc)
    console.print(
        f"signing key {info.id} marked compromised since {iso_utc(info.compromised_at)}",
        highlight=False,
        soft_wrap=True,
    )
    if was_active:
        console.print(
            "[bold yellow]the registry now has no active signing key[/] and cannot sign until "
            "you run `rightsmark keys rotate` (or `rightsmark keys generate`)",
            soft_wrap=True,
        )
