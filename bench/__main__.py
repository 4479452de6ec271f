"""`python -m bench` (`make bench`): run every figure, print the table, write the JSON."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from bench.figure import Figure, failed_figure
from bench.report import LATEST, render, write_json
from bench.timing import SECONDS_ENV, bench_seconds, one_core

BENCHES = ("scoring", "proofs", "merkle", "foundation", "credentials", "transparency")


def _run(name: str, seconds: float, python_load: bool) -> list[Figure]:
    # Imported per figure: a broken module costs its figure, not the whole run.
    if name == "foundation":
        from bench.foundation import bench_foundation

        return bench_foundation(seconds, "python" if python_load else None)
    if name == "credentials":
        from bench.credentials import bench_credentials

        return bench_credentials(seconds, "python" if python_load else None)
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
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--seconds", type=float, default=None,
        help=f"seconds per load phase and per pure figure (default: ${SECONDS_ENV} or 10)",
    )  # fmt: skip
    parser.add_argument("--only", action="append", choices=BENCHES, help="run only these")
    parser.add_argument(
        "--python-load", action="store_true", help="use the Python fallback load generator"
    )
    parser.add_argument("--output", type=Path, default=LATEST, help="JSON report path")
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else bench_seconds()
    if not 0 < seconds <= 600:
        parser.error("--seconds must be in (0, 600]")

    from bench.machine import machine_info

    console = Console()
    if not console.is_terminal:  # `make bench | tee`: rich would assume 80 columns
        console.width = max(console.width, 120)
    machine = machine_info()
    figures: list[Figure] = []
    for name in args.only or BENCHES:
        started = time.perf_counter()
        with console.status(f"running {name} ({seconds:g}s per phase)..."):
            try:
                figures.extend(_run(name, seconds, args.python_load))
            except Exception as exc:  # one broken figure must not hide the others
                traceback.print_exc(file=sys.stderr)
                message = f"{type(exc).__name__}: {exc}"
                figures.append(failed_figure(name, f"{name} benchmark raised", 0.0, ">=", message))
        console.log(f"{name}: {time.perf_counter() - started:.1f}s")
    figures.sort(key=lambda f: f["id"])
    render(machine, figures, console)
    path = write_json(machine, figures, seconds, args.output)
    console.print(f"written to {path}")
    # Errors (failed requests, bad proofs, a server that did not start) fail the command;
    # a missed target alone is a finding to report, not a broken run.
    return 1 if any(f["errors"] for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
