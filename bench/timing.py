"""Shared timing helpers: interleaved rate measurement and single-core pinning."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from bench import DEFAULT_SECONDS

SECONDS_ENV = "RIGHTSMARK_BENCH_SECONDS"


def bench_seconds(default: float = DEFAULT_SECONDS) -> float:
    """Seconds per load phase and per pure figure: RIGHTSMARK_BENCH_SECONDS or `default`."""
    raw = os.environ.get(SECONDS_ENV, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SystemExit(f"{SECONDS_ENV} must be a number of seconds, not {raw!r}") from exc
    if not 0 < value <= 600:
        raise SystemExit(f"{SECONDS_ENV} must be in (0, 600], not {value}")
    return value


def rate(case: Callable[[], object], budget: float) -> float:
    """Calls per second of `case`, growing the batch until `budget` seconds are spent."""
    batch, spent, done = 1, 0.0, 0
    while spent < budget or done == 0:
        start = time.perf_counter()
        for _ in range(batch):
            case()
        spent += time.perf_counter() - start
        done += batch
        if spent < budget / 4:
            batch *= 2
    return done / spent


def interleaved_rates(
    cases: Mapping[str, Callable[[], object]], seconds: float, rounds: int = 5
) -> dict[str, float]:
    """Median calls/s of each case over `rounds` interleaved rounds sharing `seconds`."""
    budget = seconds / (rounds * len(cases))
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            samples[name].append(rate(case, budget))
    return {name: statistics.median(values) for name, values in samples.items()}


@contextmanager
def one_core() -> Iterator[int | None]:
    """Pin this process to the CPU it is on (Linux), restoring the old affinity after.

    Yields the CPU number, or None where affinity cannot be set.
    """
    getter = getattr(os, "sched_getaffinity", None)
    setter = getattr(os, "sched_setaffinity", None)
    if getter is None or setter is None:
        yield None
        return
    before: set[int] = set(getter(0))
    cpu = min(before)
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:  # field 39: current CPU
            current = int(stat.read().rsplit(")", 1)[1].split()[36])
        cpu = current if current in before else cpu
    except (OSError, ValueError, IndexError):
        pass
    try:
        setter(0, {cpu})
    except OSError:
        yield None
        return
    try:
        yield cpu
    finally:
        setter(0, before)
