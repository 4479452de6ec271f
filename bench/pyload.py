"""The fallback load generator: many concurrent httpx connections in one asyncio process.

Run as `python -m bench.pyload URL --seconds S --connections C`; prints one JSON line with
the `bench.load.LoadResult` numbers. It is slower than `wrk` (it may saturate before the
server does), which is why the report labels it as the fallback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

import httpx


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


async def drive(
    url: str, seconds: float, connections: int, body: bytes | None = None
) -> dict[str, object]:
    latencies: list[float] = []
    counts = {"non_2xx": 0, "socket_errors": 0}
    messages: list[str] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"Content-Type": "application/json"}
    async with httpx.AsyncClient(limits=limits, timeout=5.0) as client:

        async def request() -> httpx.Response:
            if body is None:
                return await client.get(url)
            return await client.post(url, content=body, headers=headers)

        await request()  # open one connection before the clock starts
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            while (now := time.perf_counter()) < deadline:
                try:
                    response = await request()
                except httpx.HTTPError as exc:
                    counts["socket_errors"] += 1
                    if len(messages) < 5:
                        messages.append(f"{type(exc).__name__}: {exc}")
                    continue
                latencies.append(time.perf_counter() - now)
                if not 200 <= response.status_code < 300:
                    counts["non_2xx"] += 1
                    if len(messages) < 5:
                        messages.append(f"HTTP {response.status_code}")

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    requests = len(latencies) + counts["socket_errors"]
    return {
        "url": url,
        "seconds": elapsed,
        "connections": connections,
        "requests": requests,
        "rps": requests / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1e3,
        "p99_ms": percentile(latencies, 0.99) * 1e3,
        "non_2xx": counts["non_2xx"],
        "socket_errors": counts["socket_errors"],
        "errors": counts["non_2xx"] + counts["socket_errors"],
        "messages": messages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--body-file", type=Path, help="POST this file as JSON instead of GET")
    args = parser.parse_args()
    seconds = min(max(args.seconds, 0.1), 600.0)  # bounded, whatever the caller asked
    body = args.body_file.read_bytes() if args.body_file else None
    print(json.dumps(asyncio.run(drive(args.url, seconds, args.connections, body))))


if __name__ == "__main__":
    main()
