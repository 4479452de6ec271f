"""`python -m bench scale` (`make bench-scale`): the PostgreSQL scale run, as a report.

Needs a PostgreSQL server where the connecting role may create databases:
RIGHTSMARK_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/postgres) names it;
the run creates `rm_scale_small` and `rm_scale` there and drops them again (`--keep`
leaves them, for exploring). At the default sizes the large bulk load writes about
5 million rows (some 4 GB with indexes) and takes most of the run's time.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bench import PROJECT_ROOT
from bench.report import report, wide_console
from bench.scale import LARGE_CERTIFICATES, LARGE_PROVIDERS

SCALE_JSON = PROJECT_ROOT / "var" / "bench" / "scale.json"


def _name(text: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", text):
        raise argparse.ArgumentTypeError("a lower-case SQL identifier, e.g. rm_scale")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__)
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="measuring time per registry size (default 30)"
    )
    parser.add_argument("--providers", type=int, default=LARGE_PROVIDERS)
    parser.add_argument("--certificates", type=int, default=LARGE_CERTIFICATES)
    parser.add_argument(
        "--small-providers", type=int, default=None, help="default: 1 %% of --providers"
    )
    parser.add_argument(
        "--small-certificates", type=int, default=None, help="default: 1 %% of --certificates"
    )
    parser.add_argument(
        "--database", default="rm_scale", type=_name,
        help="scratch database name (and <name>_small); DROPPED and recreated",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--output", type=Path, default=SCALE_JSON, help="JSON report path")
    args = parser.parse_args(argv)
    small = (
        args.small_providers or max(1, args.providers // 100),
        args.small_certificates or max(1, args.certificates // 100),
    )
    if min(args.providers, args.certificates, *small) < 1:
        parser.error("every size must be at least 1")
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be in (0, 600]")

    from bench.machine import machine_info
    from bench.scale.run import bench_scale

    console = wide_console()
    machine = machine_info()
    console.print(
        f"scale run: {args.providers:,} providers / {args.certificates:,} "
        f"certificates beside {small[0]:,} / {small[1]:,} (PostgreSQL)"
    )
    figures = bench_scale(
        args.seconds,
        large=(args.providers, args.certificates),
        small=small,
        keep=args.keep,
        database=args.database,
    )
    return report(machine, figures, args.seconds, args.output, console)
