"""Crash consistency under mixed bursts (issue 7), on SQLite and on PostgreSQL.

`tests/transparency/test_crash.py` kills a one-process SQLite server during a burst of
state changes of demo certificates. This extends it: the burst mixes filings (with an
Idempotency-Key), decisions that issue certificates, and suspensions, reinstatements and
revocations, and it runs on SQLite and on PostgreSQL (there with two worker processes).
One of the clients sends SIGKILL to the whole process group once enough requests were
acknowledged.

After the restart:
- database, served status lists and log agree, and the monitor (whose state was saved
  before the burst) accepts the new checkpoint as an extension of the old one;
- every acknowledged request's effect is there; a request that never reached the server
  (connection refused) left nothing; one cut off in flight is all there or not at all;
- retrying each unfinished request completes it exactly once: a filing retried with its
  key replays the stored answer when it had committed, a decision or a change that had
  committed is refused with 409, and nothing is recorded twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.faults.harness import (
    ENGINES,
    Registry,
    Workload,
    assert_consistent,
    client,
    is_problem,
    registry,
)

pytestmark = pytest.mark.e2e
FLOWS = 6  # applications filed, then decided
DECISIONS = 4  # applications decided
CERTIFICATES = 6  # certificates suspended, reinstated, suspended, revoked
CHANGES = ("suspend", "reinstate", "suspend", "revoke")
EVENT = {"suspend": "suspended", "reinstate": "reinstated", "revoke": "revoked"}
KILL_AFTER = 14  # acknowledged requests before the kill: well inside the burst


@dataclass
class Step:
    kind: str  # file | decide | suspend | reinstate | revoke
    target: str  # application or certificate id
    outcome: str = "pending"  # acknowledged | lost (cut off in flight) | unsent | refused


def send(http: httpx.Client, work: Workload, step: Step) -> httpx.Response:
    """The step's request (as the secretariat, or as the auditor for a filing)."""
    if step.kind == "file":
        headers = {**work.auditor, "Content-Type": "application/json"}
        return http.post(
            f"/api/v1/applications/{step.target}/assessments",
            content=work.filing,
            headers={**headers, "Idempotency-Key": f"crash-{step.target}"},
        )
    if step.kind == "decide":
        return http.post(f"/api/v1/applications/{step.target}/decision")
    return http.post(f"/api/v1/certificates/{step.target}/{step.kind}", json={"reason": step.kind})


class Burst:
    """One thread per lane runs its steps in order; the one whose answer is the
    KILL_AFTER-th acknowledgement kills the server."""

    def __init__(self, server: Registry, work: Workload, lanes: list[list[Step]]) -> None:
        self.server, self.work, self.lanes = server, work, lanes
        self.acknowledged = 0
        self.lock = threading.Lock()
        self.killed = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(lane,)) for lane in lanes]

    def _run(self, lane: list[Step]) -> None:
        with client(self.server.url, headers=self.server.sec) as http:
            for step in lane:
                try:
                    answer = send(http, self.work, step)
                except httpx.ConnectError:
                    step.outcome = "unsent"  # the server was gone before it got the request
                    return
                except httpx.HTTPError:
                    step.outcome = "lost"  # it may or may not have committed
                    return
                if answer.status_code not in (200, 201):
                    step.outcome = f"refused {answer.status_code}: {answer.text}"
                    return
                step.outcome = "acknowledged"
                with self.lock:
                    self.acknowledged += 1
                    if self.acknowledged == KILL_AFTER:
                        self.server.signal_kill()
                        self.killed.set()

    def run(self) -> None:
        for thread in self.threads:
            thread.start()
        assert self.killed.wait(timeout=120), "the burst did not get going"
        self.server.kill9()
        for thread in self.threads:
            thread.join(timeout=60)


def _assessments(server: Registry, application: str) -> list[str]:
    rows = server.database.rows(
        "SELECT public_id FROM assessments WHERE application_id = ? ORDER BY sequence",
        application,
    )
    return [public_id for (public_id,) in rows]


def _decided(server: Registry, application: str) -> bool:
    return bool(
        server.database.rows("SELECT 1 FROM decisions WHERE application_id = ?", application)
    )


