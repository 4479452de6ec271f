"""Public reads on standbys stay fresh, and a write cut by a failover gets the 503 page
(issue 20), against a Patroni cluster of its own (ops/cluster, ports apart from `make
cluster`'s and the drill test's), shared by the module and stopped after it.

- A standby whose replay is paused (`pg_wal_replay_pause()`) has not replayed the primary's
  position: a public read that would go there runs on the primary instead, and shows the
  suspension just made (which the standby itself does not have).
- docs/freshness.md's check (tests/e2e/test_freshness.py) with the certificate API on the
  standbys: zero stale answers from the process that made the changes.
- A portal write blocked inside its transaction when the leader is switched over: the page
  answers 503 with `Retry-After`, nothing of it is applied, and its retry succeeds once.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.cluster.control import missing_programs, own_cluster
from tests.e2e.cluster.drill import Cluster, _prepare_database
from tests.e2e.faults.harness import Database, Registry, Workload, client
from tests.e2e.test_freshness import _judge, _run
from tests.support.server import cli, free_port, server_env

MISSING = missing_programs()
PG_PORT, REST_PORT, ETCD_PORT = 5461, 8461, 2499

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.cluster,
    pytest.mark.skipif(bool(MISSING), reason=f"missing {', '.join(MISSING)}: make cluster-tools"),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with own_cluster(tmp_path_factory.mktemp("cluster"), PG_PORT, REST_PORT, ETCD_PORT) as started:
        yield started


@contextmanager
def served(cluster: Cluster, data_dir: Path, database: str, replica_url: str) -> Iterator[Registry]:
    """`rightsmark init` and `serve` (one process) on a new database of the cluster."""
    cluster.wait_healthy()
    _prepare_database(cluster, database)
    data_dir.mkdir(parents=True)
    env = {
        **server_env(data_dir, free_port()),
        "RIGHTSMARK_DATABASE_URL": cluster.url(database),
        "RIGHTSMARK_DATABASE_REPLICA_URL": replica_url,
        "RIGHTSMARK_VERIFY_RATE_PER_MINUTE": str(10**9),
    }
    initialised = cli("init", env=env)
    assert initialised.returncode == 0, initialised.stderr
    server = Registry("postgresql", env, data_dir, Database(cluster.url(database), data_dir), 1)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        assert "unhandled_error" not in server.server_log()


def _on(port: int, database: str, sql: str, *args: Any) -> Any:
    """One value from node `port` itself (not whichever the URL finds)."""

    async def run() -> Any:
        connection = await asyncpg.connect(
            f"postgresql://postgres@127.0.0.1:{port}/{database}", timeout=10
        )
        try:
            return await connection.fetchval(sql, *args)
        finally:
            await connection.close()

    return asyncio.run(run())


def _member(cluster: Cluster, role: str) -> dict[str, Any]:
    return next(m for m in cluster.members() if m["role"] == role)


def _maintenance(cluster: Cluster, standby: dict[str, Any], on: bool) -> None:
    """Patroni's maintenance mode on or off, once the standby's Patroni has seen it: out of
    it, Patroni resumes a paused replay within a loop (`handle_parameter_change`)."""
    body = json.dumps({"pause": on}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{cluster.rest_port}/config", data=body, method="PATCH"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
    deadline = time.monotonic() + 30
    while True:
        with urllib.request.urlopen(standby["api_url"], timeout=5) as answer:
            if bool(json.load(answer).get("pause", False)) == on:
                return
        assert time.monotonic() < deadline, "Patroni did not take the maintenance mode"
        time.sleep(0.2)


def _replica(server: Registry) -> dict[str, Any]:
    health = httpx.get(f"{server.url}/health", timeout=10).json()
    found: dict[str, Any] = health["replication"]["replica"]
    return found


def test_a_paused_standby_sends_public_reads_to_the_primary(
    cluster: Cluster, tmp_path: Path
) -> None:
    database = "rm_paused_standby"
    # The asynchronous standby: pausing the synchronous one would hold every commit
    # (remote_apply waits for it to apply).
    standby = _member(cluster, "replica")
    port = int(standby["port"])
    only_it = f"postgresql://postgres@127.0.0.1:{port}/{database}?target_session_attrs=standby"
    with served(cluster, tmp_path / "registry", database, only_it) as server:
        work = Workload(server)
        public = client(server.url)
        try:
            certificate = work.certificate()
            shown = public.get(f"/api/v1/certificates/{certificate}")
            assert shown.json()["status"] == "valid", shown.text
            assert _replica(server)["port"] == port
            assert _replica(server)["is_standby"] is True
            before = _replica(server)["reads_sent_to_primary"]

            _maintenance(cluster, standby, True)
            _on(port, database, "SELECT pg_wal_replay_pause()")
            try:
                changed = work.http.post(
                    f"/api/v1/certificates/{certificate}/suspend", json={"reason": "lagging"}
                )
                assert changed.status_code == 200, changed.text
                # The standby has not replayed it: an answer from there would say active.
                state_there = "SELECT state FROM certificates WHERE public_id = $1"
                assert _on(port, database, state_there, certificate) == "active"

                answer = public.get(f"/api/v1/certificates/{certificate}")
                assert answer.status_code == 200, answer.text
                assert answer.json()["status"] == "suspended"
                code = answer.json()["code"]
                page = public.get(f"/certificates/{code}")
                assert page.status_code == 200
                assert "Suspended" in page.text or "suspended" in page.text
                replica = _replica(server)
                assert replica["reads_sent_to_primary"] > before
                assert replica["lag_bytes"] > 0
                assert _on(port, database, state_there, certificate) == "active"
            finally:
                _on(port, database, "SELECT pg_wal_replay_resume()")
                _maintenance(cluster, standby, False)

            # Caught up again, the standby answers again: no more reads sent away.
            deadline = time.monotonic() + 30
            while _on(port, database, "SELECT state FROM certificates WHERE public_id = $1",
                      certificate) != "suspended":  # fmt: skip
                assert time.monotonic() < deadline, "the standby did not catch up"
                time.sleep(0.1)
            sent_away = _replica(server)["reads_sent_to_primary"]
            again = public.get(f"/api/v1/certificates/{certificate}")
            assert again.json()["status"] == "suspended"
            assert _replica(server)["reads_sent_to_primary"] == sent_away
        finally:
            public.close()
            work.close()


def test_reads_on_the_standbys_are_as_fresh_as_on_the_primary(
    cluster: Cluster, tmp_path: Path
) -> None:
    """tests/e2e/test_freshness.py's check, one process, the certificate API on the standbys:
    zero stale answers (a change is seen at once by the process that made it)."""
    database = "rm_standby_freshness"
    with served(
        cluster, tmp_path / "registry", database, cluster.url(database, "prefer-standby")
    ) as server:
        work = Workload(server)
        try:
            changes, seen = _run(server, work, rounds=40, pause=0.1, fresh_connections=False)
        finally:
            work.close()
        replica = _replica(server)
    assert replica["is_standby"] is True
    assert len(changes) == 80
    strict, _ = _judge(changes, seen, 0.0)
    assert strict >= 20, (strict, len(seen))
    assert any(s.how == "certificate" for s in seen)


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _csrf(body: str) -> str:
    found = CSRF.search(body)
    assert found, body[:2000]
    return found.group(1)


def _switchover(cluster: Cluster, leader: str, candidate: str) -> None:
    body = json.dumps({"leader": leader, "candidate": candidate}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{cluster.rest_port}/switchover", data=body, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200, answer.read()


def test_a_portal_write_cut_by_a_switchover_gets_the_503_page(
    cluster: Cluster, tmp_path: Path
) -> None:
    database = "rm_cut_write"
    with served(cluster, tmp_path / "registry", database, "") as server:
        work = Workload(server)
        try:
            certificate = work.certificate()
        finally:
            work.close()
        with client(server.url) as browser:
            form = browser.get("/portal/sign-in")
            signed = browser.post(
                "/portal/sign-in", data={"token": server.token, "csrf": _csrf(form.text)}
            )
            assert signed.status_code == 303, signed.text[:2000]
            page = browser.get(f"/portal/secretariat/certificates/{certificate}")
            assert page.status_code == 200, page.text[:2000]
            fields = {"reason": "cut by a switchover", "csrf": _csrf(page.text)}
            action = f"/portal/secretariat/certificates/{certificate}/suspend"

            leader = _member(cluster, "leader")
            candidate = _member(cluster, "sync_standby")
            held = threading.Event()
            release = threading.Event()
            answers: list[httpx.Response] = []

            async def hold_the_row() -> None:
                # The write waits on this row lock inside its transaction until the
                # switchover shuts this primary down and cuts both connections.
                connection = await asyncpg.connect(
                    f"postgresql://postgres@127.0.0.1:{leader['port']}/{database}", timeout=10
                )
                try:
                    async with connection.transaction():
                        await connection.execute(
                            "SELECT 1 FROM certificates WHERE public_id = $1 FOR UPDATE",
                            certificate,
                        )
                        held.set()
                        while not release.is_set():
                            await asyncio.sleep(0.05)
                except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError):
                    pass  # cut by the switchover, as intended
                finally:
                    await connection.close()

            holder = threading.Thread(target=lambda: asyncio.run(hold_the_row()))
            holder.start()
            try:
                assert held.wait(10)
                writer = threading.Thread(
                    target=lambda: answers.append(browser.post(action, data=fields))
                )
                writer.start()
                waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                deadline = time.monotonic() + 20
                while _on(int(leader["port"]), database, waiting) == 0:
                    assert time.monotonic() < deadline, "the write never waited on the lock"
                    time.sleep(0.05)
                _switchover(cluster, leader["name"], candidate["name"])
                writer.join(timeout=60)
            finally:
                release.set()
                holder.join(timeout=60)

        (cut,) = answers
        assert cut.status_code == 503, cut.text[:2000]
        assert cut.headers["Retry-After"] == "2"
        assert cut.headers["content-type"].startswith("text/html")
        assert cut.headers["cache-control"] == "private, no-store"
        assert "switching database servers" in cut.text
        cluster.wait_healthy()
        assert cluster.leader() is not None
        assert cluster.leader()["name"] == candidate["name"]  # type: ignore[index]
        state = "SELECT state FROM certificates WHERE public_id = ?"
        assert server.database.value(state, certificate) == "active"  # nothing applied

        # The retry (the same form again) goes to the new primary, without a restart.
        deadline = time.monotonic() + 60
        with client(server.url) as browser:
            form = browser.get("/portal/sign-in")
            browser.post("/portal/sign-in", data={"token": server.token, "csrf": _csrf(form.text)})
            while True:
                page = browser.get(f"/portal/secretariat/certificates/{certificate}")
                if page.status_code == 200:
                    retried = browser.post(
                        action, data={"reason": "retried", "csrf": _csrf(page.text)}
                    )
                    if retried.status_code == 303:
                        break
                assert time.monotonic() < deadline, page.text[:2000]
                time.sleep(0.5)
        assert server.database.value(state, certificate) == "suspended"
        events = "SELECT count(*) FROM certificate_events WHERE certificate_id = ? AND action = ?"
        assert server.database.value(events, certificate, "suspended") == 1
