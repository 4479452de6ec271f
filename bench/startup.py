"""Figure 8: CLI start-up, `rightsmark --help` over `python -c pass`, whole processes.

Start-up is what a user waits for on every command, so it is timed as whole processes, from
spawn to exit, each case run `RUNS` times interleaved with the others (so they share the
machine's noise), and compared by the best run of each; medians are reported beside. The
figure's target is `--help` within 10x a bare interpreter. `verify FILE --offline` (a real
signed certificate checked against its DID document and both status lists, given as files)
and `audits score FILE` (a full passing submission for the library's core-rights) are
reported in the details as the same kind of ratio, with no target: they do real work.

Every run's exit status is checked, and `--help` must list every command: a fast command
that fails is not measured as fast.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from api.cli.main import main
from bench import PROJECT_ROOT
from bench.figure import Figure, Measurement, failed_figure, make_figure

FIG_ID = "8 cli"
TITLE = "CLI start-up: `rightsmark --help` / `python -c pass`, whole processes (best of runs)"
TARGET = 10.0
RUNS = 10
TIMEOUT = 120.0
# Every command `--help` must list, from the group itself (listing loads no subcommand).
COMMANDS = tuple(main.list_commands(click.Context(main)))


def rightsmark() -> list[str]:
    """The installed console script beside this interpreter, else the module's entry point."""
    beside = Path(sys.executable).parent / "rightsmark"
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-c", "from api.cli.main import main; main()"]


def _write_inputs(folder: Path) -> dict[str, list[str]]:
    """The files the verify and score cases read; the argument lists of every case."""
    from bench.certificate import signed_world
    from bench.scoring import example_submission
    from standards.loader import load_ruleset

    world = signed_world(score=87.5)
    certificate = folder / "certificate.json"
    certificate.write_text(json.dumps(world.certificate))
    did = folder / "did.json"
    did.write_text(json.dumps(world.did_document))
    statuses: list[str] = []
    for n, document in enumerate(world.status_lists.values()):
        path = folder / f"status-{n}.json"
        path.write_text(json.dumps(document))
        statuses += ["--status", str(path)]
    ruleset = load_ruleset(PROJECT_ROOT / "standards" / "library" / "core-rights" / "1.0.0.yaml")
    findings = folder / "findings.json"
    findings.write_bytes(example_submission(ruleset))
    command = rightsmark()
    now = world.now.isoformat().replace("+00:00", "Z")
    return {
        "python_c_pass": [sys.executable, "-c", "pass"],
        "help": [*command, "--help"],
        "verify_offline": [
            *command, "verify", str(certificate), "--did", str(did), *statuses, "--offline",
            "--now", now,
        ],
        "audits_score": [*command, "audits", "score", str(findings)],
    }  # fmt: skip


def time_processes(
    cases: Mapping[str, Sequence[str]], runs: int, env: Mapping[str, str]
) -> tuple[dict[str, list[float]], list[str]]:
    """Seconds of each whole process, `runs` rounds of every case in turn; and any failures."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    failures: list[str] = []
    for _ in range(runs):
        for name, argv in cases.items():
            started = time.perf_counter()
            done = subprocess.run(  # noqa: S603 - fixed arguments, this interpreter, no shell
                list(argv), env=dict(env), capture_output=True, text=True,
                timeout=TIMEOUT, check=False, cwd=PROJECT_ROOT,
            )  # fmt: skip
            samples[name].append(time.perf_counter() - started)
            if done.returncode != 0 and len(failures) < 5:
                tail = (done.stderr.strip().splitlines() or [""])[-1][:200]
                failures.append(f"{name} exited {done.returncode}: {tail}")
            if name == "help":
                missing = [c for c in COMMANDS if f"  {c} " not in done.stdout]
                if missing and len(failures) < 5:
                    failures.append(f"--help does not list {', '.join(missing)}")
    return samples, failures


def bench_startup(runs: int = RUNS) -> list[Figure]:
    """Figure 8: best `rightsmark --help` process time over best `python -c pass`."""
    with tempfile.TemporaryDirectory(prefix="rightsmark-bench-cli-") as scratch:
        folder = Path(scratch)
        try:
            cases = _write_inputs(folder)
        except Exception as exc:  # reported as the figure's error
            return [failed_figure(FIG_ID, TITLE, TARGET, "<=", f"inputs: {exc}")]
        env = {
            **os.environ,
            "RIGHTSMARK_DATA_DIR": str(folder / "data"),  # read by nothing here but settings
            "COLUMNS": "100",
        }
        samples, failures = time_processes(cases, runs, env)
    best = {name: min(times) for name, times in samples.items()}
    median = {name: statistics.median(times) for name, times in samples.items()}
    baseline = best["python_c_pass"]
    details: dict[str, Measurement] = {"runs": runs}
    for name in cases:
        details[f"{name}_best_ms"] = best[name] * 1000
        details[f"{name}_median_ms"] = median[name] * 1000
    for name in ("verify_offline", "audits_score"):
        details[f"{name}_over_python"] = best[name] / baseline
    return [
        make_figure(
            FIG_ID, TITLE, best["help"] / baseline, TARGET, "<=",
            errors=len(failures), messages=failures, details=details,
        )
    ]  # fmt: skip
