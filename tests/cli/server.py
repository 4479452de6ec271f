"""Real servers for CLI tests: a static file server in a thread, and the registry itself
(`rightsmark init` + `rightsmark serve`) in a subprocess with its own data folder."""

from __future__ import annotations

import functools
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
from tests.conftest import PROJECT_ROOT

RIGHTSMARK = [sys.executable, "-c", "from api.cli import main; main()"]
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


@contextmanager
def serving(
    env: dict[str, str], log: Path, *, startup_seconds: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """`rightsmark serve` with `env`, once it answers /health; stopped on the way out (a
    test may kill it first)."""
    url = env["RIGHTSMARK_PUBLIC_URL"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*RIGHTSMARK, "serve"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"rightsmark serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("rightsmark serve did not answer in time")
            time.sleep(0.1)
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
    data_dir: Path, *, startup_seconds: float = 60, demo: bool = False
) -> Iterator[RegistryServer]:
    """`rightsmark init [--demo]` then `rightsmark serve` on a free port, with its own SQLite
    file."""
    env = server_env(data_dir, free_port())
    initialised = cli("init", *(["--demo"] if demo else []), env=env)
    if initialised.returncode != 0:
        raise RuntimeError(f"rightsmark init failed: {initialised.stderr}")
    log = data_dir / "serve.log"
    with serving(env, log, startup_seconds=startup_seconds) as process:
        yield RegistryServer(env["RIGHTSMARK_PUBLIC_URL"], env, data_dir, process)


# --- the certification path through the HTTP API ---------------------------------------


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def certify(server: RegistryServer, legal_name: str = "Agencia Uno, Inc.") -> Doc:
    """The whole path through the HTTP API: accounts, provider, application, accreditation,
    assignment, a passing assessment, decision. Returns the certificate summary."""
    sec = {"Authorization": f"Bearer {server.secretariat_token}"}
    with httpx.Client(base_url=server.url, timeout=30) as http:
        provider = _ok(
            http.post(
                "/api/v1/providers",
                json={
                    "legal_name": legal_name,
                    "country": "PH",
                    "provider_types": ["recruiter"],
                    "corridors": ["PH-AE"],
                    "contact": {
                        "email": "o@example.org",
                        "phone": "+63 2 555",
                        "address": "Manila",
                    },
                },
                headers=sec,
            ),
            201,
        )
        prov_token = _ok(
            http.post(
                "/api/v1/accounts",
                json={"name": "Uno", "role": "provider", "provider_id": provider["id"]},
                headers=sec,
            ),
            201,
        )["token"]
        prov = {"Authorization": f"Bearer {prov_token}"}
        auditor = _ok(
            http.post("/api/v1/accounts", json={"name": "Ana", "role": "auditor"}, headers=sec),
            201,
        )
        aud = {"Authorization": f"Bearer {auditor['token']}"}
        auditor_id = auditor["account"]["id"]
        application = _ok(
            http.post(
                "/api/v1/applications",
                json={
                    "standard": "core-rights@1.0.0",
                    "provider_types": ["recruiter"],
                    "corridors": ["PH-AE"],
                },
                headers=prov,
            ),
            201,
        )
        today = datetime.now(UTC).date()
        _ok(
            http.post(
                f"/api/v1/auditors/{auditor_id}/accreditations",
                json=accreditation_body(today),
                headers=sec,
            ),
            201,
        )
        _ok(
            http.post(
                f"/api/v1/applications/{application['id']}/assign",
                json={"auditor_id": auditor_id},
                headers=sec,
            )
        )
        rule_set = _ok(http.get("/api/v1/standards/core-rights/versions/1.0.0"))["rule_set"]
        doc = passing_filing(rule_set, today)
        _ok(
            http.post(
                f"/api/v1/applications/{application['id']}/assessments", json=doc, headers=aud
            ),
            201,
        )
        decision = _ok(
            http.post(f"/api/v1/applications/{application['id']}/decision", headers=sec), 201
        )
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
