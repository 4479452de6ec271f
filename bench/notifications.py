"""Notification figures (`make bench`, or `python -m bench --only notifications`).

A child process (its own RIGHTSMARK_DATA_DIR and SQLite file, as the transparency figures
do) migrates a fresh registry, subscribes SUBSCRIPTIONS webhook endpoints of one employer to
every event, and starts a real HTTP receiver on 127.0.0.1. For `seconds` it then writes
RATE outbox events per second, each in its own write transaction (what a certificate change
costs the change), while the delivery worker of `rightsmark serve` (`run_forever`) runs in
the same event loop. The receiver notes each arrival's time.

- `11a notifications`: deliveries per second to the local receiver, from the first event to
  the last arrival. Target >= 100/s: figure 5a's own goal for the write path, so a burst of
  changes fanned out to a few subscribers is delivered about as fast as it is made.
- `11b notifications lag`: p95 seconds from an event's time to its arrival. Target <= 2 s:
  the worker polls every 0.5 s when idle, and a pass costs a fan-out and a claim
  transaction plus one HTTP round trip per delivery.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.figure import Figure, failed_figure, make_figure

SUBSCRIPTIONS = 4
BACKLOG = 150  # events written before the worker starts: 600 deliveries to drain
RATE = 10.0  # changes per second while the worker runs: 40 deliveries/s, under half of 11a
THROUGHPUT_TARGET = 100.0
LAG_TARGET = 2.0


async def _emit(emit: Any, transaction: Any, at: Any, index: int) -> None:
    async with transaction():
        await emit(
            "certificate.suspended", {"certificate": {"id": f"crt_b{index}"}},
            at=at, log_index=index, certificate_id=f"crt_b{index}",
        )  # fmt: skip


async def _measure(seconds: float) -> dict[str, Any]:
    from registry import accounts
    from registry.accounts import Role, authenticate
    from registry.clock import utc_now
    from registry.db.database import close_pool, migrate, start_pool, write_transaction
    from registry.notifications import subscriptions
    from registry.notifications.worker import run_forever
    from registry.outbox.events import emit
    from tests.support.webhooks import receiver

    await migrate()
    await start_pool()
    try:
        _, token, _ = await accounts.create_account(
            name="Bench buyer", role=Role.EMPLOYER, actor="bench", ttl_days=1
        )
        actor = await authenticate(token)
        assert actor is not None
        with receiver() as hooks:
            for _ in range(SUBSCRIPTIONS):
                await subscriptions.create_webhook(actor, url=hooks.url)
            # Throughput: a backlog of BACKLOG events, then the worker drains it.
            for index in range(BACKLOG):
                await _emit(emit, write_transaction, utc_now(), -1 - index)
            stop = asyncio.Event()
            drain_started = time.time()
            worker = asyncio.create_task(run_forever(stop))
            backlog = BACKLOG * SUBSCRIPTIONS
            while len(hooks.requests) < backlog and time.time() < drain_started + 120:
                await asyncio.sleep(0.05)
            drained = len(hooks.requests)
            drain_seconds = time.time() - drain_started
            # Lag: RATE events per second while the worker runs.
            started, written, events = time.time(), 0, {}
            while time.time() - started < seconds:
                at = utc_now()
                await _emit(emit, write_transaction, at, written)
                events[written] = at.timestamp()
                written += 1
                await asyncio.sleep(max(0.0, started + written / RATE - time.time()))
            expected = backlog + written * SUBSCRIPTIONS
            deadline = time.time() + 60
            while len(hooks.requests) < expected and time.time() < deadline:
                await asyncio.sleep(0.1)
            stop.set()
            await worker
            received = list(hooks.requests)
    finally:
        await close_pool()
    distinct = {r.headers["webhook-id"] for r in received}
    lags = [
        r.arrived - events[index]
        for r in received
        if (index := json.loads(r.body)["data"]["log_index"]) >= 0
    ]
    return {
        "backlog_deliveries": backlog,
        "drained": drained,
        "drain_seconds": round(drain_seconds, 3),
        "deliveries_per_s": round(drained / drain_seconds, 1) if drain_seconds else 0,
        "events_under_load": written,
        "expected": expected,
        "received": len(received),
        "distinct": len(distinct),
        "p50_lag_s": statistics.median(lags) if lags else float("nan"),
        "p95_lag_s": statistics.quantiles(lags, n=20)[18] if len(lags) >= 20 else float("nan"),
    }


def bench_notifications(seconds: float) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="rm-bench-notify-") as folder:
        env = os.environ | {
            "RIGHTSMARK_DATA_DIR": folder,
            "RIGHTSMARK_DATABASE_URL": "",
            "RIGHTSMARK_KEY_PASSPHRASE": "bench-passphrase",
            "RIGHTSMARK_WEBHOOK_ALLOW_PRIVATE": "true",
            "RIGHTSMARK_LOG_LEVEL": "warning",
        }
        child = subprocess.run(  # noqa: S603 - our own module, our own interpreter
            [sys.executable, "-m", "bench.notifications", "--seconds", str(seconds)],
            env=env, capture_output=True, text=True, timeout=seconds + 180,
        )  # fmt: skip
    if child.returncode != 0:
        message = (child.stderr or child.stdout).strip().splitlines()[-1:] or ["no output"]
        return [
            failed_figure("11a notifications", "deliveries/s", THROUGHPUT_TARGET, ">=", message[0]),
            failed_figure("11b notifications lag", "p95 s", LAG_TARGET, "<=", message[0]),
        ]
    found = json.loads(child.stdout.strip().splitlines()[-1])
    errors = found["expected"] - found["distinct"]
    messages = [f"{errors} deliveries missing"] if errors else []
    rate = float(found["deliveries_per_s"]) or float("nan")
    return [
        make_figure(
            "11a notifications",
            f"webhook deliveries/s to a local receiver, draining a backlog of "
            f"{BACKLOG} events x {SUBSCRIPTIONS} endpoints",
            rate, THROUGHPUT_TARGET, ">=", errors=errors, messages=messages, details=found,
        ),
        make_figure(
            "11b notifications lag",
            f"p95 seconds from a change to its webhook's arrival, {RATE:g} changes/s x "
            f"{SUBSCRIPTIONS} endpoints",
            found["p95_lag_s"], LAG_TARGET, "<=", errors=errors, messages=messages,
            details=found,
        ),
    ]  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    result = asyncio.run(_measure(parser.parse_args().seconds))
    print(json.dumps(result))
