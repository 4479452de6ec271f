"""`rightsmark log monitor URL` and `rightsmark log show URL`: watch a registry's public log.

The monitor needs no database, only the log's public API. It pins the log's verifier key on
first use (or takes `--key`), keeps the last checkpoint it verified in a state file, and on
each run verifies the new checkpoint's signature, its consistency with the old one, and that
every new entry hashes into the signed root (`registry.trust.tlog_monitor`). The state
file is replaced only after a run that verified everything.

Exit codes: 0 when the log is consistent, 1 on any inconsistency (with the evidence: both
checkpoints), 2 when the log cannot be read (network, HTTP or format errors).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import click
import httpx
from rich.markup import escape

from api.cli.support import console, err
from registry import urls
from registry.errors import NoteError
from registry.trust.signed_note import Checkpoint, parse_note
from registry.trust.tlog_errors import MonitorError
from registry.trust.tlog_monitor import (
    MonitorState,
    Update,
    apply_entries,
    check_consistency,
    open_checkpoint,
)

TIMEOUT: Final = 30.0


class ReadError(Exception):
    """The log could not be read: not evidence of misbehaviour by itself."""


async def _get(client: httpx.AsyncClient, path: str, **params: int) -> httpx.Response:
    try:
        answer = await client.get(path, params=params)
    except httpx.HTTPError as exc:
        raise ReadError(f"GET {path}: {exc}") from exc
    if answer.status_code != 200:
        raise ReadError(f"GET {path}: HTTP {answer.status_code} {answer.text[:200]}")
    return answer


async def _json(client: httpx.AsyncClient, path: str, **params: int) -> dict[str, Any]:
    try:
        body = (await _get(client, path, **params)).json()
    except ValueError as exc:
        raise ReadError(f"GET {path}: not JSON") from exc
    if not isinstance(body, dict):
        raise ReadError(f"GET {path}: not a JSON object")
    return body


async def _entries(client: httpx.AsyncClient, start: int, end: int) -> list[tuple[int, str]]:
    """Every entry in [start, end), page by page."""
    found: list[tuple[int, str]] = []
    while start < end:
        page = await _json(client, urls.LOG_ENTRIES.path(), start=start, end=end)
        try:
            items = [(int(e["index"]), str(e["entry"])) for e in page["entries"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ReadError(f"GET /log/entries: malformed page ({exc})") from exc
        if not items:
            break  # apply_entries reports the shortfall as a dropped entry
        found += items
        start = items[-1][0] + 1
    return found


async def monitor_once(
    client: httpx.AsyncClient, state: MonitorState | None, key: str | None
) -> Update:
    """One monitor run against `client`'s base URL; MonitorError on any inconsistency."""
    url = str(client.base_url).rstrip("/")
    if state is not None and key is not None and key != state.key:
        raise MonitorError("--key differs from the key pinned in the state file")
    if key is None:
        key = state.key if state else (await _get(client, urls.LOG_KEY.path())).text.strip()
    note = (await _get(client, urls.LOG_CHECKPOINT.path())).text
    # The log names its key after its origin: a checkpoint of another log signed with the
    # same key must not pass for this one.
    checkpoint = open_checkpoint(note, key, origin=key.split("+", 1)[0])
    proof: list[bytes] = []
    if state is not None and 0 < state.size < checkpoint.size:
        body = await _json(
            client, urls.LOG_CONSISTENCY.path(), **{"from": state.size, "to": checkpoint.size}
        )
        try:
            proof = [base64.b64decode(h, validate=True) for h in body["hashes"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ReadError(f"GET /log/proof/consistency: malformed proof ({exc})") from exc
    if state is not None:
        check_consistency(state, checkpoint, proof)
    start = state.size if state else 0
    entries = await _entries(client, start, checkpoint.size)
    return apply_entries(state, url, key, note, checkpoint, entries)


def default_state_file(url: str) -> Path:
    """One state file per log: `$XDG_STATE_HOME/rightsmark/monitor-<host_port>.json`."""
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    host = "".join(c if c.isalnum() or c in "-." else "_" for c in urlsplit(url).netloc)
    return base / "rightsmark" / f"monitor-{host}.json"


def _save(path: Path, state: MonitorState) -> None:
    """Atomically: a crash mid-write must not leave a state that pins nothing or garbage."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w") as out:
        out.write(state.to_json())
    os.replace(temp, path)


def _report(update: Update, as_json: bool) -> None:
    state = update.state
    if as_json:
        body = {
            "ok": True,
            "url": state.url,
            "old_size": update.old_size,
            "size": state.size,
            "root": base64.b64encode(state.root).decode("ascii"),
            "new_entries": update.new_entries,
            "by_type": dict(sorted(update.by_type.items())),
        }
        console.print_json(json.dumps(body))
        return
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(update.by_type.items())) or "none"
    console.print(
        f"[green]log consistent[/]: {escape(state.url)} size {update.old_size} -> {state.size}; "
        f"{update.new_entries} new {'entry' if update.new_entries == 1 else 'entries'} "
        f"verified ({escape(kinds)})",
        highlight=False,
    )


def _alarm(message: str, old: MonitorState | None, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps({"ok": False, "error": message}))
    err.print(f"[bold red]LOG INCONSISTENCY:[/] {escape(message)}", highlight=False)
    if old is not None:
        err.print("last verified checkpoint (keep it as evidence):", highlight=False)
        err.print(escape(old.checkpoint), highlight=False)


@click.group("log")
def log_group() -> None:
    """The registry's public transparency log."""


@log_group.command("monitor")
@click.argument("url")
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", default=None, help="The log's verifier key (name+id+key); pinned.")
@click.option("--json", "as_json", is_flag=True, help="A JSON summary on stdout.")
def monitor_command(url: str, state_file: Path | None, key: str | None, as_json: bool) -> None:
    """Verify the log at URL against the last checkpoint seen: signature, consistency, and
    the inclusion of every new entry. Exits 1 loudly on any inconsistency."""
    path = state_file or default_state_file(url)
    old: MonitorState | None = None
    try:
        if path.exists():
            old = MonitorState.from_json(path.read_text())
            if old.url != url.rstrip("/"):
                raise MonitorError(f"the state file is for {old.url}, not {url}")

        async def run() -> Update:
            async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client:
                return await monitor_once(client, old, key)

        update = asyncio.run(run())
    except MonitorError as exc:
        _alarm(str(exc), old, as_json)
        raise SystemExit(1) from None
    except ReadError as exc:
        err.print(f"[bold red]error:[/] cannot read the log: {escape(str(exc))}", highlight=False)
        raise SystemExit(2) from None
    _save(path, update.state)
    _report(update, as_json)


@log_group.command("show")
@click.argument("url")
@click.option("--start", type=click.IntRange(min=0), default=None, help="First index.")
@click.option("--count", type=click.IntRange(1, 256), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="The entries as JSON lines.")
def show_command(url: str, start: int | None, count: int, as_json: bool) -> None:
    """Print entries of the log at URL (by default the newest ones), without verifying them:
    `log monitor` is what verifies."""

    async def fetch() -> list[tuple[int, str]]:
        async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client:
            size = Checkpoint.parse(
                parse_note((await _get(client, urls.LOG_CHECKPOINT.path())).text)[0]
            ).size
            first = max(0, size - count) if start is None else start
            return await _entries(client, first, min(size, first + count))

    try:
        items = asyncio.run(fetch())
    except (ReadError, NoteError) as exc:
        err.print(f"[bold red]error:[/] cannot read the log: {escape(str(exc))}", highlight=False)
        raise SystemExit(2) from None
    for index, text in items:
        if as_json:  # the entry as served, text: a registry may serve anything
            click.echo(json.dumps({"index": index, "entry": text}))
        else:
            console.print(f"[bold]{index}[/] {escape(text)}", highlight=False, soft_wrap=True)
