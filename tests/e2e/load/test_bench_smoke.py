"""Smoke test of the benchmark harness: every bench runs briefly and reports cleanly.

Nothing here asserts on timing: only that each figure has its keys, a number, and no errors.
The load generators run against the stand-in ASGI app (`bench.standin`) over loopback; the
real server is exercised by the e2e test when the `rightsmark` command is installed.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.credentials import bench_credentials
from bench.figure import FIGURE_KEYS, Figure, make_figure
from bench.foundation import BASELINE_PATH, STANDARD_PATH, bench_foundation, bench_foundation_at
from bench.load import LOAD_KEYS, LoadResult, run_python, run_wrk
from bench.pure import bench_merkle, bench_scoring
from bench.server import free_port, rightsmark_command, running_server
from bench.verify import bench_verification

TINY = 0.05


def check(figures: list[Figure], count: int) -> None:
    assert len(figures) == count
    for figure in figures:
        assert set(figure) == FIGURE_KEYS
        assert figure["errors"] == 0, figure["messages"]
        assert math.isfinite(figure["value"])
        assert figure["value"] > 0
        assert figure["details"]


def check_load(result: LoadResult) -> None:
    assert set(result) == LOAD_KEYS
    assert result["errors"] == 0, result["messages"]
    assert result["requests"] > 0
    assert result["rps"] > 0


def test_scoring() -> None:
    check(bench_scoring(TINY), 2)


def test_verification() -> None:
    figures = bench_verification(TINY)
    check(figures, 2)
    assert [f["id"] for f in figures] == ["3a verify", "3b verify_proof"]
    assert figures[0]["details"]["score"] == 87.5  # a non-integral score, as issued


def test_verification_refuses_to_time_a_broken_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.verify

    monkeypatch.setattr(bench.verify, "_sanity", lambda world, trust: ["forged"])
    figures = bench_verification(TINY)
    assert figures[0]["errors"] == 1
    assert not figures[0]["passed"]


def test_merkle() -> None:
    figures = bench_merkle(TINY, small=64, large=4096)
    check(figures, 2)
    assert {f["details"]["large_leaves"] for f in figures} == {4096}


def test_cli_startup_figure() -> None:
    """Whole `rightsmark` processes, once each: every run exits 0 and `--help` lists every
    command (the figure counts either as an error); the times themselves are not asserted."""
    from bench.startup import bench_startup

    figures = bench_startup(runs=1)
    check(figures, 1)
    assert figures[0]["id"] == "8 cli"
    assert {"verify_offline_over_python", "audits_score_over_python"} <= set(figures[0]["details"])


def test_unmeasured_figure_never_passes() -> None:
    assert not make_figure("x", "x", math.nan, 0.5, ">=")["passed"]
    assert not make_figure("x", "x", 0.1, 3.0, "<=", errors=1)["passed"]
    assert make_figure("x", "x", 0.1, 3.0, "<=")["passed"]


@pytest.fixture(scope="module")
def standin() -> Iterator[str]:
    port = free_port()
    serve = [sys.executable, "-m", "uvicorn", "bench.standin:app", "--port", str(port),
             "--log-level", "warning", "--no-access-log"]  # fmt: skip
    with running_server(serve, port, timeout=30.0) as base:
        yield base


needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


@needs_wrk
def test_wrk_reports_latency_and_no_errors(standin: str) -> None:
    result = run_wrk(shutil.which("wrk") or "wrk", standin + BASELINE_PATH, 1, connections=8)
    check_load(result)
    assert result["generator"] == "wrk"
    assert 0 < result["p50_ms"] <= result["p99_ms"]


@needs_wrk
def test_wrk_counts_non_2xx_as_errors(standin: str) -> None:
    result = run_wrk(shutil.which("wrk") or "wrk", standin + "/missing", 1, connections=4)
    assert result["requests"] > 0
    assert result["non_2xx"] == result["requests"] == result["errors"]
    assert result["messages"]


def test_python_fallback_reports_and_counts_errors(standin: str) -> None:
    good = run_python(standin + STANDARD_PATH, 0.3, connections=8)
    check_load(good)
    assert "FALLBACK" in good["generator"]
    bad = run_python(standin + "/missing", 0.3, connections=4)
    assert bad["non_2xx"] == bad["errors"] > 0


def test_foundation_figure_against_the_standin(standin: str) -> None:
    figures = bench_foundation_at(standin, 0.2, "python")
    check(figures, 1)
    assert any("FALLBACK" in m for m in figures[0]["messages"])


def test_main_writes_the_json_report(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    assert main(["--only", "proofs", "--seconds", str(TINY), "--output", str(output)]) == 0
    report = json.loads(output.read_text())
    assert {"machine", "figures", "passed", "total", "errors"} <= set(report)
    assert {"cpu", "cores", "python", "os"} <= set(report["machine"])
    assert report["errors"] == 0
    assert len(report["figures"]) == 2


@pytest.mark.e2e
@pytest.mark.skipif(rightsmark_command() is None, reason="the rightsmark command is not installed")
def test_foundation_figure_against_the_real_server() -> None:
    check(bench_foundation(0.2, "python"), 1)


@pytest.mark.e2e
@pytest.mark.skipif(rightsmark_command() is None, reason="the rightsmark command is not installed")
def test_credential_figures_against_the_real_server() -> None:
    figures = bench_credentials(0.2, "python")
    check(figures, 2)
    assert [f["id"] for f in figures] == ["5 credential GET", "6 verify API"]


def test_transparency_figures_with_small_logs() -> None:
    """SQLite only, logs of 64 and 1,024 entries: the million-entry run is `make bench`'s."""
    from bench.transparency import bench_transparency

    figures = bench_transparency(0.3, postgres=False, sizes=(64, 1024))
    check(figures, 4)
    assert [f["id"] for f in figures] == ["5a log", "5b log", "5c log", "5d log"]
    assert int(figures[0]["details"]["appends"]) >= 20
    assert "inclusion_us_1024" in figures[1]["details"]


def test_cluster_figures_hold_their_targets() -> None:
    """Figures 10a-10c from measurements (the cluster run itself is `make bench`'s): a lost
    write misses 10c, a duplicate or a log that does not verify is an error."""
    from bench.replicas import failover_figures, replicas_figure
    from tests.e2e.cluster.drill import Result

    load = {"rps": 700.0, "p50_ms": 60.0, "p99_ms": 900.0, "errors": 0}
    ratio = replicas_figure(load, {**load, "rps": 1120.0})
    assert (ratio["id"], round(ratio["value"], 2), ratio["passed"]) == ("10a replicas", 1.6, True)
    assert not replicas_figure(load, {**load, "rps": 800.0})["passed"]

    good = Result(acknowledged=48, log_verifies=True, lists_match=True)
    good.seconds_without_leader, good.old_leader, good.new_leader = 3.1, "node1", "node2"
    leader, lost = failover_figures(good)
    assert (leader["id"], leader["value"], leader["passed"]) == ("10b failover", 3.1, True)
    assert (lost["id"], lost["value"], lost["passed"]) == ("10c failover lost", 0.0, True)

    bad = Result(acknowledged=48, lost=1, duplicated=1, log_verifies=False, lists_match=True)
    bad.seconds_without_leader, bad.new_leader = 40.0, "node2"
    leader, lost = failover_figures(bad)
    assert not leader["passed"]
    assert not lost["passed"]
    assert lost["value"] == 1.0
    assert leader["errors"] == 2  # the duplicate and the log
