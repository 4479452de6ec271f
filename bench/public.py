"""Figures 9a-9d (issue 14): the public read path, each against a baseline of the same run.

One server process (`rightsmark init --demo` plus a bulk load of `PROVIDERS` providers and
`CERTIFICATES` signed certificates on SQLite, `rightsmark serve`, rate limits lifted), loaded
by `wrk` over `CONNECTIONS` keep-alive connections, each phase after a short warm-up:

9a. the certificate page `/certificates/{code}` of a valid certificate / `GET /health/live`;
9b. the certificate API `GET /api/v1/certificates/{code}` / `GET /health/live`;
9c. the search page `/?q=<word>`, the word the first of a provider's name (a city, shared
    by ~1 % of providers) / `GET /health/live`;
9d. `POST /api/v1/verify` of `DISTINCT` different real credentials in turn, more than the
    server remembers verdicts of (`registry.certificates.verifier._MEMO_SIZE`), so each one
    is verified afresh / the offline `verify_certificate` rate of figure 6 (one core).

Plain GETs, no `If-None-Match`: a browser's first visit, not a revalidation.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx

from bench.credentials import Prepared, offline_rate
from bench.figure import Figure, Measurement, make_figure
from bench.load import LoadResult, ensure_wrk, load_details, run_python, run_wrk
from bench.loadtest import loaded_server
from bench.server import ServerError

PROVIDERS, CERTIFICATES = 1_000, 5_000
DISTINCT = 4_600  # > the 4,096 verdicts the server remembers
CONNECTIONS = 32
BASELINE_PATH = "/health/live"
PAGE_ID, PAGE_TITLE, PAGE_TARGET = (
    "9a certificate page",
    "GET /certificates/{code} / GET /health/live (requests/s)",
    0.30,
)
API_ID, API_TITLE, API_TARGET = (
    "9b certificate API",
    "GET /api/v1/certificates/{code} / GET /health/live (requests/s)",
    0.50,
)
SEARCH_ID, SEARCH_TITLE, SEARCH_TARGET = (
    "9c search page",
    "GET /?q=<a city> / GET /health/live (requests/s)",
    0.15,
)
VERIFY_ID, VERIFY_TITLE, VERIFY_TARGET = (
    "9d verify distinct",
    f"POST /api/v1/verify of {DISTINCT} distinct credentials (requests/s) "
    "/ offline verify_certificate/s",
    0.5,
)
IDS = (PAGE_ID, API_ID, SEARCH_ID, VERIFY_ID)
TITLES = (PAGE_TITLE, API_TITLE, SEARCH_TITLE, VERIFY_TITLE)
TARGETS = (PAGE_TARGET, API_TARGET, SEARCH_TARGET, VERIFY_TARGET)


def _credentials(client: httpx.Client, wanted: int) -> list[bytes]:
    """`wanted` credentials as issued (any state: each is a whole verification)."""
    ids: list[str] = []
    while len(ids) < wanted:
        page = client.get("/api/v1/certificates", params={"limit": 200, "offset": len(ids)})
        page.raise_for_status()
        items = page.json()["items"]
        if not items:
            break
        ids += [item["id"] for item in items]
    bodies = []
    for public_id in ids[:wanted]:
        answer = client.get(f"/credentials/{public_id}")
        answer.raise_for_status()
        bodies.append(answer.content)
    return bodies


def _get(client: httpx.Client, path: str, kind: str) -> tuple[int, str | None]:
    response = client.get(path)
    if response.status_code != 200:
        return len(response.content), f"GET {path}: HTTP {response.status_code}"
    if not response.headers.get("content-type", "").startswith(kind):
        return len(response.content), f"GET {path}: {response.headers.get('content-type')}"
    return len(response.content), None


def _load(
    wrk: str | None, url: str, seconds: float, bodies: list[bytes] | None = None
) -> LoadResult:
    if wrk is None:
        return run_python(url, seconds, CONNECTIONS, body=bodies[0] if bodies else None)
    return run_wrk(wrk, url, seconds, CONNECTIONS, bodies=bodies or ())


def bench_public_at(base: str, seconds: float, wrk: str | None) -> list[Figure]:
    prepared = Prepared(base)
    messages: list[str] = list(prepared.problems)
    if wrk is None:
        messages.append("load generator: python fallback (wrk missing): one body, not distinct")
    with httpx.Client(base_url=base, timeout=30.0) as client:
        found = client.get(f"/api/v1/certificates/{prepared.url.rsplit('/', 1)[-1]}")
        found.raise_for_status()
        detail = found.json()
        word = detail["provider"]["legal_name"].split()[0]
        paths = {
            "page": (f"/certificates/{detail['code']}", "text/html"),
            "api": (f"/api/v1/certificates/{detail['code']}", "application/json"),
            "search": (f"/?q={quote(word)}", "text/html"),
        }
        sizes: dict[str, int] = {}
        for name, (path, kind) in paths.items():
            sizes[name], problem = _get(client, path, kind)
            if problem:
                messages.append(problem)
        bodies = _credentials(client, DISTINCT)
    if len(bodies) < DISTINCT:
        messages.append(f"only {len(bodies)} credentials: the server may remember verdicts")
    warm = min(2.0, seconds / 5)
    loads: dict[str, LoadResult] = {}
    phases = [("baseline", BASELINE_PATH), *((n, p) for n, (p, _) in paths.items())]
    for name, path in phases:
        _load(wrk, base + path, warm)
        loads[name] = _load(wrk, base + path, seconds)
    # No warm-up: it would make the server remember verdicts of the first bodies.
    loads["verify"] = _load(wrk, base + "/api/v1/verify", seconds, bodies)
    offline, offline_problems = offline_rate(prepared, seconds)
    baseline = loads["baseline"]["rps"]
    figures = []
    for (name, _), fig_id, title, target in zip(phases[1:], IDS, TITLES, TARGETS, strict=False):
        details: dict[str, Measurement] = {
            "generator": loads[name]["generator"],
            "connections": CONNECTIONS,
            "seconds_per_phase": loads[name]["seconds"],
            f"{name}_path": paths[name][0],
            f"{name}_body_bytes": sizes[name],
            **load_details(name, loads[name]),
            **load_details("baseline", loads["baseline"]),
        }
        figures.append(
            make_figure(
                fig_id,
                title,
                loads[name]["rps"] / baseline if baseline > 0 else float("nan"),
                target,
                ">=",
                errors=loads[name]["errors"] + loads["baseline"]["errors"],
                messages=messages + loads[name]["messages"] + loads["baseline"]["messages"],
                details=details,
            )
        )
    verify = loads["verify"]
    figures.append(
        make_figure(
            VERIFY_ID,
            VERIFY_TITLE,
            verify["rps"] / offline if offline > 0 else float("nan"),
            VERIFY_TARGET,
            ">=",
            errors=verify["errors"] + len(offline_problems),
            messages=[*messages, *offline_problems, *verify["messages"]],
            details={
                "generator": verify["generator"],
                "connections": CONNECTIONS,
                "distinct_bodies": len(bodies),
                **load_details("verify", verify),
                "offline_verify_per_s": offline,
            },
        )
    )
    return figures


def bench_public(seconds: float) -> list[Figure]:
    """Figures 9a-9d against a fresh demo + bulk-loaded server on SQLite."""
    wrk = ensure_wrk()
    try:
        with loaded_server(PROVIDERS, CERTIFICATES) as (base, _data_dir, _pid):
            return bench_public_at(base, seconds, wrk)
    except (ServerError, httpx.HTTPError, KeyError, ValueError, json.JSONDecodeError) as exc:
        message = f"server: {type(exc).__name__}: {exc}"
        return [
            make_figure(i, t, float("nan"), g, ">=", errors=1, messages=[message])
            for i, t, g in zip(IDS, TITLES, TARGETS, strict=True)
        ]
