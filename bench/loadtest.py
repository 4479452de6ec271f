"""Figure 7: sustained mixed traffic against one real server (`make bench`, `--only load`).

The server is `rightsmark init --demo` plus a bulk load (`bench.scale.bulk`, by default
2,000 providers and 10,000 signed certificates) on SQLite, then `rightsmark serve --workers
N` (`WORKERS`: 2 on SQLite, 1 on PostgreSQL), with the verify rate limit lifted. `wrk`
drives the mix of `bench.mixload` for `--load-seconds` (default 60) over 64 keep-alive
connections: 90 % certificate fetch and verification, 9 % search, 1 % secretariat writes.
Every non-2xx answer and socket error is an error.

The server runs `WORKERS` processes (`serve --workers`). Its memory is that of all of them
(supervisor and workers, summed): resident size sampled every 0.2 s while loaded, and the
kernel's high-water marks (VmHWM) when the run ends, before it is stopped.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench.figure import Figure, failed_figure, make_figure
from bench.load import CONNECTIONS, ensure_wrk
from bench.mixload import MIX, MixData, run_mix
from bench.server import ServerError, free_port, rightsmark_command, running_server

FIG_ID, TITLE = "7 load", "mixed load (90 % fetch+verify, 9 % search, 1 % writes): requests/s"
TARGET = 1500.0  # requests/s: issue 14, on a 2-core machine shared with wrk
LATENCY_ID, LATENCY_TITLE, LATENCY_TARGET = "7c load p99", "mixed load p99 latency (ms)", 150.0
MEMORY_ID, MEMORY_TITLE, MEMORY_TARGET = "7b load memory", "server peak RSS (MiB)", 512.0
PROVIDERS, CERTIFICATES = 2_000, 10_000
# Server processes (`rightsmark serve --workers`), as measured best on this 2-core machine
# shared with wrk (docs/benchmarks.md): on SQLite two (434 against 366 req/s with one); on
# PostgreSQL one, since its server needs the second core (511 against 323 req/s).
WORKERS = {"SQLite": 2, "PostgreSQL": 1}
LOAD_DB = "rm_load"  # the scratch PostgreSQL database of `--load-postgres`


def _one_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers under its supervisor)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with suppress(OSError, ValueError):
                todo += [int(child) for child in task.read_text().split()]
    return found


def _status_kib(pid: int, key: str) -> int:
    """`key` of /proc/<pid>/status summed over the server's processes: with workers, the
    supervisor and every worker (VmHWM so summed: each process's own peak, added up)."""
    return sum(_one_kib(p, key) for p in _tree(pid))


class MemorySampler:
    """Samples a process's VmRSS in a thread; `peak_mib` and the kernel's VmHWM."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak_kib = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, _status_kib(self.pid, "VmRSS"))
            self._stop.wait(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class LatencyProbe:
    """Times one request every `every` seconds, on a connection of its own, while the load
    runs: a sample of the latency a client sees that does not depend on wrk's own
    histogram (whose percentiles, under this mix, do not agree with its throughput: see
    docs/benchmarks.md). Reads of the mix's kinds in turn: certificate API, page,
    credential, and a verification."""

    def __init__(self, base: str, data: MixData, every: float = 0.05) -> None:
        self.base, self.data, self.every = base, data, every
        self.samples_ms: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _requests(self, client: httpx.Client) -> Iterator[httpx.Request]:
        n = 0
        while True:
            crt_id, code = self.data.certificates[n % len(self.data.certificates)]
            kind = n % 4
            if kind == 0:
                yield client.build_request("GET", f"/api/v1/certificates/{code}")
            elif kind == 1:
                yield client.build_request("GET", f"/certificates/{code}")
            elif kind == 2:
                yield client.build_request("GET", f"/credentials/{crt_id}")
            else:
                body = self.data.credentials[n % len(self.data.credentials)]
                yield client.build_request(
                    "POST",
                    "/api/v1/verify",
                    content=body,
                    headers={"Content-Type": "application/json"},
                )
            n += 1

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30.0) as client:
            for request in self._requests(client):
                if self._stop.is_set():
                    return
                started = time.perf_counter()
                try:
                    answer = client.send(request)
                    answer.read()
                    ok = answer.is_success
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                if ok:
                    self.samples_ms.append(elapsed * 1000)
                else:
                    self.failures += 1
                self._stop.wait(max(0.0, self.every - elapsed))

    def __enter__(self) -> LatencyProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.samples_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


KEEP_LOG = "RIGHTSMARK_BENCH_KEEP_LOG"


@contextmanager
def loaded_server(
    providers: int,
    certificates: int,
    database_url: str = "",
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, Path, int]]:
    """(base URL, data directory, server pid) of a demo + bulk-loaded server, on SQLite in
    the data directory, or in `database_url` (an empty PostgreSQL database), serving with
    `workers` processes."""
    command = rightsmark_command()
    if command is None:
        raise ServerError("the `rightsmark` command is not installed (pip install -e .)")
    with tempfile.TemporaryDirectory(prefix="rightsmark-load-") as data_dir:
        port = free_port()
        pid_file = Path(data_dir) / "server.pid"
        env = {
            "RIGHTSMARK_DATA_DIR": data_dir,
            "RIGHTSMARK_DATABASE_URL": database_url,
            "RIGHTSMARK_PORT": str(port),
            "RIGHTSMARK_HOST": "127.0.0.1",
            "RIGHTSMARK_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "RIGHTSMARK_KEY_PASSPHRASE": secrets.token_urlsafe(24),
            "RIGHTSMARK_VERIFY_RATE_PER_MINUTE": str(10**9),
            "RIGHTSMARK_SEARCH_RATE_PER_MINUTE": str(10**9),
            # RIGHTSMARK_BENCH_KEEP_LOG=PATH keeps the server's access log (each request's
            # path, status and milliseconds) there, to see where the time goes.
            "RIGHTSMARK_LOG_LEVEL": "info" if os.environ.get(KEEP_LOG) else "warning",
            **(extra_env or {}),
        }
        bulk = [
            sys.executable,
            "-m",
            "bench.scale.bulk",
            "--providers",
            str(providers),
            "--certificates",
            str(certificates),
            "--no-progress",
        ]
        # `exec` keeps the shell's pid, so the pid file names the server process itself.
        serve = [
            "/bin/sh",
            "-c",
            'echo $$ > "$0" && exec "$1" serve --workers "$2"',
            str(pid_file),
            command,
            str(workers),
        ]
        with running_server(
            serve,
            port,
            env=env,
            prepare=[[command, "init", "--demo"], bulk],
            log=Path(data_dir) / "bench-server.log",
        ) as base:
            try:
                yield base, Path(data_dir), int(pid_file.read_text().strip())
            finally:
                if keep := os.environ.get(KEEP_LOG):
                    shutil.copyfile(Path(data_dir) / "bench-server.log", keep)


def prepare_mix(base: str, data_dir: Path, threads: int = 1) -> MixData:
    """Real ids, codes, credentials and provider names from the running server."""
    token = (data_dir / "secretariat-token").read_text().strip()
    certificates: list[tuple[str, str]] = []
    with httpx.Client(base_url=base, timeout=30.0) as client:
        for offset in range(0, 1000, 200):
            page = client.get(
                "/api/v1/certificates", params={"status": "valid", "limit": 200, "offset": offset}
            )
            page.raise_for_status()
            certificates += [(c["id"], c["code"]) for c in page.json()["items"]]
        if len(certificates) < 20:
            raise ServerError(f"only {len(certificates)} valid certificates to load")
        # The last 100 are written to; the rest are read and verified.
        reads, writes = certificates[:-100] or certificates, [c[0] for c in certificates[-100:]]
        credentials = []
        for public_id, _ in reads[:200]:
            answer = client.get(f"/credentials/{public_id}")
            answer.raise_for_status()
            credentials.append(answer.content)
        check = client.post(
            "/api/v1/verify", content=credentials[0], headers={"Content-Type": "application/json"}
        )
        if check.status_code != 200 or check.json().get("valid") is not True:
            raise ServerError(f"a served credential does not verify: {check.text[:300]}")
        names = [
            client.get(f"/api/v1/certificates/{c}").json()["provider"]["legal_name"]
            for c, _ in reads[:40]
        ]
    # A full name (one provider) and its first word (a place: a broad search).
    searches = sorted(
        {f"q={quote(n)}" for n in names} | {f"q={quote(n.split()[0])}" for n in names}
    )
    return MixData(reads, credentials, searches, writes, token, threads)


def bench_load_at(base: str, data_dir: Path, pid: int, seconds: float) -> dict[str, Any]:
    """The mix against a running server; the report with the server's memory added."""
    wrk = ensure_wrk()
    if wrk is None:
        raise ServerError("wrk is not installed and could not be installed (needs root)")
    data = prepare_mix(base, data_dir, threads=max(1, (os.cpu_count() or 2) // 2))
    idle_kib = _status_kib(pid, "VmRSS")
    # Warm caches and connections. The warm-up writes to its own half of the pool: the run
    # after it starts every write certificate from a known state (active).
    half = len(data.writes) // 2
    warm = replace(data, writes=data.writes[:half])
    data = replace(data, writes=data.writes[half:])
    run_mix(wrk, base, warm, min(2.0, seconds), CONNECTIONS)
    with MemorySampler(pid) as sampler, LatencyProbe(base, data) as probe:
        report = run_mix(wrk, base, data, seconds, CONNECTIONS)
    report["probe_requests"] = len(probe.samples_ms)
    report["probe_failures"] = probe.failures
    for name, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        report[f"probe_{name}_ms"] = probe.percentile(fraction)
    report["rss_idle_mib"] = idle_kib / 1024
    report["rss_peak_sampled_mib"] = sampler.peak_kib / 1024
    report["rss_hwm_mib"] = _status_kib(pid, "VmHWM") / 1024
    return report


@contextmanager
def _database(postgres: bool) -> Iterator[str]:
    """ "" (SQLite), or the URL of a scratch PostgreSQL database dropped afterwards."""
    if not postgres:
        yield ""
        return
    from bench.scale.run import ADMIN_ENV, ADMIN_URL, admin_sql, database_url

    admin = os.environ.get(ADMIN_ENV, ADMIN_URL)
    admin_sql(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)", admin)
    admin_sql(f"CREATE DATABASE {LOAD_DB}", admin)
    try:
        yield database_url(admin, LOAD_DB)
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)", admin)


def bench_load(
    seconds: float,
    providers: int = PROVIDERS,
    certificates: int = CERTIFICATES,
    *,
    postgres: bool = False,
) -> list[Figure]:
    """Figures 7 (requests/s, zero errors), 7c (p99 latency) and 7b (peak memory); ids end
    in " pg" when the server runs on a scratch PostgreSQL database instead of SQLite."""
    suffix, engine = (" pg", "PostgreSQL") if postgres else ("", "SQLite")
    fig_id, memory_id, latency_id = FIG_ID + suffix, MEMORY_ID + suffix, LATENCY_ID + suffix
    workers = WORKERS[engine]
    started = time.perf_counter()
    try:
        with (
            _database(postgres) as url,
            loaded_server(providers, certificates, url, workers) as (base, data_dir, pid),
        ):
            setup_s = time.perf_counter() - started
            report = bench_load_at(base, data_dir, pid, seconds)
    except Exception as exc:  # any failure (server, wrk, database) is this figure's error
        message = f"load ({engine}): {type(exc).__name__}: {exc}"
        return [
            failed_figure(fig_id, TITLE, TARGET, ">=", message),
            failed_figure(latency_id, LATENCY_TITLE, LATENCY_TARGET, "<=", message),
            failed_figure(memory_id, MEMORY_TITLE, MEMORY_TARGET, "<=", message),
        ]
    messages = []
    if report["errors"]:
        messages.append(
            f"{report['non_2xx']} non-2xx answers (by status: "
            f"{report['statuses']}), {report['socket_errors']} socket errors"
        )
    details: dict[str, float | int | str] = {
        "generator": "wrk (Lua mix)",
        "server_workers": workers,
        "connections": report["connections"],
        "seconds": report["seconds"],
        "requests": report["requests"],
        "rps": report["rps"],
        "p50_ms": report["p50_ms"],
        "p90_ms": report["p90_ms"],
        "p99_ms": report["p99_ms"],
        "max_ms": report["max_ms"],
        "mean_ms": report["mean_ms"],
        "errors": report["errors"],
        **{
            key: report[key]
            for key in (
                "probe_requests",
                "probe_failures",
                "probe_p50_ms",
                "probe_p90_ms",
                "probe_p99_ms",
            )
        },
        "registry": f"{providers:,} providers, {certificates:,} certificates + demo ({engine}), "
        f"serve --workers {workers}",
        "setup_s": setup_s,
        **{f"sent_{kind}": report["sent"].get(kind, 0) for kind, _ in MIX},
    }
    memory = {key: report[key] for key in ("rss_idle_mib", "rss_peak_sampled_mib", "rss_hwm_mib")}
    return [
        make_figure(
            fig_id,
            TITLE,
            report["rps"],
            TARGET,
            ">=",
            errors=report["errors"],
            messages=messages,
            details=details,
        ),
        make_figure(
            latency_id,
            LATENCY_TITLE,
            report["p99_ms"],
            LATENCY_TARGET,
            "<=",
            details={"p50_ms": report["p50_ms"], "p90_ms": report["p90_ms"], "unit": "ms"},
        ),
        make_figure(
            memory_id,
            MEMORY_TITLE,
            report["rss_hwm_mib"],
            MEMORY_TARGET,
            "<=",
            details={**memory, "unit": "MiB"},
        ),
    ]
