"""Real servers for CLI tests: a static file server in a thread, and the registry itself
(`rightsmark init` + `rightsmark serve`) in a subprocess with its own data folder."""

from __future__ import annotations

import functools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from audits.model import AuditType
from audits.template import findings_template, passing_value
from standards.loader import load_document
from standards.model import ProviderType
from tests.support.paths import PROJECT_ROOT

RIGHTSMARK = [sys.executable, "-c", "from api.cli.main import main; main()"]
Doc = dict[str, Any]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1; yields the base URL (no trailing slash)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`rightsmark ARGS` as a real process (wide output, so tables do not wrap)."""
    environment = {**os.environ, "COLUMNS": "250", **(env or {})}
    return subprocess.run(
        [*RIGHTSMARK, *args],
        cwd=PROJECT_ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def accreditation_body(today: date) -> Doc:
    """A recruiter accreditation for the Philippines and the Emirates, in force from a month
    before `today` for about two years: what every real-server test auditor holds."""
    return {
        "provider_types": ["recruiter"],
        "countries": ["PH", "AE"],
        "valid_from": str(today - timedelta(days=30)),
        "valid_until": str(today + timedelta(days=700)),
    }


def passing_filing(rule_set: Doc, today: date) -> Doc:
    """An initial assessment of a recruiter against `rule_set` (a published version's
    `rule_set`) passing every indicator, audited in the days before `today`."""
    ruleset = load_document(rule_set)
    doc = findings_template(ruleset, [ProviderType.RECRUITER], audit_type=AuditType.INITIAL)
    measures = {ind.id: ind.measure for _, ind in ruleset.indicators()}
    for finding in doc["findings"]:
        finding["value"] = passing_value(measures[finding["indicator"]])
    doc.update(
        started_on=str(today - timedelta(days=3)),
        ended_on=str(today - timedelta(days=2)),
        sites=[{"name": "Head office", "country": "PH"}],
        workers_interviewed=12,
    )
    return doc


@dataclass
class RegistryServer:
    """A registry process: `url` is its public URL, `env` the environment its CLI needs."""

    url: str
    env: dict[str, str]
    data_dir: Path
    process: subprocess.Popen[bytes]

    @property
    def secretariat_token(self) -> str:
        return (self.data_dir / "secretariat-token").read_text().strip()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return cli(*args, env=self.env)


def server_env(data_dir: Path, port: int) -> dict[str, str]:
    """What a registry process of the tests runs with: its own SQLite file and port."""
    return {
        "RIGHTSMARK_DATA_DIR": str(data_dir),
        "RIGHTSMARK_DATABASE_URL": "",  # SQLite in data_dir, never the tests' database
        "RIGHTSMARK_HOST": "127.0.0.1",
        "RIGHTSMARK_PORT": str(port),
        "RIGHTSMARK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "RIGHTSMARK_KEY_PASSPHRASE": "e2e-test-passphrase",
        "RIGHTSMARK_LOG_LEVEL": "warning",
    }


def wait_until_serving(
    process: subprocess.Popen[bytes], url: str, log: Path, startup_seconds: float
) -> None:
    """Poll `url`/health until the server answers 200; fail with its log if it exits first
    or does not answer within `startup_seconds`."""
    deadline = time.monotonic() + startup_seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"rightsmark serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("rightsmark serve did not answer in time")
        time.sleep(0.1)


@contextmanager
def serving(
    env: dict[str, str], log: Path, *, startup_seconds: float = 60, args: tuple[str, ...] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """`rightsmark serve [ARGS]` with `env`, once it answers /health; stopped on the way
    out (a test may kill it first)."""
    url = env["RIGHTSMARK_PUBLIC_URL"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*RIGHTSMARK, "serve", *args],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(process, url, log, startup_seconds)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@contextmanager
def registry_server(
    data_dir: Path,
    *,
    startup_seconds: float = 60,
    demo: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Iterator[RegistryServer]:
    """`rightsmark init [--demo]` then `rightsmark serve` on a free port, with its own SQLite
    file (and `extra_env`, e.g. a test SMTP server's settings)."""
    env = {**server_env(data_dir, free_port()), **(extra_env or {})}
    initialised = cli("init", *(["--demo"] if demo else []), env=env)
    if initialised.returncode != 0:
        raise RuntimeError(f"rightsmark init failed: {initialised.stderr}")
    log = data_dir / "serve.log"
    with serving(env, log, startup_seconds=startup_seconds) as process:
        yield RegistryServer(env["RIGHTSMARK_PUBLIC_URL"], env, data_dir, process)


# --- the certification path through the HTTP API ---------------------------------------


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The JSON of a response that must have `status`."""
    assert response.status_code == status, response.text
    return response.json()


@dataclass
class Assigned:
    """An application assigned to an accredited auditor, open for evidence and a filing."""

    application_id: str
    auditor: dict[str, str]
    provider: dict[str, str]
    findings: Doc  # a passing filing for it


def assign_over_http(http: httpx.Client, sec: dict[str, str], provider_body: Doc) -> Assigned:
    """Through the HTTP API: register the provider, an account for it and an auditor; apply;
    accredit the auditor; assign it."""
    provider = ok(http.post("/api/v1/providers", json=provider_body, headers=sec), 201)
    account = {"name": "Staff", "role": "provider", "provider_id": provider["id"]}
    prov_token = ok(http.post("/api/v1/accounts", json=account, headers=sec), 201)["token"]
    auditor = ok(
        http.post("/api/v1/accounts", json={"name": "Ana", "role": "auditor"}, headers=sec), 201
    )
    auditor_id = auditor["account"]["id"]
    application = ok(
        http.post(
            "/api/v1/applications",
            json={
                "standard": "core-rights@1.0.0",
                "provider_types": ["recruiter"],
                "corridors": ["PH-AE"],
            },
            headers={"Authorization": f"Bearer {prov_token}"},
        ),
        201,
    )
    today = datetime.now(UTC).date()
    accreditations = f"/api/v1/auditors/{auditor_id}/accreditations"
    ok(http.post(accreditations, json=accreditation_body(today), headers=sec), 201)
    assign = f"/api/v1/applications/{application['id']}/assign"
    ok(http.post(assign, json={"auditor_id": auditor_id}, headers=sec))
    rule_set = ok(http.get("/api/v1/standards/core-rights/versions/1.0.0"))["rule_set"]
    return Assigned(
        application["id"],
        {"Authorization": f"Bearer {auditor['token']}"},
        {"Authorization": f"Bearer {prov_token}"},
        passing_filing(rule_set, today),
    )


def log_entries(http: httpx.Client) -> list[Doc]:
    """Every entry the log serves, page by page."""
    entries: list[Doc] = []
    while True:
        page = http.get("/log/entries", params={"start": len(entries)})
        if page.status_code == 400:  # start is past the end
            return entries
        body = page.json()
        entries += [json.loads(item["entry"]) for item in body["entries"]]
        if len(entries) >= body["tree_size"]:
            return entries


def certify(server: RegistryServer, legal_name: str = "Agencia Uno, Inc.") -> Doc:
    """The whole path through the HTTP API: accounts, provider, application, accreditation,
    assignment, a passing assessment, decision. Returns the certificate summary."""
    sec = {"Authorization": f"Bearer {server.secretariat_token}"}
    body = {
        "legal_name": legal_name,
        "country": "PH",
        "provider_types": ["recruiter"],
        "corridors": ["PH-AE"],
        "contact": {"email": "o@example.org", "phone": "+63 2 555", "address": "Manila"},
    }
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assigned = assign_over_http(http, sec, body)
        application = f"/api/v1/applications/{assigned.application_id}"
        filing = http.post(
            f"{application}/assessments", json=assigned.findings, headers=assigned.auditor
        )
        ok(filing, 201)
        decision = ok(http.post(f"{application}/decision", headers=sec), 201)
        assert decision["outcome"] == "certified", decision
        certificate: Doc = decision["certificate"]
        return certificate


def change(server: RegistryServer, certificate: Doc, action: str) -> None:
    sec = {"Authorization": f"Bearer {server.secretariat_token}"}
    response = httpx.post(
        f"{server.url}/api/v1/certificates/{certificate['id']}/{action}",
        json={"reason": f"e2e test: {action}"},
        headers=sec,
        timeout=30,
    )
    assert response.status_code == 200, response.text
