"""Figure 1 (issue "foundation"): a published standard version vs a trivial JSON endpoint.

Both endpoints of one server process are loaded in the same run, the same way, one after
the other, each after a short warm-up; the figure is the ratio of their requests/s.
"""

from __future__ import annotations

import httpx

from bench.figure import Figure, make_figure
from bench.load import (
    FALLBACK_LABEL,
    Generator,
    LoadResult,
    ensure_wrk,
    load_details,
    run_load,
)
from bench.server import ServerError, rightsmark_server

STANDARD_PATH = "/api/v1/standards/core-rights/versions/1.0.0"
BASELINE_PATH = "/health/live"
FIG_ID = "1 foundation"
TITLE = f"GET {STANDARD_PATH} / GET {BASELINE_PATH} (requests/s)"
TARGET = 0.5


def _probe(base: str, path: str) -> tuple[int, str | None]:
    """One request: the endpoint must answer 200 with JSON before it is worth loading.

    Returns the body size (so the report shows what one request carries) and any problem.
    """
    try:
        response = httpx.get(base + path, timeout=10.0)
    except httpx.HTTPError as exc:
        return 0, f"GET {path}: {type(exc).__name__}: {exc}"
    size = len(response.content)
    if response.status_code != 200:
        return size, f"GET {path}: HTTP {response.status_code}: {response.text[:200]}"
    if not response.headers.get("content-type", "").startswith("application/json"):
        kind = response.headers.get("content-type")
        return size, f"GET {path}: content-type {kind!r}, not JSON"
    return size, None


def bench_foundation_at(
    base: str, seconds: float, generator: Generator | None = None
) -> list[Figure]:
    """Figure 1 against a server already running at `base`."""
    wrk = ensure_wrk() if generator != "python" else None
    chosen: Generator = "wrk" if wrk is not None and generator != "python" else "python"
    (standard_bytes, bad_standard), (baseline_bytes, bad_baseline) = (
        _probe(base, STANDARD_PATH),
        _probe(base, BASELINE_PATH),
    )
    messages = [m for m in (bad_standard, bad_baseline) if m]
    if messages:
        return [make_figure(FIG_ID, TITLE, float("nan"), TARGET, ">=", errors=len(messages),
                            messages=messages)]  # fmt: skip
    if chosen == "python":
        why = "forced" if generator == "python" else "wrk could not be found or installed"
        messages.append(f"load generator: {FALLBACK_LABEL} ({why}); wrk would load harder")
    warm = min(2.0, seconds / 5)  # wrk rounds it up to one second
    loads: dict[str, LoadResult] = {}
    for name, path in (("baseline", BASELINE_PATH), ("standard", STANDARD_PATH)):
        run_load(chosen, wrk, base + path, warm)  # warm-up: caches, connections, JIT-free
        loads[name] = run_load(chosen, wrk, base + path, seconds)
    errors = sum(load["errors"] for load in loads.values())
    for load in loads.values():
        messages.extend(load["messages"])
    baseline = loads["baseline"]["rps"]
    ratio = loads["standard"]["rps"] / baseline if baseline > 0 else float("nan")
    details: dict[str, float | int | str] = {
        "generator": loads["standard"]["generator"],
        "connections": loads["standard"]["connections"],
        "seconds_per_phase": loads["standard"]["seconds"],
        "standard_body_bytes": standard_bytes,
        **load_details("standard", loads["standard"]),
        "baseline_body_bytes": baseline_bytes,
        **load_details("baseline", loads["baseline"]),
    }
    return [make_figure(FIG_ID, TITLE, ratio, TARGET, ">=", errors=errors, messages=messages,
                        details=details)]  # fmt: skip


def bench_foundation(seconds: float, generator: Generator | None = None) -> list[Figure]:
    """Figure 1 against a fresh `rightsmark init` + `rightsmark serve` in a temp directory."""
    if generator != "python":
        ensure_wrk()  # an install, if any, happens before the server starts
    try:
        with rightsmark_server() as base:
            return bench_foundation_at(base, seconds, generator)
    except ServerError as exc:
        return [make_figure(FIG_ID, TITLE, float("nan"), TARGET, ">=", errors=1,
                            messages=[f"server: {exc}"])]  # fmt: skip
