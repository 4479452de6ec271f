"""`python -m bench` (`make bench`): run every figure, print the table, write the JSON."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.figure import Figure, failed_figure
from bench.report import LATEST, report, wide_console
from bench.timing import SECONDS_ENV, bench_seconds, one_core

BENCHES = (
    "scoring", "proofs", "merkle", "foundation", "credentials", "public", "transparency", "load",
    "notifications", "cli", "cluster",
)  # fmt: skip
LOAD_SECONDS = 60.0
CLUSTER_SECONDS = 20.0


def _run(name: str, seconds: float, python_load: bool, load: argparse.Namespace) -> list[Figure]:
    # Imported per figure: a broken module costs its figure, not the whole run.
    if name == "load":  # wrk only: the mix needs its Lua script
        from bench.loadtest import bench_load

        figures = bench_load(load.load_seconds)
        if load.load_postgres:
            figures += bench_load(load.load_seconds, postgres=True)
        return figures
    if name == "foundation":
        from bench.foundation import bench_foundation

        return bench_foundation(seconds, "python" if python_load else None)
    if name == "credentials":
        from bench.credentials import bench_credentials

        return bench_credentials(seconds, "python" if python_load else None)
    if name == "public":  # demo + bulk-loaded server: pages, API, search, verify
        from bench.public import bench_public

        return bench_public(seconds)
    if name == "cluster":  # figures 10a-10c on a Patroni cluster of its own
        from bench.replicas import bench_cluster
        from tests.e2e.cluster.control import missing_programs

        missing = missing_programs()
        if missing:
            print(
                f"*** {', '.join(missing)} missing (make cluster-tools, as root): "
                "SKIPPING figures 10a-10c (replicas, failover) ***",
                flush=True,
            )
            return []
        return bench_cluster(load.cluster_seconds)
    if name == "cli":  # whole processes: start-up is what is measured
        from bench.startup import bench_startup

        return bench_startup()
    if name == "notifications":  # a child process with its own database and receiver
        from bench.notifications import bench_notifications

        return bench_notifications(seconds)
    if name == "transparency":  # child processes, each with its own database
        from bench.transparency import bench_transparency

        return bench_transparency(seconds)
    from bench import pure
    from bench.verify import bench_verification

    functions: dict[str, Callable[[float], list[Figure]]] = {
        "scoring": pure.bench_scoring,
        "proofs": bench_verification,
        "merkle": pure.bench_merkle,
    }
    with one_core():  # the pure figures are single-threaded: measure them on one core
        return functions[name](seconds)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["scale"]:  # `python -m bench scale`: the PostgreSQL scale run
        from bench.scale.cli import main as scale_main

        return scale_main(arguments[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--seconds", type=float, default=None,
        help=f"seconds per load phase and per pure figure (default: ${SECONDS_ENV} or 10)",
    )  # fmt: skip
    parser.add_argument("--only", action="append", choices=BENCHES, help="run only these")
    parser.add_argument(
        "--python-load", action="store_true", help="use the Python fallback load generator"
    )
    parser.add_argument(
        "--load-seconds", type=float, default=LOAD_SECONDS,
        help=f"seconds of the mixed load test (figure 7; default {LOAD_SECONDS:g})",
    )  # fmt: skip
    parser.add_argument(
        "--load-postgres", action="store_true",
        help="also run the mixed load on a scratch PostgreSQL database (figures 7 pg)",
    )  # fmt: skip
    parser.add_argument(
        "--cluster-seconds", type=float, default=CLUSTER_SECONDS,
        help=f"seconds of each mixed load of figure 10a (default {CLUSTER_SECONDS:g})",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=LATEST, help="JSON report path")
    args = parser.parse_args(arguments)
    seconds = args.seconds if args.seconds is not None else bench_seconds()
    if not 0 < seconds <= 600:
        parser.error("--seconds must be in (0, 600]")
    if not 0 < args.load_seconds <= 600:
        parser.error("--load-seconds must be in (0, 600]")

    from bench.machine import machine_info

    console = wide_console()
    machine = machine_info()
    figures: list[Figure] = []
    for name in args.only or BENCHES:
        started = time.perf_counter()
        with console.status(f"running {name} ({seconds:g}s per phase)..."):
            try:
                figures.extend(_run(name, seconds, args.python_load, args))
            except Exception as exc:  # one broken figure must not hide the others
                traceback.print_exc(file=sys.stderr)
                message = f"{type(exc).__name__}: {exc}"
                figures.append(failed_figure(name, f"{name} benchmark raised", 0.0, ">=", message))
        console.log(f"{name}: {time.perf_counter() - started:.1f}s")
    figures.sort(key=lambda f: f["id"])
    return report(machine, figures, seconds, args.output, console)


if __name__ == "__main__":
    sys.exit(main())
