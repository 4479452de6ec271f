"""The failover drill as a test (issue 20): its own Patroni cluster (ops/cluster, on ports
apart from `make cluster`'s and the other cluster modules'), one drill, everything stopped
after. Skipped without the programs (`make tools` installs them as root)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cluster.control import missing_programs, own_cluster
from tests.e2e.cluster.drill import Cluster, run_drill

MISSING = missing_programs()

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cluster,
    pytest.mark.skipif(bool(MISSING), reason=f"missing {', '.join(MISSING)}: make cluster-tools"),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with own_cluster(tmp_path_factory.mktemp("cluster"), 5451, 8451, 2489) as started:
        yield started


def test_failover_loses_no_acknowledged_write(cluster: Cluster, tmp_path: Path) -> None:
    result = run_drill(cluster, tmp_path / "registry")
    print(result.line())
    for problem in result.problems:  # each on its own line: an assertion message is cut short
        print(problem)
    assert result.passed, (result.line(), result.problems)
    assert result.acknowledged > 0
    assert result.seconds_without_leader <= 30
    assert result.new_leader
    assert result.new_leader != result.old_leader
