"""The scale figures: the same measurements at 1 % and at 100 % of the large registry.

For each size: a fresh PostgreSQL database (created here and dropped afterwards unless
kept), `rightsmark init` into it, the bulk loader, then `bench.scale.measure`. Each step is
a child process with the registry's environment, because the registry reads its database
settings once per process. The bulk loader's progress bar goes straight to the terminal.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import PROJECT_ROOT
from bench.figure import Figure, failed_figure, make_figure
from bench.server import rightsmark_command

ADMIN_ENV = "RIGHTSMARK_BENCH_POSTGRES"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
RATIO_TARGET = 3.0
REBUILD_TARGET_MS = 1000.0  # our own goal: a list re-signed within a second at 1M
FIGURES = (
    ("8a scale search", "search", "provider search by name"),
    ("8b scale fetch", "fetch", "GET /credentials/{id} from the database"),
    ("8c scale detail", "detail", "certificate status and history by code"),
    ("8d scale change", "change", "status change (suspend or reinstate)"),
)


def admin_sql(statement: str, admin: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) on the admin connection."""
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(admin, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def database_url(admin: str, name: str) -> str:
    return urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))


def _step(command: list[str], env: dict[str, str], *, show: bool = False) -> str:
    done = subprocess.run(  # noqa: S603 - our own commands, no shell
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if show else subprocess.PIPE,
        text=True,
        check=False,
        timeout=7200,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:4])} exited {done.returncode}: "
            f"{(done.stderr or done.stdout or '')[-800:]}"
        )
    return done.stdout


def _data_dir(name: str, keep: bool) -> AbstractContextManager[str]:
    """A temporary data directory, or with `keep` a lasting one beside the JSON report, so a
    kept database can be measured again: it holds the key passphrase `init` created."""
    if not keep:
        return tempfile.TemporaryDirectory(prefix="rightsmark-scale-")
    path = PROJECT_ROOT / "var" / "bench" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return nullcontext(str(path))


def _environment(data_dir: str, url: str, keep: bool) -> dict[str, str]:
    env = {**os.environ, "RIGHTSMARK_DATA_DIR": data_dir, "RIGHTSMARK_DATABASE_URL": url,
           "RIGHTSMARK_LOG_LEVEL": "warning"}  # fmt: skip
    env.pop("RIGHTSMARK_KEY_PASSPHRASE_FILE", None)
    if keep:  # `init` writes <data_dir>/key-passphrase
        env.pop("RIGHTSMARK_KEY_PASSPHRASE", None)
    else:
        env["RIGHTSMARK_KEY_PASSPHRASE"] = secrets.token_urlsafe(24)
    return env


def _json_step(args: list[str], env: dict[str, str], *, show: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        _step([sys.executable, "-m", *args], env, show=show).strip().splitlines()[-1]
    )
    return result


def run_size(
    name: str,
    providers: int,
    certificates: int,
    seconds: float,
    *,
    admin: str,
    keep: bool = False,
    show: bool = True,
) -> dict[str, Any]:
    """Create, initialise, bulk-load and measure one database; drop it unless `keep`."""
    command = rightsmark_command()
    if command is None:
        raise RuntimeError("the `rightsmark` command is not installed (pip install -e .)")
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin)
    admin_sql(f"CREATE DATABASE {name}", admin)
    sizes = ["--providers", str(providers), "--certificates", str(certificates)]
    try:
        with _data_dir(name, keep) as data_dir:
            env = _environment(data_dir, database_url(admin, name), keep)
            _step([command, "init"], env)
            progress = [] if show else ["--no-progress"]
            loaded = _json_step(["bench.scale.bulk", *sizes, *progress], env, show=show)
            measured = _json_step(
                ["bench.scale.measure", *sizes, "--seconds", str(seconds),
                 "--first-list", str(loaded["first_list"])],
                env,
            )  # fmt: skip
    finally:
        if not keep:
            admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin)
    return {"load": loaded, "measure": measured, "data_dir": data_dir if keep else ""}


def scale_figures(small: dict[str, Any], large: dict[str, Any]) -> list[Figure]:
    s, m = small["measure"], large["measure"]
    n_small, n_large = s["certificates"], m["certificates"]
    figures = []
    for fig_id, key, what in FIGURES:
        ratio = m[key]["median_ms"] / s[key]["median_ms"]
        details: dict[str, float | int | str] = {
            f"median_ms_{n_large}": m[key]["median_ms"],
            f"p90_ms_{n_large}": m[key]["p90_ms"],
            f"median_ms_{n_small}": s[key]["median_ms"],
            f"p90_ms_{n_small}": s[key]["p90_ms"],
        }
        if key == "search":
            broad = m["search_broad"]["median_ms"] / s["search_broad"]["median_ms"]
            details |= {
                f"broad_median_ms_{n_large}": m["search_broad"]["median_ms"],
                f"broad_median_ms_{n_small}": s["search_broad"]["median_ms"],
                "broad_ratio (one city, ~1 % of providers)": broad,
            }
        figures.append(
            make_figure(
                fig_id,
                f"{what}: median at {n_large:,} / at {n_small:,} certificates",
                ratio,
                RATIO_TARGET,
                "<=",
                details=details,
            )
        )
    load = large["load"]
    figures.append(
        make_figure(
            "8e scale rebuild",
            f"status list rebuild and re-sign at {n_large:,} (ms)",
            m["rebuild"]["median_ms"],
            REBUILD_TARGET_MS,
            "<=",
            details={
                f"rebuild_ms_{n_small}": s["rebuild"]["median_ms"],
                "bulk_load_s": load["seconds"],
                "bulk_certificates_per_s": load["certificates_per_s"],
                "rows_written": sum(load["rows"].values()),
                "log_entries": load["log_size"],
                "lists_per_purpose": load["lists_per_purpose"],
                "small_bulk_load_s": small["load"]["seconds"],
            },
        )
    )
    return figures


def bench_scale(
    seconds: float,
    *,
    large: tuple[int, int],
    small: tuple[int, int],
    keep: bool = False,
    database: str = "rm_scale",
) -> list[Figure]:
    admin = os.environ.get(ADMIN_ENV, ADMIN_URL)
    try:
        small_run = run_size(f"{database}_small", *small, seconds, admin=admin, keep=keep)
        large_run = run_size(database, *large, seconds, admin=admin, keep=keep)
    except (RuntimeError, subprocess.SubprocessError, ValueError, OSError) as exc:
        return [
            failed_figure(
                "8 scale", "scale run", RATIO_TARGET, "<=", f"{type(exc).__name__}: {exc}"
            )
        ]
    figures = scale_figures(small_run, large_run)
    if keep:
        figures[-1]["messages"].append(
            f"kept databases {database} and {database}_small (data directories "
            f"{large_run['data_dir']} and {small_run['data_dir']}): drop them when done"
        )
    return figures
