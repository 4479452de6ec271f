"""Load generators over loopback: `wrk` with a Lua reporter, else a Python fallback.

Both return the same `LoadResult` keys. Every non-2xx answer and every socket error or
timeout counts in `errors`; the figure is a MISS when any occurred.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal, TypedDict

from bench import PROJECT_ROOT

Generator = Literal["wrk", "python"]
CONNECTIONS = 64
FALLBACK_LABEL = "python-httpx (FALLBACK, client-bound)"

LOAD_KEYS = frozenset(
    {
        "generator", "url", "seconds", "connections", "requests", "rps",
        "p50_ms", "p99_ms", "non_2xx", "socket_errors", "errors", "messages",
    }
)  # fmt: skip


class LoadResult(TypedDict):
    generator: str
    url: str
    seconds: float
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int  # connect, read, write errors and timeouts
    errors: int  # non_2xx + socket_errors
    messages: list[str]


# wrk runs `response` in each thread's own Lua state; `done` runs in the main state and
# reads each thread's counter through the thread objects collected in `setup`.
WRK_SCRIPT = """
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'RIGHTSMARK_WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"non_2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def load_details(name: str, load: LoadResult) -> dict[str, float | int | str]:
    """A load phase's figures as a figure's details, prefixed with the phase's name."""
    return {
        f"{name}_rps": load["rps"],
        f"{name}_p50_ms": load["p50_ms"],
        f"{name}_p99_ms": load["p99_ms"],
        f"{name}_requests": load["requests"],
        f"{name}_errors": load["errors"],
    }


