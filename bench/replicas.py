"""Figures 10a-10c, on a Patroni cluster (issue 20): mixed traffic with public reads on the
standbys against the primary alone (target >= 1.5x), and the failover drill (no leader for
at most 30 s, zero acknowledged writes lost).

10a: the same server twice (`serve --workers 2`, the demo plus a bulk load on a scratch
database of the cluster, figure 7's wrk mix): once with `RIGHTSMARK_DATABASE_REPLICA_URL`
naming the standbys, once without (every read on the primary). The figure is the ratio of
requests per second. On one machine every node shares its cores with the server and wrk,
so the ratio says what the routing costs or saves there, not what separate hosts would give.

10b, 10c: one run of the drill (tests/e2e/cluster/drill.py): SIGKILL to the leader's
postmaster mid-burst; the seconds until another node leads, and the acknowledged writes
lost. Duplicates, a log that does not verify, status lists that disagree, unfinished steps
or a server restart count as errors.

`make bench` starts a cluster of its own (ops/cluster/cluster.sh on ports 5471-5473,
8471-8473, 2509-2510, data in a temporary directory) and stops it after; it skips these
figures, saying so, when etcd, patroni or PostgreSQL 15 is missing.

    python -m bench.replicas [--seconds 20]       (figures 10a-10c on `make cluster`'s cluster)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

import asyncpg

from bench.figure import Figure, make_figure
from bench.loadtest import bench_load_at, loaded_server

HOSTS = "127.0.0.1:5441,127.0.0.1:5442,127.0.0.1:5443"
DB = "rm_replicas_bench"
PROVIDERS, CERTIFICATES = 1_000, 5_000
PORTS = (5471, 8471, 2509)  # make bench's own cluster: PostgreSQL, Patroni REST, etcd
TARGET_RATIO, TARGET_SECONDS = 1.5, 30.0


def _url(hosts: str, attrs: str, database: str = DB) -> str:
    return f"postgresql://postgres@{hosts}/{database}?target_session_attrs={attrs}"


async def _recreate(hosts: str) -> None:
    connection = await asyncpg.connect(_url(hosts, "read-write", "postgres"), timeout=10)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        await connection.execute(f"CREATE DATABASE {DB}")
    finally:
        await connection.close()


def measure(seconds: float, *, replicas: bool, hosts: str = HOSTS) -> dict[str, Any]:
    asyncio.run(_recreate(hosts))
    extra = {"RIGHTSMARK_DATABASE_REPLICA_URL": _url(hosts, "prefer-standby")} if replicas else {}
    with loaded_server(PROVIDERS, CERTIFICATES, _url(hosts, "read-write"), 2, extra) as (
        base,
        data_dir,
        pid,
    ):
        return bench_load_at(base, data_dir, pid, seconds)


def replicas_figure(primary: dict[str, Any], standby: dict[str, Any]) -> Figure:
    ratio = standby["rps"] / primary["rps"] if primary["rps"] else float("nan")
    details: dict[str, float | int | str] = {}
    for name, report in (("primary", primary), ("standbys", standby)):
        details[f"{name}_rps"] = report["rps"]
        details[f"{name}_p50_ms"] = report["p50_ms"]
        details[f"{name}_p99_ms"] = report["p99_ms"]
        details[f"{name}_errors"] = report["errors"]
    return make_figure(
        "10a replicas",
        "mixed traffic, public reads on the standbys / every read on the primary (req/s)",
        ratio,
        TARGET_RATIO,
        ">=",
        errors=int(primary["errors"]) + int(standby["errors"]),
        details=details,
    )


def failover_figures(result: Any) -> list[Figure]:
    """10b (seconds without a leader) and 10c (acknowledged writes lost) from a drill."""
    errors = (
        result.duplicated
        + result.unfinished
        + (not result.log_verifies)
        + (not result.lists_match)
        + result.server_restarted
    )
    details: dict[str, float | int | str] = {
        "acknowledged": result.acknowledged,
        "lost": result.lost,
        "duplicated_log_entries": result.duplicated,
        "log_verifies": "yes" if result.log_verifies else "NO",
        "status_lists_match": "yes" if result.lists_match else "NO",
        "no_write_acknowledged_s": result.seconds_without_writes,
        "retried": result.retried,
        "leaders": f"{result.old_leader} -> {result.new_leader}",
        "server_restarted": "yes" if result.server_restarted else "no",
    }
    messages = list(result.problems[:3])
    seconds = result.seconds_without_leader if result.new_leader else float("nan")
    return [
        make_figure(
            "10b failover",
            "seconds without a leader after SIGKILL of the leader's postmaster mid-burst",
            seconds,
            TARGET_SECONDS,
            "<=",
            errors=errors,
            messages=messages,
            details=details,
        ),
        make_figure(
            "10c failover lost",
            "acknowledged writes lost across that failover",
            float(result.lost),
            0.0,
            "<=",
            errors=errors,
        ),
    ]


def bench_cluster(seconds: float) -> list[Figure]:
    """Figures 10a-10c on a cluster of its own (callers check `missing_programs()` first)."""
    from tests.e2e.cluster.control import own_cluster
    from tests.e2e.cluster.drill import run_drill

    pg, rest, etcd = PORTS
    hosts = ",".join(f"127.0.0.1:{pg + i}" for i in range(3))
    with tempfile.TemporaryDirectory(prefix="rightsmark-bench-cluster-") as directory:
        root = Path(directory)
        with own_cluster(root / "cluster", pg, rest, etcd) as cluster:
            cluster.wait_healthy()
            primary = measure(seconds, replicas=False, hosts=hosts)
            standby = measure(seconds, replicas=True, hosts=hosts)
            figures = [replicas_figure(primary, standby)]
            figures += failover_figures(run_drill(cluster, root / "drill"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    hosts = os.environ.get("CLUSTER_HOSTS", HOSTS)
    primary = measure(args.seconds, replicas=False, hosts=hosts)
    standby = measure(args.seconds, replicas=True, hosts=hosts)
    for name, report in (("primary alone", primary), ("reads on standbys", standby)):
        print(
            f"{name:18} {report['rps']:8.0f} req/s  p50 {report['p50_ms']:.1f} ms  "
            f"p99 {report['p99_ms']:.1f} ms  errors {report['errors']}"
        )
    figure = replicas_figure(primary, standby)
    print(f"10a replicas: {figure['value']:.2f}x (target >= {TARGET_RATIO}x)", flush=True)
    print_failover(drill_on_make_cluster())


def drill_on_make_cluster() -> Any:
    """One drill (tests/e2e/cluster/drill.py) on `make cluster`'s cluster, for 10b and 10c."""
    from tests.e2e.cluster.drill import Cluster, run_drill
    from tests.support.paths import PROJECT_ROOT

    directory = Path(os.environ.get("CLUSTER_DIR", "var/cluster"))
    directory = directory if directory.is_absolute() else PROJECT_ROOT / directory
    cluster = Cluster(
        directory,
        int(os.environ.get("CLUSTER_PG_PORT", "5441")),
        int(os.environ.get("CLUSTER_REST_PORT", "8441")),
    )
    return run_drill(cluster, directory / "drill" / "bench")


def print_failover(result: Any) -> None:
    ten_b, ten_c = failover_figures(result)
    details = ten_b["details"]
    print(
        f"10b failover: {ten_b['value']:.1f} s without a leader ({details['leaders']}; "
        f"target <= {TARGET_SECONDS:.0f} s), no write acknowledged for "
        f"{details['no_write_acknowledged_s']:.1f} s, errors {ten_b['errors']}"
        f" -> {'PASS' if ten_b['passed'] else 'MISS'}"
    )
    print(
        f"10c failover lost: {ten_c['value']:.0f} of {details['acknowledged']} acknowledged "
        f"writes lost (target 0), duplicated log entries {details['duplicated_log_entries']}, "
        f"log verifies {details['log_verifies']}, status lists match "
        f"{details['status_lists_match']} -> {'PASS' if ten_c['passed'] else 'MISS'}"
    )
    for problem in ten_b["messages"]:
        print(f"  problem: {problem}")


if __name__ == "__main__":
    main()
