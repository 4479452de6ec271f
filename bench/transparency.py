"""Transparency-log figures (to be wired into `make bench` by `bench/__main__.py`).

- appends per second, each in its own write transaction with a real state change (an
  accreditation suspended or reinstated, with its history row and its log entry);
- inclusion and consistency proof time from the *stored subtrees* (the database path the API
  uses: one query for O(log n) rows) at 1,000 and at 1,000,000 entries; target <= 3x;
- checkpoint signing time (root from the store, consistency check against the previous
  checkpoint, Ed25519 note signature, insert).

Each database measurement runs in a child process (`python -m bench.transparency ...`) with
its own RIGHTSMARK_DATA_DIR, because the registry reads its database settings once per
process. Give `database_url` only for a throwaway PostgreSQL database: it is migrated and
written to.
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
from typing import Any

from bench.figure import Figure, failed_figure, make_figure

SMALL, LARGE = 1_000, 1_000_000


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


def bench_transparency(seconds: float, database_url: str = "") -> list[Figure]:
    figures: list[Figure] = []
    try:
        appends = appends_per_second(seconds, database_url)
        engine = "PostgreSQL" if database_url else "SQLite"
        figures.append(
            make_figure(
                "5a log",
                f"log appends per second with their state change ({engine})",
                appends["appends_per_s"],
                100.0,
                ">=",
                details=appends,
            )
        )
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        figures.append(failed_figure("5a log", "log appends per second", 100.0, ">=", str(exc)))
    try:
        small, large = proof_times(SMALL, seconds / 2), proof_times(LARGE, seconds / 2)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        for fig in ("5b log", "5c log"):
            figures.append(failed_figure(fig, "stored proof time ratio", 3.0, "<=", str(exc)))
        return figures
    for fig, kind in (("5b log", "inclusion"), ("5c log", "consistency")):
        details = {
            f"{kind}_us_{SMALL}": small[f"{kind}_us"],
            f"{kind}_us_{LARGE}": large[f"{kind}_us"],
            "load_s_large": large["load_s"],
        }
        figures.append(
            make_figure(
                fig,
                f"stored {kind} proof time at {LARGE:,} / at {SMALL:,} entries",
                large[f"{kind}_us"] / small[f"{kind}_us"],
                3.0,
                "<=",
                details=details,
            )
        )
    figures.append(
        make_figure(
            "5d log",
            f"checkpoint signing time at {LARGE:,} entries (ms)",
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

    from registry.database import migrate, start_pool

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
        auditor["id"],
        provider_types=["recruiter"],
        countries=["PH"],
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        actor=actor,
    )
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or done < 20:
        change = auditors.suspend if done % 2 == 0 else auditors.reinstate
        await change(auditor["id"], granted["id"], reason="bench", actor=actor)
        done += 1
    elapsed = time.perf_counter() - started
    return {"appends": done, "seconds": elapsed, "appends_per_s": done / elapsed,
            "log_size": await log.current_size()}  # fmt: skip


def _bulk_load(leaves: int) -> float:
    """Write the subtrees of a `leaves`-entry log straight into the SQLite file."""
    from registry.merkle import MemoryTree, leaf_hash
    from registry.settings import get_settings
    from registry.transparency.log import LOG_NAME, node_key

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

    from registry.database import write_transaction
    from registry.signed_note import sign_checkpoint
    from registry.transparency import checkpoints, log

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