def _apt(*args: str) -> bool:
    try:
        done = subprocess.run(  # noqa: S603 - fixed apt-get arguments, no shell
            ["apt-get", *args],  # noqa: S607 - apt-get from PATH, as a root user runs it
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@cache
def ensure_wrk() -> str | None:
    """Path of `wrk`, installing the Debian package when missing and root; else None."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    if not _apt("install", "-y", "-q", "wrk"):
        _apt("update", "-q")
        _apt("install", "-y", "-q", "wrk")
    return shutil.which("wrk")


def _empty(generator: str, url: str, seconds: float, connections: int) -> LoadResult:
    return LoadResult(
        generator=generator, url=url, seconds=seconds, connections=connections, requests=0,
        rps=0.0, p50_ms=float("nan"), p99_ms=float("nan"), non_2xx=0, socket_errors=0,
        errors=0, messages=[],
    )  # fmt: skip


def _post_prelude(body_file: Path) -> str:
    """Lua that makes every wrk request a POST of the JSON in `body_file`."""
    return (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'local file = assert(io.open([==[{body_file}]==], "rb"))\n'
        'wrk.body = file:read("*a")\n'
        "file:close()\n"
    )


def _bodies_postlude(bodies_file: Path, threads: int) -> str:
    """Lua that makes every wrk request a POST of the next of the length-prefixed JSON
    bodies in `bodies_file`: thread t sends bodies t, t + threads, ... round and round, so
    together they go through the list in order and no body comes back before all others."""
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies_file = assert(io.open([==[{bodies_file}]==], "rb"))
local data = bodies_file:read("*a")
bodies_file:close()
local bodies = {{}}
local at = 1
while at <= #data do
  local newline = string.find(data, "\\n", at, true)
  local size = tonumber(string.sub(data, at, newline - 1))
  table.insert(bodies, string.sub(data, newline + 1, newline + size))
  at = newline + size + 1
end
local base_setup = setup
local next_offset = 0
function setup(thread)
  base_setup(thread)
  thread:set("offset", next_offset)
  next_offset = next_offset + 1
end
local sent = 0
function request()
  local index = (sent * {threads} + (offset or 0)) % #bodies + 1
  sent = sent + 1
  return wrk.format(nil, nil, nil, bodies[index])
end
"""


def run_wrk(
    wrk: str,
    url: str,
    seconds: float,
    connections: int = CONNECTIONS,
    threads: int | None = None,
    *,
    body: bytes | None = None,
    bodies: Sequence[bytes] = (),
) -> LoadResult:
    """`wrk` for whole seconds (at least 1) at `connections` keep-alive connections.

    By default wrk gets half the cores, leaving the rest to the server it loads. With `body`,
    every request POSTs it as JSON instead of a GET; with `bodies`, each request POSTs the
    next of them, in turn.
    """
    threads = min(threads or max(1, (os.cpu_count() or 2) // 2), connections)
    whole = max(1, round(seconds))
    result = _empty("wrk", url, float(whole), connections)
    with tempfile.TemporaryDirectory(prefix="rightsmark-wrk-") as scratch:
        script = Path(scratch) / "report.lua"
        prelude = postlude = ""
        if body is not None:
            body_file = Path(scratch) / "body.json"
            body_file.write_bytes(body)
            prelude = _post_prelude(body_file)
        if bodies:
            bodies_file = Path(scratch) / "bodies"
            bodies_file.write_bytes(b"".join(b"%d\n%b" % (len(b), b) for b in bodies))
            postlude = _bodies_postlude(bodies_file, threads)
        script.write_text(prelude + WRK_SCRIPT + postlude)
        command = [
            wrk, f"-t{threads}", f"-c{connections}", f"-d{whole}s",
            "--timeout", "5s", "-s", str(script), url,
        ]  # fmt: skip
        try:
            done = subprocess.run(  # noqa: S603 - the wrk binary, no shell
                command, capture_output=True, text=True, timeout=whole + 60, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            result["errors"], result["messages"] = 1, [f"wrk did not run: {exc}"]
            return result
    line = next((x for x in done.stdout.splitlines() if x.startswith("RIGHTSMARK_WRK ")), None)
    if done.returncode != 0 or line is None:
        output = (done.stderr or done.stdout).strip()[-500:]
        result["errors"], result["messages"] = 1, [f"wrk exited {done.returncode}: {output}"]
        return result
    data = json.loads(line.removeprefix("RIGHTSMARK_WRK "))
    socket_errors = sum(int(data[k]) for k in ("connect", "read", "write", "timeout"))
    non_2xx = int(data["non_2xx"])
    messages = []
    if non_2xx or socket_errors:
        messages.append(
            f"{url}: {non_2xx} non-2xx, {data['connect']} connect, {data['read']} read, "
            f"{data['write']} write errors, {data['timeout']} timeouts"
        )
    return LoadResult(
        generator="wrk",
        url=url,
        seconds=data["duration_us"] / 1e6,
        connections=connections,
        requests=int(data["requests"]),
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1e3,
        p99_ms=data["p99_us"] / 1e3,
        non_2xx=non_2xx,
        socket_errors=socket_errors,
        errors=non_2xx + socket_errors,
        messages=messages,
    )


def run_python(
    url: str, seconds: float, connections: int = CONNECTIONS, *, body: bytes | None = None
) -> LoadResult:
    """The fallback: `python -m bench.pyload` in its own process, reporting JSON."""
    result = _empty(FALLBACK_LABEL, url, seconds, connections)
    command = [
        sys.executable, "-m", "bench.pyload", url,
        "--seconds", str(seconds), "--connections", str(connections),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="rightsmark-pyload-") as scratch:
        if body is not None:
            body_file = Path(scratch) / "body.json"
            body_file.write_bytes(body)
            command += ["--body-file", str(body_file)]
        return _run_python(command, result, seconds)


def _run_python(command: list[str], result: LoadResult, seconds: float) -> LoadResult:
    url, connections = result["url"], result["connections"]
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, no shell
            command, cwd=PROJECT_ROOT, capture_output=True, text=True,
            timeout=seconds + 60, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        result["errors"], result["messages"] = 1, [f"python load generator did not run: {exc}"]
        return result
    if done.returncode != 0:
        result["errors"] = 1
        result["messages"] = [f"python load generator exited {done.returncode}: "
                              f"{done.stderr.strip()[-500:]}"]  # fmt: skip
        return result
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return LoadResult(
        generator=FALLBACK_LABEL,
        url=url,
        seconds=float(data["seconds"]),
        connections=connections,
        requests=int(data["requests"]),
        rps=float(data["rps"]),
        p50_ms=float(data["p50_ms"]),
        p99_ms=float(data["p99_ms"]),
        non_2xx=int(data["non_2xx"]),
        socket_errors=int(data["socket_errors"]),
        errors=int(data["errors"]),
        messages=[str(m) for m in data["messages"]],
    )


def run_load(
    generator: Generator, wrk: str | None, url: str, seconds: float, *, body: bytes | None = None
) -> LoadResult:
    """GET `url` (or POST `body` to it) under load for `seconds`."""
    if generator == "wrk" and wrk is not None:
        return run_wrk(wrk, url, seconds, body=body)
    return run_python(url, seconds, body=body)
