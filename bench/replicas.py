"""Figure 9: mixed traffic with public reads on the standbys against the primary alone, on
the Patroni cluster of `make cluster` (issue 20; target >= 1.5x).

The same server twice (`serve --workers 2`, the demo plus a bulk load on a scratch database
of the cluster, figure 7's wrk mix): once with `RIGHTSMARK_DATABASE_REPLICA_URL` naming the
standbys, once without (every read on the primary). The figure is the ratio of requests
per second. On one machine every node shares its cores with the server and wrk, so the
ratio says what the routing costs or saves there, not what separate hosts would give.

    python -m bench.replicas [--seconds 30]       (needs `make cluster` running)
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

import asyncpg

from bench.loadtest import bench_load_at, loaded_server

HOSTS = "127.0.0.1:5441,127.0.0.1:5442,127.0.0.1:5443"
DB = "rm_replicas_bench"
PROVIDERS, CERTIFICATES = 1_000, 5_000


def _url(attrs: str, database: str = DB) -> str:
    hosts = os.environ.get("CLUSTER_HOSTS", HOSTS)
    return f"postgresql://postgres@{hosts}/{database}?target_session_attrs={attrs}"


async def _recreate() -> None:
    connection = await asyncpg.connect(_url("read-write", "postgres"), timeout=10)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {DB}")
    finally:
        await connection.close()


def measure(seconds: float, *, replicas: bool) -> dict[str, Any]:
    asyncio.run(_recreate())
    extra = {"RIGHTSMARK_DATABASE_REPLICA_URL": _url("prefer-standby")} if replicas else {}
    with loaded_server(PROVIDERS, CERTIFICATES, _url("read-write"), 2, extra) as (
        base,
        data_dir,
        pid,
    ):
        return bench_load_at(base, data_dir, pid, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    primary = measure(args.seconds, replicas=False)
    standby = measure(args.seconds, replicas=True)
    for name, report in (("primary alone", primary), ("reads on standbys", standby)):
        print(
            f"{name:18} {report['rps']:8.0f} req/s  p50 {report['p50_ms']:.1f} ms  "
            f"p99 {report['p99_ms']:.1f} ms  errors {report['errors']}"
        )
    ratio = standby["rps"] / primary["rps"] if primary["rps"] else 0.0
    print(f"9 replicas: {ratio:.2f}x (target >= 1.5x)")


if __name__ == "__main__":
    main()
