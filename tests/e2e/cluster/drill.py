"""The failover drill (`make drill`, and `test_drill.py`): bursts of filings, decisions,
suspensions and reinstatements against `rightsmark serve` on the Patroni cluster
(`make cluster`), SIGKILL to the leader's postmaster mid-burst, promotion, and on.

Every client retries what was not acknowledged (a 503 problem or a cut connection) until
it is: a filing with its Idempotency-Key (replayed if it had committed), a decision or a
status change refused with 409 if it had. Then it reports acknowledged writes, lost ones
(acknowledged but missing: must be 0), duplicated log entries (0), whether the monitor
accepts the log across the failover and the database, status lists and log agree, and the
time the cluster had no leader.

    python -m tests.e2e.cluster.drill [--runs N]   (the cluster of `make cluster`)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.e2e.faults.harness import Database, Registry, Workload, assert_consistent, client
from tests.support.paths import PROJECT_ROOT
from tests.support.server import cli, free_port, server_env

FLOWS, DECISIONS, CERTIFICATES = 6, 4, 8
CHANGES = ("suspend", "reinstate", "suspend", "reinstate")
EVENT = {"suspend": "suspended", "reinstate": "reinstated"}
KILL_AFTER = 12  # acknowledged writes before the leader is killed
GIVE_UP_SECONDS = 90  # a step still unacknowledged after this counts as failed


@dataclass(frozen=True)
class Cluster:
    """Where the cluster of ops/cluster/cluster.sh lives and answers."""

    directory: Path
    pg_port: int = 5441
    rest_port: int = 8441

    def url(self, database: str, attrs: str = "read-write") -> str:
        hosts = ",".join(f"127.0.0.1:{self.pg_port + i}" for i in range(3))
        return f"postgresql://postgres@{hosts}/{database}?target_session_attrs={attrs}"

    def members(self) -> list[dict[str, Any]]:
        for i in range(3):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.rest_port + i}/cluster", timeout=1
                ) as answer:
                    members: list[dict[str, Any]] = json.load(answer)["members"]
                    return members
            except OSError:
                continue
        return []

    def leader(self) -> dict[str, Any] | None:
        return next(
            (m for m in self.members() if m["role"] == "leader" and m["state"] == "running"), None
        )

    def healthy(self) -> bool:
        members = self.members()
        roles = {m["role"] for m in members}
        return (
            len(members) == 3
            and all(m["state"] in ("running", "streaming") for m in members)
            and {"leader", "sync_standby"} <= roles
        )

    def wait_healthy(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not self.healthy():
            if time.monotonic() > deadline:
                raise RuntimeError(f"cluster not healthy after {seconds}s: {self.members()}")
            time.sleep(0.5)

    def postmaster_pid(self, name: str) -> int:
        first = (self.directory / name / "data" / "postmaster.pid").read_text().split()[0]
        return int(first)


@dataclass
class Step:
    kind: str  # file | decide | suspend | reinstate
    target: str
    acknowledged: bool = False
    attempts: int = 0
    by_conflict: bool = False  # a retry found it done (409): it had committed, unacknowledged
    failed: str = ""


@dataclass
class Result:
    acknowledged: int = 0
    lost: int = 0
    duplicated: int = 0
    log_verifies: bool = False
    lists_match: bool = False
    seconds_without_leader: float = 0.0
    seconds_without_writes: float = 0.0
    retried: int = 0
    unfinished: int = 0
    server_restarted: bool = False
    old_leader: str = ""
    new_leader: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.log_verifies
            and self.lists_match
            and self.unfinished == 0
            and not self.server_restarted
        )

    def line(self) -> str:
        return (
            f"acknowledged {self.acknowledged}, unfinished {self.unfinished}, lost {self.lost}, "
            f"duplicated log entries "
            f"{self.duplicated}, log verifies {'yes' if self.log_verifies else 'NO'}, status "
            f"lists match {'yes' if self.lists_match else 'NO'}, no leader for "
            f"{self.seconds_without_leader:.1f} s ({self.old_leader} -> {self.new_leader}), "
            f"no write acknowledged for {self.seconds_without_writes:.1f} s, "
            f"{self.retried} retried, server restarted: {'yes' if self.server_restarted else 'no'}"
            f" -> {'PASS' if self.passed else 'FAIL'}"
        )


def _send(http: httpx.Client, work: Workload, step: Step) -> httpx.Response:
    if step.kind == "file":
        headers = {**work.auditor, "Content-Type": "application/json"}
        headers["Idempotency-Key"] = f"drill-{step.target}"
        return http.post(
            f"/api/v1/applications/{step.target}/assessments", content=work.filing, headers=headers
        )
    if step.kind == "decide":
        return http.post(f"/api/v1/applications/{step.target}/decision")
    return http.post(f"/api/v1/certificates/{step.target}/{step.kind}", json={"reason": "drill"})


class Burst:
    def __init__(self, server: Registry, work: Workload, lanes: list[list[Step]]) -> None:
        self.server, self.work, self.lanes = server, work, lanes
        self.lock = threading.Lock()
        self.count = 0
        self.enough = threading.Event()
        self.acks: list[float] = []  # monotonic times of acknowledgements

    def _ack(self, step: Step) -> None:
        step.acknowledged = True
        with self.lock:
            self.count += 1
            self.acks.append(time.monotonic())
            if self.count >= KILL_AFTER:
                self.enough.set()

    def lane(self, steps: list[Step]) -> None:
        with client(self.server.url, headers=self.server.sec) as http:
            for step in steps:
                deadline = time.monotonic() + GIVE_UP_SECONDS
                while True:
                    step.attempts += 1
                    try:
                        answer = _send(http, self.work, step)
                    except httpx.HTTPError:
                        answer = None
                    if answer is not None and answer.status_code in (200, 201):
                        self._ack(step)
                        break
                    if answer is not None and answer.status_code == 409 and step.attempts > 1:
                        step.by_conflict = True  # committed by an attempt that was cut off
                        self._ack(step)
                        break
                    retryable = answer is None or (
                        answer.status_code == 503 and "Retry-After" in answer.headers
                    )
                    if not retryable or time.monotonic() > deadline:
                        step.failed = "no answer" if answer is None else answer.text[:300]
                        return
                    time.sleep(0.25)


def _prepare_database(cluster: Cluster, name: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(cluster.url("postgres"), timeout=10)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(run())


def run_drill(cluster: Cluster, data_dir: Path, *, database: str = "rightsmark_drill") -> Result:
    """One drill on a healthy cluster; the cluster is healthy again when it returns."""
    cluster.wait_healthy()
    _prepare_database(cluster, database)
    shutil.rmtree(data_dir, ignore_errors=True)  # a fresh registry: keys, monitor state
    data_dir.mkdir(parents=True)
    env = {
        **server_env(data_dir, free_port()),
        "RIGHTSMARK_DATABASE_URL": cluster.url(database),
        "RIGHTSMARK_DATABASE_REPLICA_URL": cluster.url(database, "prefer-standby"),
    }
    initialised = cli("init", env=env)
    if initialised.returncode != 0:
        raise RuntimeError(f"rightsmark init failed: {initialised.stderr}")
    server = Registry("postgresql", env, data_dir, Database(cluster.url(database), data_dir), 2)
    result = Result()
    server.start()
    try:
        served_by = server.process.pid if server.process else 0
        work = Workload(server)
        try:
            flows = [work.assigned() for _ in range(FLOWS)]
            decisions = [work.assessed() for _ in range(DECISIONS)]
            certificates = [work.certificate() for _ in range(CERTIFICATES)]
            monitored = server.cli(
                "log", "monitor", server.url, "--state", str(server.monitor_state)
            )
            if monitored.returncode != 0:
                raise RuntimeError(monitored.stdout + monitored.stderr)
            lanes = [[Step("file", a), Step("decide", a)] for a in flows]
            lanes += [[Step("decide", a)] for a in decisions]
            lanes += [[Step(kind, c) for kind in CHANGES] for c in certificates]
            burst = Burst(server, work, lanes)
            threads = [threading.Thread(target=burst.lane, args=(lane,)) for lane in lanes]
            for thread in threads:
                thread.start()
            if not burst.enough.wait(timeout=120):
                raise RuntimeError("the burst did not get going")
            leader = cluster.leader()
            assert leader is not None, cluster.members()
            result.old_leader = leader["name"]
            killed_at = time.monotonic()
            os.kill(cluster.postmaster_pid(leader["name"]), signal.SIGKILL)
            while True:
                found = cluster.leader()
                if found is not None and found["name"] != leader["name"]:
                    result.seconds_without_leader = time.monotonic() - killed_at
                    result.new_leader = found["name"]
                    break
                if time.monotonic() - killed_at > 120:
                    result.problems.append("no new leader within 120 s")
                    break
                time.sleep(0.1)
            for thread in threads:
                thread.join(timeout=GIVE_UP_SECONDS + 30)
            after = [t for t in burst.acks if t > killed_at]
            before = [t for t in burst.acks if t <= killed_at]
            if after:
                result.seconds_without_writes = after[0] - max(before, default=killed_at)
        finally:
            work.close()
        steps = [s for lane in lanes for s in lane]
        result.acknowledged = sum(s.acknowledged for s in steps)
        result.retried = sum(s.attempts > 1 for s in steps)
        result.unfinished = sum(not s.acknowledged for s in steps)
        result.problems += [f"{s.kind} {s.target}: {s.failed}" for s in steps if s.failed]
        result.server_restarted = (
            server.process is None
            or server.process.pid != served_by
            or (server.process.poll() is not None)
        )
        _judge(server, result, steps, certificates, flows + decisions)
    finally:
        server.stop()
    cluster.wait_healthy()  # the old leader rejoined as a standby (pg_rewind)
    return result


def _judge(
    server: Registry, result: Result, steps: list[Step], certificates: list[str], decided: list[str]
) -> None:
    db = server.database
    history: dict[str, list[str]] = {c: [] for c in certificates}
    for certificate, action in db.rows(
        "SELECT certificate_id, action FROM certificate_events ORDER BY id"
    ):
        if certificate in history:
            history[certificate].append(action)
    decisions = Counter(a for (a,) in db.rows("SELECT application_id FROM decisions"))
    filed = Counter(a for (a,) in db.rows("SELECT application_id FROM assessments"))
    position = {s.target: 0 for s in steps if s.kind in EVENT}
    for step in steps:
        if not step.acknowledged:
            continue
        if step.kind == "file":
            result.lost += filed[step.target] == 0
        elif step.kind == "decide":
            result.lost += decisions[step.target] == 0
        else:  # the n-th change of a certificate is its (n+1)-th event, after "issued"
            position[step.target] += 1
            events = history[step.target]
            n = position[step.target]
            result.lost += not (len(events) > n and events[n] == EVENT[step.kind])
    # Duplicates: anything recorded more than once (a retried write applied twice).
    result.duplicated += sum(n - 1 for n in filed.values() if n > 1)
    result.duplicated += sum(n - 1 for n in decisions.values() if n > 1)
    wanted = ["issued", *(EVENT[k] for k in CHANGES)]
    for events in history.values():
        result.duplicated += max(0, len(events) - len(wanted))
    entries = db.rows("SELECT position FROM log_entries ORDER BY position")
    positions = [p for (p,) in entries]
    result.duplicated += len(positions) - len(set(positions))
    try:
        snapshot = assert_consistent(server, monitor=False)
        issued = Counter(
            e["subject"]["application"]
            for e in snapshot.entries
            if e["type"] == "certificate.issued"
        )
        result.duplicated += sum(n - 1 for n in issued.values() if n > 1)
        result.lists_match = all(history[c] == wanted for c in certificates) and all(
            decisions[a] == 1 for a in decided
        )
        if not result.lists_match:
            result.problems.append(f"histories: {history}")
    except AssertionError as error:
        result.problems.append(f"inconsistent: {error}")
    ran = server.cli("log", "monitor", server.url, "--state", str(server.monitor_state), "--json")
    result.log_verifies = ran.returncode == 0
    if not result.log_verifies:
        result.problems.append(ran.stdout[-500:] + ran.stderr[-500:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cluster-dir", default=os.environ.get("CLUSTER_DIR", "var/cluster"))
    args = parser.parse_args()
    directory = Path(args.cluster_dir)
    cluster = Cluster(
        directory if directory.is_absolute() else PROJECT_ROOT / directory,
        int(os.environ.get("CLUSTER_PG_PORT", "5441")),
        int(os.environ.get("CLUSTER_REST_PORT", "8441")),
    )
    results = []
    for run in range(1, args.runs + 1):
        started = time.monotonic()
        result = run_drill(cluster, cluster.directory / "drill" / f"run-{run}")
        results.append(result)
        print(f"drill {run}: {result.line()} [{time.monotonic() - started:.0f} s]", flush=True)
        for problem in result.problems:
            print(f"  problem: {problem}", flush=True)
    raise SystemExit(0 if all(r.passed for r in results) else 1)


if __name__ == "__main__":
    main()
