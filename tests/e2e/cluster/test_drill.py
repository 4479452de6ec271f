"""The failover drill as a test (issue 20): its own Patroni cluster (ops/cluster, on ports
apart from `make cluster`'s), one drill, everything stopped after. Skipped without the
programs (`make tools` installs them as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cluster.drill import Cluster, run_drill
from tests.support.paths import PROJECT_ROOT

PROGRAMS = ("etcd", "patroni", "/usr/lib/postgresql/15/bin/postgres")
MISSING = [p for p in PROGRAMS if shutil.which(p) is None]
SCRIPT = PROJECT_ROOT / "ops" / "cluster" / "cluster.sh"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cluster,
    pytest.mark.skipif(bool(MISSING), reason=f"missing {', '.join(MISSING)}: make cluster-tools"),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "CLUSTER_DIR": str(directory),
        "CLUSTER_PG_PORT": "5451",
        "CLUSTER_REST_PORT": "8451",
        "CLUSTER_ETCD_PORT": "2489",
    }
    started = subprocess.run([SCRIPT, "start"], env=env, capture_output=True, text=True)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert "target_session_attrs=read-write" in started.stdout
        yield Cluster(directory, 5451, 8451)
    finally:
        stopped = subprocess.run([SCRIPT, "stop"], env=env, capture_output=True, text=True)
        assert stopped.returncode == 0, stopped.stderr
        assert not list(Path(directory).glob("**/*.pid")), "a pid file was left behind"


def test_failover_loses_no_acknowledged_write(cluster: Cluster, tmp_path: Path) -> None:
    result = run_drill(cluster, tmp_path / "registry")
    print(result.line())
    assert result.passed, (result.line(), result.problems)
    assert result.acknowledged > 0
    assert result.seconds_without_leader <= 30
    assert result.new_leader
    assert result.new_leader != result.old_leader
