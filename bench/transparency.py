"""Transparency-log figures (`make bench`, or `python -m bench --only transparency`).

- appends per second, each in its own write transaction with a real state change (an
  accreditation suspended or reinstated, with its history row and its log entry), on SQLite
  and, when one is reachable, on PostgreSQL (a scratch database created and dropped here);
- inclusion and consistency proof time from the *stored subtrees* (the database path the API
  uses: one query for O(log n) rows) at 1,000 and at 1,000,000 entries; target <= 3x;
- checkpoint signing time (root from the store, consistency check against the previous
  checkpoint, Ed25519 note signature, insert).

Each database measurement runs in a child process (`python -m bench.transparency ...`) with
its own RIGHTSMARK_DATA_DIR, because the registry reads its database settings once per
process. Give `database_url` only for a throwaway PostgreSQL database: it is migrated and
written to.

On SQLite an append costs about what its commit costs: the WAL is fsynced at each commit
(`synchronous=FULL`), which is most of the ~20 ms; the log's own statements (bump the head,
read the left subtrees when the new leaf closes any, insert the entry, insert the subtrees)
are a few milliseconds. Relaxing the fsync would lose acknowledged revocations on a power
cut, so the figure is reported as measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.figure import Figure, failed_figure, make_figure

SMALL, LARGE = 1_000, 1_000_000
APPENDS_TARGET = 100.0
# The PostgreSQL server the tests use; the figure runs in its own scratch database, never in
# this one (created, migrated, written and dropped again).
POSTGRES_ENV = "RIGHTSMARK_BENCH_POSTGRES"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
SCRATCH_DB = "rm_bench_log"


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url, timeout=3)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def postgres_scratch() -> Iterator[tuple[str | None, str]]:
    """(URL of a fresh scratch database, "") or (None, why not)."""
    admin = os.environ.get(POSTGRES_ENV, POSTGRES_URL)
    try:
        asyncio.run(_admin(admin, f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))
        asyncio.run(_admin(admin, f"CREATE DATABASE {SCRATCH_DB}"))
    except Exception as exc:  # unreachable, no rights, no driver: the figure is left out
        yield None, f"PostgreSQL not measured ({admin}: {type(exc).__name__}: {exc})"
        return
    try:
        yield urlunsplit(urlsplit(admin)._replace(path=f"/{SCRATCH_DB}")), ""
    finally:
        asyncio.run(_admin(admin, f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))


def _child(args: list[str], database_url: str = "", timeout: float = 900) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="rightsmark-bench-log-") as data_dir:
        env = {
            **os.environ,
            "RIGHTSMARK_DATA_DIR": data_dir,
            "RIGHTSMARK_DATABASE_URL": database_url,
            "RIGHTSMARK_KEY_PASSPHRASE": "bench-only-passphrase",
            "RIGHTSMARK_LOG_LEVEL": "warning",
        }
        done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments, no shell
            [sys.executable, "-m", "bench.transparency", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"bench.transparency {args[0]} failed: {done.stderr[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def appends_per_second(seconds: float, database_url: str = "") -> dict[str, Any]:
    """Appends/s with their state change, on SQLite (default) or the given PostgreSQL."""
    return _child(["appends", "--seconds", str(seconds)], database_url)


def proof_times(leaves: int, seconds: float) -> dict[str, Any]:
    """Median inclusion/consistency proof microseconds and checkpoint signing milliseconds
    from a SQLite log of `leaves` entries (bulk-loaded subtrees)."""
    return _child(["proofs", "--leaves", str(leaves), "--seconds", str(seconds)])


def _appends_figure(fig_id: str, seconds: float, database_url: str = "") -> Figure:
    engine = "PostgreSQL" if database_url else "SQLite"
    title = f"log appends per second with their state change ({engine})"
    try:
        appends = appends_per_second(seconds, database_url)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        return failed_figure(fig_id, title, APPENDS_TARGET, ">=", str(exc))
    return make_figure(
        fig_id, title, appends["appends_per_s"], APPENDS_TARGET, ">=", details=appends
    )


def bench_transparency(
    seconds: float, *, postgres: bool = True, sizes: tuple[int, int] = (SMALL, LARGE)
) -> list[Figure]:
    """Every log figure; `sizes` (the two log sizes of the proof figures) and `postgres`
    are for the smoke test, which cannot afford a million-entry log or a database server."""
    lo, hi = sizes
    figures = [_appends_figure("5a log", seconds)]
    if postgres:
        with postgres_scratch() as (url, why):
            if url is None:
                figures[0]["messages"].append(why)
            else:
                figures.append(_appends_figure("5a log pg", seconds, url))
    try:
        small, large = proof_times(lo, seconds / 2), proof_times(hi, seconds / 2)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        for fig in ("5b log", "5c log"):
            figures.append(failed_figure(fig, "stored proof time ratio", 3.0, "<=", str(exc)))
        return figures
    for fig, kind in (("5b log", "inclusion"), ("5c log", "consistency")):
        details = {
            f"{kind}_us_{lo}": small[f"{kind}_us"],
            f"{kind}_us_{hi}": large[f"{kind}_us"],
            "load_s_large": large["load_s"],
        }
        figures.append(
            make_figure(
                fig,
                f"stored {kind} proof time at {hi:,} / at {lo:,} entries",
                large[f"{kind}_us"] / small[f"{kind}_us"],
                3.0,
                "<=",
                details=details,
            )
        )
    figures.append(
        make_figure(
            "5d log",
            f"checkpoint signing time at {hi:,} entries (ms)",
            large["checkpoint_ms"],
            50.0,
            "<=",
            details={
                "checkpoint_ms_small": small["checkpoint_ms"],
                "sign_note_us": large["sign_us"],
            },
        )
    )
    return figures


# --- child process -------------------------------------------------------------------------


async def _prepare() -> None:
    import contextlib
    import io

    from registry.db.database import migrate, start_pool

    await start_pool()
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()


async def _appends(seconds: float) -> dict[str, Any]:
    import datetime as dt

    from registry import accounts, auditors
    from registry.accounts import Actor, Role
    from registry.transparency import log

    await _prepare()
    auditor, _, _ = await accounts.create_account(
        name="Bench Auditor", role=Role.AUDITOR, actor="system:bench", ttl_days=1
    )
    actor = Actor(account_id="acc_bench", role=Role.SECRETARIAT, provider_id=None, token_id="t")  # noqa: S106 - no secret
    granted = await auditors.accredit(
        auditor.id,
        provider_types=["recruiter"],
        countries=["PH"],
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        actor=actor,
    )
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or done < 20:
        change = auditors.suspend if done % 2 == 0 else auditors.reinstate
        await change(auditor.id, granted.id, reason="bench", actor=actor)
        done += 1
    elapsed = time.perf_counter() - started
    return {"appends": done, "seconds": elapsed, "appends_per_s": done / elapsed,
            "log_size": await log.current_size()}  # fmt: skip


def _bulk_load(leaves: int) -> float:
    """Write the subtrees of a `leaves`-entry log straight into the SQLite file."""
    from registry.settings import get_settings
    from registry.transparency.log import LOG_NAME, node_key
    from registry.trust.merkle import MemoryTree, leaf_hash

    started = time.perf_counter()
    tree = MemoryTree()
    for i in range(leaves):
        tree.append_leaf_hash(leaf_hash(i.to_bytes(8, "big")))
    rows, level = [], 0
    while leaves >> level:
        rows += [
            (node_key(level, index), tree.subtree_hash(level, index).hex())
            for index in range(leaves >> level)
        ]
        level += 1
    with sqlite3.connect(get_settings().sqlite_path) as db:
        db.executemany("INSERT INTO log_subtrees (node, hash) VALUES (?, ?)", rows)
        db.execute("INSERT INTO log_head (name, size) VALUES (?, ?)", (LOG_NAME, leaves))
    return time.perf_counter() - started


async def _proofs(leaves: int, seconds: float) -> dict[str, Any]:
    import datetime as dt

    from registry.db.database import write_transaction
    from registry.transparency import checkpoints, log
    from registry.trust.signed_note import sign_checkpoint

    await _prepare()
    load_s = _bulk_load(leaves)
    rng = random.Random(7)  # noqa: S311 - reproducible sample indexes, not secrets
    result: dict[str, Any] = {"leaves": leaves, "load_s": load_s}
    for kind in ("inclusion", "consistency"):
        samples: list[float] = []
        started = time.perf_counter()
        while time.perf_counter() - started < seconds / 3 or len(samples) < 50:
            a = rng.randrange(1, leaves)
            t0 = time.perf_counter()
            if kind == "inclusion":
                await log.inclusion_proof(a - 1, leaves)
            else:
                await log.consistency_proof(a, leaves)
            samples.append(time.perf_counter() - t0)
        result[f"{kind}_us"] = statistics.median(samples) * 1e6
    await checkpoints.latest_checkpoint()  # the key (slow scrypt, once) and a first checkpoint
    signing = []
    at = dt.datetime.now(dt.UTC)
    for i in range(20):
        async with write_transaction():
            await log.append_event("key.generated", {"key": f"k{i}"}, actor_role="system", at=at)
        t0 = time.perf_counter()
        await checkpoints.latest_checkpoint()
        signing.append(time.perf_counter() - t0)
    result["checkpoint_ms"] = statistics.median(signing) * 1e3
    signer = await checkpoints.log_signer()
    t0 = time.perf_counter()
    for _ in range(200):
        sign_checkpoint(signer.name, leaves, bytes(32), signer.private_key)
    result["sign_us"] = (time.perf_counter() - t0) / 200 * 1e6
    return result


def _main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.transparency")
    parser.add_argument("mode", choices=["appends", "proofs"])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--leaves", type=int, default=SMALL)
    args = parser.parse_args()
    if args.mode == "appends":
        result = asyncio.run(_appends(args.seconds))
    else:
        result = asyncio.run(_proofs(args.leaves, args.seconds))
    print(json.dumps(result))


if __name__ == "__main__":
    _main()
