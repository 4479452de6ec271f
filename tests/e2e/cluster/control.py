"""Starting and stopping a Patroni cluster of ops/cluster/cluster.sh on ports of its own, for
the cluster tests and `make bench` (figures 10a-10c): everything it started is stopped after."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.cluster.drill import Cluster
from tests.support.paths import PROJECT_ROOT

PROGRAMS = ("etcd", "patroni", "/usr/lib/postgresql/15/bin/postgres")
SCRIPT = PROJECT_ROOT / "ops" / "cluster" / "cluster.sh"


def missing_programs() -> list[str]:
    """The cluster's programs that are not installed (`make cluster-tools` installs them)."""
    return [p for p in PROGRAMS if shutil.which(p) is None]


@contextmanager
def own_cluster(directory: Path, pg_port: int, rest_port: int, etcd_port: int) -> Iterator[Cluster]:
    """etcd and three nodes on pg_port..+2, rest_port..+2, etcd_port and +1, data in
    `directory`; stopped (and checked stopped) when the block ends."""
    env = {
        **os.environ,
        "CLUSTER_DIR": str(directory),
        "CLUSTER_PG_PORT": str(pg_port),
        "CLUSTER_REST_PORT": str(rest_port),
        "CLUSTER_ETCD_PORT": str(etcd_port),
    }
    started = subprocess.run([SCRIPT, "start"], env=env, capture_output=True, text=True)
    try:
        if started.returncode != 0 or "target_session_attrs=read-write" not in started.stdout:
            raise RuntimeError(f"cluster did not start: {started.stdout}{started.stderr}")
        yield Cluster(directory, pg_port, rest_port)
    finally:
        stopped = subprocess.run([SCRIPT, "stop"], env=env, capture_output=True, text=True)
        if stopped.returncode != 0:
            raise RuntimeError(f"cluster did not stop: {stopped.stderr}")
        left = list(directory.glob("**/*.pid"))
        if left:
            raise RuntimeError(f"a pid file was left behind: {left}")
