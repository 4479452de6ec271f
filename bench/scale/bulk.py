"""The bulk loader: `python -m bench.scale.bulk --providers N --certificates M`.

Run it with the registry's environment (RIGHTSMARK_DATABASE_URL or RIGHTSMARK_DATA_DIR,
RIGHTSMARK_KEY_PASSPHRASE) against a registry that `rightsmark init` has prepared: it reads
the published standards, the active signing key and the log's current frontier from there,
adds one auditor account, then streams the rows of `bench.scale.rows` into the database
with a progress bar on stderr. Prints one JSON line with what it wrote and how fast.

It writes around the services (COPY, not one transaction per certificate), so it is for
scratch databases only: a running server would not see the new status lists until restart.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import sys
import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bench.scale.names import PER_LIST
from bench.scale.rows import Context, records
from bench.scale.sink import PostgresSink, Sink, SqliteSink


async def _context(certificates: int) -> Context:
    from registry import accounts
    from registry.accounts import Role
    from registry.certificates.tables import StatusListRow
    from registry.clock import utc_now
    from registry.settings import get_settings
    from registry.signing.signer import current_signer
    from registry.standards import service as standards
    from registry.transparency.log import current_size, node_key
    from registry.transparency.tables import LogSubtreeRow

    signer = await current_signer()
    versions = [v for v in await standards.list_versions() if v.status == "published"]
    if not versions:
        raise SystemExit("no published standard: run `rightsmark init` first")
    rules = (await standards.get_version(versions[0].slug, versions[0].version))["rule_set"]
    auditor, _, _ = await accounts.create_account(
        name="Bulk Auditor", role=Role.AUDITOR, actor="system:bulk", ttl_days=1
    )
    size = await current_size()
    wanted = {
        node_key(level, (size >> level) - 1): level
        for level in range(size.bit_length())
        if size >> level
    }
    frontier: dict[int, bytes] = {}
    if wanted:
        rows = await LogSubtreeRow.select().where(LogSubtreeRow.node.is_in(list(wanted)))
        frontier = {wanted[r["node"]]: bytes.fromhex(r["hash"]) for r in rows}
    newest = (
        await StatusListRow.select(StatusListRow.number)
        .order_by(StatusListRow.number, ascending=False)
        .first()
    )
    # Spread over the last 30 months, up to one hour ago: all issued, none expired yet.
    end = utc_now().replace(microsecond=0) - dt.timedelta(hours=1)
    span = dt.timedelta(days=900) if certificates > 1 else dt.timedelta(0)
    return Context(
        public_url=get_settings().public_url,
        did=signer.did,
        verification_method=signer.verification_method,
        private_key=signer.private_key,
        standards={f"{v.slug}@{v.version}": v.digest for v in versions},
        validity_months=int(rules["certificate"]["validity_months"]),
        surveillance_months=int(rules["certificate"]["surveillance_interval_months"]),
        auditor_id=auditor.id,
        log_size=size,
        frontier=frontier,
        first_list=1 + (newest["number"] if newest else 0),
        start=end - span,
        span=span,
    )


async def _sink() -> Sink:
    from registry.settings import get_settings

    settings = get_settings()
    if settings.is_postgres:
        return await PostgresSink.connect(
            settings.database_url.replace("postgres://", "postgresql://", 1)
        )
    return SqliteSink(settings.sqlite_path)


async def load(providers: int, certificates: int, *, progress: bool = True) -> dict[str, Any]:
    """Stream the rows into the configured database; returns counts and timings."""
    from registry.db.database import close_pool, start_pool

    if providers < 1 or certificates < 0:
        raise SystemExit("need at least one provider and no negative count")
    await start_pool()
    try:
        ctx = await _context(certificates)
    finally:
        await close_pool()
    sink = await _sink()
    started = time.perf_counter()
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not progress,
    )
    log_size = ctx.log_size
    try:
        with bar:
            task = bar.add_task("bulk load", total=providers + certificates)
            for table, row in records(providers, certificates, ctx):
                if table == "log_head":
                    log_size = int(row["size"])
                    continue
                await sink.add(table, row)
                if table in ("providers", "certificates"):
                    bar.advance(task)
            await sink.flush()
        lists = math.ceil(certificates / PER_LIST)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        for purpose in ("revocation", "suspension"):
            for number in range(ctx.first_list, ctx.first_list + lists):
                await sink.add(
                    "status_lists",
                    {
                        "key": f"{purpose}/{number}",
                        "purpose": purpose,
                        "number": number,
                        "size": 2 * PER_LIST,
                        "version": 1,
                        "updated_at": now,
                    },
                )
        await sink.flush()
        await sink.execute("UPDATE log_head SET size = $1 WHERE name = 'main'", log_size)
        if isinstance(sink, PostgresSink):  # fresh planner statistics, as autovacuum would
            await sink.execute("ANALYZE")
    finally:
        await sink.close()
    seconds = time.perf_counter() - started
    return {
        "providers": providers,
        "certificates": certificates,
        "seconds": seconds,
        "certificates_per_s": certificates / seconds if seconds else 0.0,
        "rows": dict(sink.counts),
        "log_size": log_size,
        "first_list": ctx.first_list,
        "lists_per_purpose": lists,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale.bulk", description=__doc__)
    parser.add_argument("--providers", type=int, required=True)
    parser.add_argument("--certificates", type=int, required=True)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(load(args.providers, args.certificates, progress=not args.no_progress))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
