"""Fresh verdicts (issue 14): a verification that starts after a change of state was
acknowledged reports the new state (docs/freshness.md).

A real server (`rightsmark serve`) on SQLite and on PostgreSQL. One client thread suspends
and reinstates a certificate through the secretariat API, pausing a random moment after
each acknowledgement, while others verify it without pause: `POST /api/v1/verify` with the
credential, `POST /api/v1/verify/batch`, and `GET /api/v1/certificates/{code}`. Every
verification is judged against the changes the client saw, all timed on one clock: a
verification may report the state acknowledged last before it started, or one whose change
was sent before it ended (in flight meanwhile), and nothing else.

With one server process the window is zero: in the process that made the change it is
seen at once. With two worker processes a verification may run in the worker that did not
make the change; it must see it once the read cache's window has passed since the
acknowledgement (`registry.db.cache.WINDOW_SECONDS`).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from registry.db.cache import WINDOW_SECONDS
from tests.e2e.faults.harness import ENGINES, Registry, Workload, client, registry

pytestmark = pytest.mark.e2e
READERS = 3  # verifying threads, beside the one that changes the state


@dataclass(frozen=True)
class Change:
    state: str  # "valid" or "suspended": what a verifier must report once it holds
    sent: float  # time.monotonic() when the request left
    acknowledged: float  # ... and when its answer came back


@dataclass(frozen=True)
class Seen:
    how: str
    started: float
    ended: float
    state: str


def _allowed(changes: list[Change], seen: Seen, window: float) -> set[str]:
    """The states a verification over [started, ended] may report: the one acknowledged
    last before `started - window`, and those of the changes sent before it ended."""
    settled = [c for c in changes if c.acknowledged <= seen.started - window]
    allowed = {settled[-1].state if settled else "valid"}
    cutoff = len(settled)
    allowed |= {c.state for c in changes[cutoff:] if c.sent < seen.ended}
    return allowed


def _staleness(changes: list[Change], seen: Seen) -> float:
    """The smallest window that allows what the verification reported."""
    if seen.state in _allowed(changes, seen, 0.0):
        return 0.0
    for change in reversed([c for c in changes if c.acknowledged <= seen.started]):
        window = seen.started - change.acknowledged + 1e-9
        if seen.state in _allowed(changes, seen, window):
            return window
    return float("inf")


Read = Callable[[httpx.Client], str]


def _ways(credential: bytes, code: str) -> list[tuple[str, Read]]:
    """The ways of reading the certificate's state, taken in turn."""

    def one(http: httpx.Client) -> str:
        response = http.post(
            "/api/v1/verify", content=credential, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["status"])

    def batch(http: httpx.Client) -> str:
        body = b'{"credentials":[' + credential + b"]}"
        response = http.post(
            "/api/v1/verify/batch", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["items"][0]["status"])

    def record(http: httpx.Client) -> str:
        response = http.get(f"/api/v1/certificates/{code}")
        assert response.status_code == 200, response.text
        return str(response.json()["status"])

    return [("verify", one), ("verify", one), ("batch", batch), ("certificate", record)]


def _run(
    server: Registry, work: Workload, *, rounds: int, pause: float, fresh_connections: bool
) -> tuple[list[Change], list[Seen]]:
    certificate = work.certificate()
    summary = work.http.get(f"/api/v1/certificates/{certificate}").json()
    credential = httpx.get(f"{server.url}/credentials/{certificate}", timeout=30).content
    ways = _ways(credential, summary["code"])
    # A new connection per request lands on any worker; a kept one stays on one.
    options: dict[str, Any] = (
        {"limits": httpx.Limits(max_keepalive_connections=0)} if fresh_connections else {}
    )
    changes: list[Change] = []
    seen: list[Seen] = []
    done = threading.Event()
    failures: list[BaseException] = []

    def reader(offset: int) -> None:
        try:
            with client(server.url, **options) as http:
                turn = offset
                while not done.is_set():
                    how, read = ways[turn % len(ways)]
                    turn += 1
                    started = time.monotonic()
                    state = read(http)
                    seen.append(Seen(how, started, time.monotonic(), state))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            done.set()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    rng = random.Random(14)  # reproducible pauses
    try:
        for _ in range(rounds):
            for action, state in (("suspend", "suspended"), ("reinstate", "valid")):
                if done.is_set():
                    break
                sent = time.monotonic()
                response = work.http.post(
                    f"/api/v1/certificates/{certificate}/{action}",
                    json={"reason": f"freshness test: {action}"},
                )
                acknowledged = time.monotonic()
                assert response.status_code == 200, response.text
                changes.append(Change(state, sent, acknowledged))
                time.sleep(rng.uniform(0, pause))
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    if failures:
        raise failures[0]
    return changes, seen


def _judge(changes: list[Change], seen: list[Seen], window: float) -> tuple[int, float]:
    """Asserts no verdict was staler than `window`; returns (how many verifications had
    exactly one allowed answer, the largest staleness seen)."""
    stale = [s for s in seen if s.state not in _allowed(changes, s, window)]
    assert not stale, (
        f"{len(stale)} of {len(seen)} verifications reported a state older than {window}s: "
        f"{stale[:5]}"
    )
    strict = sum(1 for s in seen if len(_allowed(changes, s, 0.0)) == 1)
    return strict, max((_staleness(changes, s) for s in seen), default=0.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_change_is_seen_at_once_by_the_process_that_made_it(engine: str, tmp_path: Path) -> None:
    """200 suspensions and reinstatements: zero stale verdicts."""
    with registry(engine, tmp_path / "registry", workers=1) as server:
        server.env["RIGHTSMARK_VERIFY_RATE_PER_MINUTE"] = str(10**9)  # the readers never pause
        server.start()
        work = Workload(server)
        try:
            changes, seen = _run(server, work, rounds=200, pause=0.1, fresh_connections=False)
        finally:
            work.close()
        assert "unhandled_error" not in server.server_log()
    assert len(changes) == 400
    strict, _ = _judge(changes, seen, 0.0)
    # Enough verifications started after an acknowledgement and ended before the next
    # change was sent, where only the new state will do, for the test to mean something.
    assert strict >= 100, (strict, len(seen))
    assert {s.how for s in seen} == {"verify", "batch", "certificate"}


@pytest.mark.parametrize("engine", ENGINES)
def test_another_worker_sees_a_change_within_the_window(engine: str, tmp_path: Path) -> None:
    """Two worker processes, a new connection per verification (so they land on either):
    no verdict is staler than the read cache's window."""
    with registry(engine, tmp_path / "registry", workers=2) as server:
        server.env["RIGHTSMARK_VERIFY_RATE_PER_MINUTE"] = str(10**9)  # the readers never pause
        server.start()
        work = Workload(server)
        try:
            changes, seen = _run(
                server, work, rounds=40, pause=2 * WINDOW_SECONDS, fresh_connections=True
            )
        finally:
            work.close()
        assert "unhandled_error" not in server.server_log()
    strict, worst = _judge(changes, seen, WINDOW_SECONDS)
    assert strict >= 50, (strict, len(seen))
    print(f"{len(seen)} verifications, {strict} strict; worst staleness {worst * 1000:.0f} ms")