def _keyed(server: Registry, application: str) -> bool:
    return bool(
        server.database.rows(
            "SELECT 1 FROM idempotency_keys WHERE account_key LIKE ?", f"%:crash-{application}"
        )
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_sigkill_in_a_mixed_burst_leaves_everything_consistent(engine: str, tmp_path: Path) -> None:
    # Two worker processes on PostgreSQL, where they write at once (the races themselves
    # are test_concurrency's); SQLite has one writer at a time whatever the processes.
    workers = 2 if engine == "postgresql" else 1
    with registry(engine, tmp_path / "registry", workers=workers) as server:
        server.start()
        work = Workload(server)
        try:
            flows = [work.assigned() for _ in range(FLOWS)]
            decisions = [work.assessed() for _ in range(DECISIONS)]
            certificates = [work.certificate() for _ in range(CERTIFICATES)]
            # The monitor's state: the checkpoint signed before the crash.
            monitored = server.cli(
                "log", "monitor", server.url, "--state", str(server.monitor_state)
            )
            assert monitored.returncode == 0, monitored.stdout + monitored.stderr
            lanes = [[Step("file", a), Step("decide", a)] for a in flows]
            lanes += [[Step("decide", a)] for a in decisions]
            lanes += [[Step(action, c) for action in CHANGES] for c in certificates]
            burst = Burst(server, work, lanes)
            burst.run()
        finally:
            work.close()
        steps = [step for lane in lanes for step in lane]
        outcomes = Counter(step.outcome for step in steps)
        assert set(outcomes) <= {"acknowledged", "lost", "unsent", "pending"}, outcomes
        # Killed mid-burst: answers that were on their way still count as acknowledged.
        assert KILL_AFTER <= outcomes["acknowledged"] < len(steps), outcomes

        server.start()
        snapshot = assert_consistent(server, monitor=False)  # the monitor runs at the end

        # Acknowledged effects are there; requests the server never got left nothing;
        # one cut off in flight is all there (assessment and its key) or not at all.
        for step in steps:
            if step.kind == "file":
                filed, keyed = _assessments(server, step.target), _keyed(server, step.target)
                assert len(filed) <= 1, step
                assert keyed == bool(filed), step
                if step.outcome == "acknowledged":
                    assert filed, step
                elif step.outcome in ("unsent", "pending"):
                    assert not filed, step
            elif step.kind == "decide":
                if step.outcome == "acknowledged":
                    assert _decided(server, step.target), step
                elif step.outcome in ("unsent", "pending"):
                    assert not _decided(server, step.target), step
        for certificate, lane in zip(certificates, lanes[FLOWS + DECISIONS :], strict=True):
            done = [EVENT[s.kind] for s in lane if s.outcome == "acknowledged"]
            cut = [EVENT[s.kind] for s in lane if s.outcome == "lost"]
            history = snapshot.events[certificate]
            assert history in (["issued", *done], ["issued", *done, *cut]), (history, lane)

        # Retrying every unfinished step completes each lane exactly once.
        with client(server.url, headers=server.sec) as http:
            for lane in lanes:
                for step in lane:
                    if step.outcome == "acknowledged":
                        continue
                    before_file = _assessments(server, step.target) if step.kind == "file" else []
                    before_decided = step.kind == "decide" and _decided(server, step.target)
                    answer = send(http, work, step)
                    if step.kind == "file":
                        assert answer.status_code == 201, answer.text
                        replayed = answer.headers.get("Idempotent-Replayed") == "true"
                        assert replayed == bool(before_file), (step, answer.headers)
                        if before_file:
                            assert answer.json()["id"] == before_file[0]
                    elif step.kind == "decide":
                        if before_decided:
                            assert is_problem(answer, 409), answer.text
                        else:
                            assert answer.status_code == 201, answer.text
                    elif answer.status_code != 200:  # committed before the crash
                        assert is_problem(answer, 409), answer.text
                        assert step.outcome == "lost", step
            # An acknowledged filing replays too, with the same assessment.
            for application in flows:
                replay = send(http, work, Step("file", application))
                assert replay.status_code == 201, replay.text
                assert replay.headers.get("Idempotent-Replayed") == "true"
                assert [replay.json()["id"]] == _assessments(server, application)

        final = assert_consistent(server)  # the monitor accepts the log across the crash
        for application in flows + decisions:
            assert _decided(server, application), application
        for certificate in certificates:
            assert final.events[certificate] == [
                "issued",
                "suspended",
                "reinstated",
                "suspended",
                "revoked",
            ], certificate
            assert final.states[certificate] == "revoked"
        issued = Counter(
            e["subject"]["application"] for e in final.entries if e["type"] == "certificate.issued"
        )
        assert all(issued[a] == 1 for a in flows + decisions), issued
        assert "unhandled_error" not in server.server_log()
