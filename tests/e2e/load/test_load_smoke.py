"""Smoke test of the mixed load test: a few seconds of wrk against a real demo server with
a small bulk load. Checks that the mix runs every kind of request with zero errors and that
the write pool never conflicts (suspend and reinstate alternate); never the speed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bench.loadtest import bench_load_at, loaded_server, prepare_mix
from bench.mixload import MIX, MixData, lua_script, run_mix
from bench.server import rightsmark_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed"),
    pytest.mark.skipif(rightsmark_command() is None, reason="rightsmark is not installed"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Path, int]]:
    with loaded_server(providers=50, certificates=300) as running:
        yield running


def test_mix_runs_every_kind_without_errors(server: tuple[str, Path, int]) -> None:
    base, data_dir, pid = server
    report = bench_load_at(base, data_dir, pid, seconds=3)
    assert report["errors"] == 0, report["statuses"]
    assert report["requests"] > 0
    assert report["p50_ms"] <= report["p99_ms"]
    reads = {kind for kind, _ in MIX if kind != "write"}
    assert all(report["sent"].get(kind, 0) > 0 for kind in reads), report["sent"]
    assert report["rss_hwm_mib"] >= report["rss_idle_mib"] > 0


def test_writes_alternate_without_conflicts(server: tuple[str, Path, int]) -> None:
    base, data_dir, _ = server
    data = prepare_mix(base, data_dir)
    only_writes = replace(data, writes=data.writes[:7], mix=(("write", 1), ("credential", 1)))
    report = run_mix(shutil.which("wrk") or "wrk", base, only_writes, 2, connections=4)
    assert report["errors"] == 0, report["statuses"]
    assert report["sent"]["write"] > 2 * 7  # each certificate visited more than twice
    changed = 0
    with httpx.Client(base_url=base) as client:
        for certificate in only_writes.writes:
            history = client.get(f"/api/v1/certificates/{certificate}").json()["history"]
            actions = [h["action"] for h in history if h["action"] in ("suspended", "reinstated")]
            # Alternating from the first suspension: no write was applied out of turn.
            assert actions == ["suspended", "reinstated"] * (len(actions) // 2) + (
                ["suspended"] if len(actions) % 2 else []
            )
            changed += len(actions) >= 2
    assert changed >= 3


def test_script_refuses_data_it_cannot_inline() -> None:
    data = MixData([("crt_1", "RM-0000-0000")], [b"{}"], ["q=a"], ["crt_1"], "rm_token")
    assert "RM-0000-0000" in lua_script(data)
    with pytest.raises(ValueError, match="inline"):
        lua_script(replace(data, searches=["q=]==]"]))
