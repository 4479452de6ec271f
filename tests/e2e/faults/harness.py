"""What the fault tests share: a real registry server (`rightsmark serve`, optionally with
several worker processes) on a SQLite file or on a fresh PostgreSQL database, a workload
prepared through the HTTP API, and one check that database, status lists and log agree.

PostgreSQL is the server at RIGHTSMARK_FAULTS_PG_URL, else RIGHTSMARK_TEST_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/test (the database `make test` uses). Each registry gets
its own database, created beside that one and dropped afterwards (so `pytest -n` workers
never share one, nor touch the named one). When the server does not answer, the PostgreSQL
cases are skipped with that reason.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import secrets
import signal
import ssl
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.trust.multikey import public_key_from_multibase
from registry.trust.proofs import verify_proof
from registry.trust.signed_note import verify_note
from registry.trust.statuslist import StatusList
from tests.support.paths import PROJECT_ROOT
from tests.support.pg_available import _reachable
from tests.support.server import (
    RIGHTSMARK,
    accreditation_body,
    cli,
    free_port,
    log_entries,
    ok,
    passing_filing,
    server_env,
    wait_until_serving,
)

PG_URL = (
    os.environ.get("RIGHTSMARK_FAULTS_PG_URL")
    or os.environ.get("RIGHTSMARK_TEST_DATABASE_URL")
    or "postgresql://postgres@127.0.0.1:5432/test"
)
PG_UP = asyncio.run(_reachable(PG_URL))
ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not PG_UP, reason=f"PostgreSQL at {PG_URL} is not reachable"),
    ),
]
# Certificate events that the log records, one entry each, and the state each leaves.
LOGGED = {"issued", "suspended", "reinstated", "revoked", "expired"}
STATE_AFTER = {
    "issued": "active",
    "reinstated": "active",
    "suspended": "suspended",
    "revoked": "revoked",
}
STATE_OF = {"revocation": "revoked", "suspension": "suspended"}
Doc = dict[str, Any]


# --- the database, read directly --------------------------------------------------------


class Database:
    """Read-only SQL against the registry's database; `?` placeholders on both engines."""

    def __init__(self, url: str, sqlite_path: Path) -> None:
        self.url, self.sqlite_path = url, sqlite_path

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgres")

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.is_postgres:
            numbered = iter(range(1, sql.count("?") + 1))
            return asyncio.run(self._pg(re.sub(r"\?", lambda _: f"${next(numbered)}", sql), params))
        import sqlite3

        connection = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            return list(connection.execute(sql, params))
        finally:
            connection.close()

    async def _pg(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        connection = await asyncpg.connect(self.url, timeout=10)
        try:
            return [tuple(record) for record in await connection.fetch(sql, *params)]
        finally:
            await connection.close()

    def value(self, sql: str, *params: Any) -> Any:
        (row,) = self.rows(sql, *params)
        return row[0]


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(PG_URL, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def database_url(engine: str) -> Iterator[str]:
    """ "" (SQLite in the data folder) or the URL of a new PostgreSQL database."""
    if engine == "sqlite":
        yield ""
        return
    name = f"rm_faults_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- the server -------------------------------------------------------------------------


@dataclass
class Registry:
    """One registry: its data folder, database and environment; `start` serves it."""

    engine: str
    env: dict[str, str]
    data_dir: Path
    database: Database
    workers: int
    process: subprocess.Popen[bytes] | None = None
    monitor_state: Path = field(init=False)

    def __post_init__(self) -> None:
        self.monitor_state = self.data_dir / "monitor.json"

    @property
    def url(self) -> str:
        return self.env["RIGHTSMARK_PUBLIC_URL"]

    @property
    def token(self) -> str:
        return (self.data_dir / "secretariat-token").read_text().strip()

    @property
    def sec(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def start(self, startup_seconds: float = 60) -> None:
        """`rightsmark serve --workers N` in its own process group, once it answers."""
        assert self.process is None
        log = (self.data_dir / "serve.log").open("ab")
        with log:
            self.process = subprocess.Popen(
                [*RIGHTSMARK, "serve", "--workers", str(self.workers)],
                cwd=PROJECT_ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the workers too, so one signal reaches them all
            )
        wait_until_serving(self.process, self.url, self.data_dir / "serve.log", startup_seconds)

    def signal_kill(self) -> None:
        """SIGKILL to the server and every worker at once, without waiting (any thread)."""
        if self.process is not None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def kill9(self) -> None:
        """SIGKILL to the server and every worker at once: no shutdown, no flush."""
        if self.process is not None:
            self.signal_kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass
        self.process = None

    def server_log(self) -> str:
        path = self.data_dir / "serve.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return cli(*args, env=self.env)


@contextmanager
def registry(engine: str, data_dir: Path, *, workers: int = 1) -> Iterator[Registry]:
    """An initialised registry (not yet serving) on `engine`; stopped and dropped after."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with database_url(engine) as url:
        env = {**server_env(data_dir, free_port()), "RIGHTSMARK_DATABASE_URL": url}
        initialised = cli("init", env=env)
        if initialised.returncode != 0:
            raise RuntimeError(f"rightsmark init failed: {initialised.stderr}")
        database = Database(url, data_dir / "rightsmark.sqlite")
        server = Registry(engine, env, data_dir, database, workers)
        try:
            yield server
        finally:
            server.stop()


# --- a workload through the API ---------------------------------------------------------


class Workload:
    """Applications in each state and certificates, made through the HTTP API."""

    def __init__(self, server: Registry) -> None:
        self.server = server
        self.http = client(server.url, headers=server.sec)
        auditor = ok(
            self.http.post("/api/v1/accounts", json={"name": "Ana", "role": "auditor"}), 201
        )
        self.auditor_id: str = auditor["account"]["id"]
        self.auditor = {"Authorization": f"Bearer {auditor['token']}"}
        today = datetime.now(UTC).date()
        ok(
            self.http.post(
                f"/api/v1/auditors/{self.auditor_id}/accreditations",
                json=accreditation_body(today),
            ),
            201,
        )
        rule_set = ok(self.http.get("/api/v1/standards/core-rights/versions/1.0.0"))["rule_set"]
        self.filing: bytes = json.dumps(passing_filing(rule_set, today)).encode()
        self.count = 0

    def close(self) -> None:
        self.http.close()

    def assigned(self) -> str:
        """A new provider's application, with the auditor assigned: ready to be filed."""
        application = self.submitted()
        ok(
            self.http.post(
                f"/api/v1/applications/{application}/assign",
                json={"auditor_id": self.auditor_id},
            )
        )
        return application

    def submitted(self) -> str:
        """A new provider's application, waiting for an auditor."""
        self.count += 1
        provider = ok(
            self.http.post(
                "/api/v1/providers",
                json={
                    "legal_name": f"Agencia {self.count} {secrets.token_hex(3)}",
                    "country": "PH",
                    "provider_types": ["recruiter"],
                    "corridors": ["PH-AE"],
                    "contact": {"email": "o@example.org", "phone": "+63 2 555", "address": "X"},
                },
            ),
            201,
        )
        application = ok(
            self.http.post(
                "/api/v1/applications",
                json={
                    "provider_id": provider["id"],
                    "standard": "core-rights@1.0.0",
                    "provider_types": ["recruiter"],
                    "corridors": ["PH-AE"],
                },
            ),
            201,
        )
        return str(application["id"])

    def file(self, application: str, key: str | None = None) -> httpx.Response:
        headers = {**self.auditor, "Content-Type": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.http.post(
            f"/api/v1/applications/{application}/assessments",
            content=self.filing,
            headers=headers,
        )

    def assessed(self) -> str:
        application = self.assigned()
        ok(self.file(application), 201)
        return application

    def certificate(self) -> str:
        application = self.assessed()
        decision = ok(self.http.post(f"/api/v1/applications/{application}/decision"), 201)
        return str(decision["certificate"]["id"])


def is_problem(response: httpx.Response, *statuses: int) -> bool:
    """An RFC 9457 problem with one of `statuses` (never a 5xx)."""
    return (
        response.status_code in statuses
        and response.headers.get("content-type", "").startswith("application/problem+json")
        and response.json().get("status") == response.status_code
    )


# --- database, status lists and log agree -----------------------------------------------


_SSL = ssl.create_default_context()  # loading CA certificates once, not per client


def client(url: str, **options: Any) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=60, verify=_SSL, **options)


def _did_keys(http: httpx.Client) -> dict[str, Ed25519PublicKey]:
    did = ok(http.get("/.well-known/did.json"))
    return {
        method["id"]: public_key_from_multibase(method["publicKeyMultibase"])
        for method in did.get("verificationMethod", [])
    }


@dataclass(frozen=True)
class Snapshot:
    """What the consistency check saw: per certificate its logged events, in order."""

    entries: list[Doc]
    events: dict[str, list[str]]
    states: dict[str, str]


def assert_consistent(server: Registry, *, monitor: bool = True) -> Snapshot:
    """Database, served status lists and served log agree; the monitor passes."""
    with client(server.url) as http:
        return _consistent(server, http, monitor=monitor)


def _consistent(server: Registry, http: httpx.Client, *, monitor: bool) -> Snapshot:
    db = server.database
    url = server.url
    # The log: served entries = stored entries = head size = signed checkpoint size.
    key = http.get("/log/key").text.strip()
    checkpoint = verify_note(http.get("/log/checkpoint").text, key)
    entries = log_entries(http)
    positions = [p for (p,) in db.rows("SELECT position FROM log_entries ORDER BY position")]
    assert positions == list(range(len(positions))), "log positions have a gap or a duplicate"
    head = db.rows("SELECT size FROM log_head")
    assert len(entries) == checkpoint.size == len(positions) == (head[0][0] if head else 0)
    if monitor:
        ran = server.cli("log", "monitor", url, "--state", str(server.monitor_state), "--json")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert json.loads(ran.stdout)["size"] == checkpoint.size

    # Every certificate: one log entry per recorded event, in the same order, and the
    # issuance entry is the one the certificate points at.
    certificates = {
        row[0]: row
        for row in db.rows(
            "SELECT public_id, state, application_id, log_index, revocation_list,"
            " revocation_index, suspension_list, suspension_index FROM certificates"
        )
    }
    events: dict[str, list[str]] = {c: [] for c in certificates}
    for certificate, action in db.rows(
        "SELECT certificate_id, action FROM certificate_events ORDER BY id"
    ):
        if action in LOGGED:
            events.setdefault(certificate, []).append(action)
    logged: dict[str, list[tuple[int, str]]] = {}
    for index, entry in enumerate(entries):
        if entry["type"].startswith("certificate."):
            subject = entry["subject"]["certificate"]
            logged.setdefault(subject, []).append(
                (index, entry["type"].removeprefix("certificate."))
            )
    assert set(logged) <= set(certificates), "log entries for certificates that do not exist"
    assert set(events) == set(certificates), "events of certificates that do not exist"
    states: dict[str, str] = {}
    for certificate, row in certificates.items():
        _, state, application, log_index, *_ = row
        history = events[certificate]
        assert [kind for _, kind in logged.get(certificate, [])] == history, certificate
        assert history[0] == "issued", (certificate, history)
        assert history.count("issued") == 1, (certificate, history)
        issued_at = logged[certificate][0][0]
        assert log_index == issued_at, (certificate, log_index, issued_at)
        assert entries[issued_at]["subject"]["application"] == application
        changes = [e for e in history if e in STATE_AFTER]
        assert state == STATE_AFTER[changes[-1]], (certificate, state, history)
        states[certificate] = state

    # The status lists as served, signature checked: a bit is set exactly for the
    # certificates of that list in that list's state.
    keys = _did_keys(http)
    lists = ok(http.get("/api/v1/status"))["items"]
    assert {(s["purpose"], s["number"]) for s in lists} >= {
        (purpose, row[4 if purpose == "revocation" else 6])
        for row in certificates.values()
        for purpose in STATE_OF
    }
    for item in lists:
        purpose, number = item["purpose"], item["number"]
        served = ok(http.get(f"/api/v1/status/{purpose}/{number}"))
        verdict = verify_proof(served, keys.get, expected_purpose="assertionMethod")
        assert verdict, (purpose, number, verdict)
        bits = StatusList.decode(served["credentialSubject"]["encodedList"])
        column = 4 if purpose == "revocation" else 6
        wanted = {
            row[column + 1]
            for row in certificates.values()
            if row[column] == number and row[1] == STATE_OF[purpose]
        }
        mine = [row[column + 1] for row in certificates.values() if row[column] == number]
        assert {i for i in mine if bits.get(i)} == wanted, (purpose, number)
        assert sum(bin(b).count("1") for b in bits.to_bytes()) == len(wanted), (purpose, number)

    # Applications: the events form one path ending in the stored state; decided exactly
    # when a decision exists; certified exactly when a certificate exists; assessed only
    # with an assessment.
    applications = dict(db.rows("SELECT public_id, state FROM applications"))
    paths: dict[str, list[tuple[str | None, str]]] = {}
    for public_id, before, after in db.rows(
        "SELECT a.public_id, e.from_state, e.to_state FROM application_events e"
        " JOIN applications a ON a.id = e.application ORDER BY e.id"
    ):
        paths.setdefault(public_id, []).append((before, after))
    decisions = dict(db.rows("SELECT application_id, outcome FROM decisions"))
    filed = Counter(a for (a,) in db.rows("SELECT application_id FROM assessments"))
    by_application = {row[2]: c for c, row in certificates.items()}
    for public_id, state in applications.items():
        path = paths[public_id]
        assert path[0][0] is None, (public_id, path)
        for (_, reached), (left, _) in itertools.pairwise(path):
            assert reached == left, (public_id, path)  # no transition from a stale state
        assert path[-1][1] == state, (public_id, path, state)
        assert decisions.get(public_id) == (
            state if state in ("certified", "not_certified") else None
        ), (public_id, state)
        assert (public_id in by_application) == (state == "certified"), (public_id, state)
        if state in ("submitted", "auditor_assigned"):
            assert filed[public_id] == 0, (public_id, state)
        elif state != "withdrawn":
            assert filed[public_id] >= 1, (public_id, state)
    # An idempotency record exists only with the assessment it answered.
    assessments = {a for (a,) in db.rows("SELECT public_id FROM assessments")}
    for (response,) in db.rows("SELECT response FROM idempotency_keys"):
        assert json.loads(response)["id"] in assessments
    return Snapshot(entries, events, states)
