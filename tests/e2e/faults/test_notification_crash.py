"""Issue 18: a `rightsmark serve` killed with SIGKILL between the changes and their delivery
loses no notification and sends none for a change that did not commit.

The server delivers to a real HTTP receiver in this process (127.0.0.1, allowed by
RIGHTSMARK_WEBHOOK_ALLOW_PRIVATE). Threads suspend and reinstate every valid demo
certificate through the API; the server is killed while requests and deliveries are in
flight, then restarted. Afterwards the receiver must hold exactly one distinct `webhook-id`
per certificate change the log recorded after the subscription (at least once: repeats of
one id are allowed, as the specification says), each verifying with the Standard Webhooks
library, and nothing else. On both engines: SQLite in the data folder, and a PostgreSQL
database of its own (tests/e2e/faults/harness.py says which server).
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.e2e.faults.harness import ENGINES, Database, database_url
from tests.support.server import cli, free_port, server_env, serving
from tests.support.webhooks import receiver

pytestmark = pytest.mark.e2e
ACTIONS = ("suspend", "reinstate") * 3
KILL_AFTER = 8
KINDS = ("certificate.suspended", "certificate.reinstated")


@pytest.mark.parametrize("engine", ENGINES)
def test_sigkill_between_change_and_delivery_loses_and_invents_nothing(
    engine: str, tmp_path: Path
) -> None:
    with database_url(engine) as url:
        _crash_and_recover(tmp_path / "registry", url)


def _crash_and_recover(data_dir: Path, database: str) -> None:
    env = server_env(data_dir, free_port()) | {
        "RIGHTSMARK_DATABASE_URL": database,
        "RIGHTSMARK_WEBHOOK_ALLOW_PRIVATE": "true",
        "RIGHTSMARK_WEBHOOK_TIMEOUT_SECONDS": "2",
    }
    url = env["RIGHTSMARK_PUBLIC_URL"]
    assert cli("init", "--demo", env=env).returncode == 0
    sec = {"Authorization": f"Bearer {(data_dir / 'secretariat-token').read_text().strip()}"}
    log = data_dir / "serve.log"
    with receiver() as hooks:
        with serving(env, log) as process, httpx.Client(base_url=url, timeout=30) as http:
            made = http.post(
                "/api/v1/accounts",
                json={"name": "Buyer", "role": "employer", "email": "b@buyer.example"},
                headers=sec,
            )
            assert made.status_code == 201, made.text
            employer = {"Authorization": f"Bearer {made.json()['token']}"}
            hook = http.post("/api/v1/webhooks", json={"url": hooks.url}, headers=employer)
            assert hook.status_code == 201, hook.text
            secret = hook.json()["secret"]
            start = int(http.get("/log/checkpoint").text.splitlines()[1])
            valid = http.get("/api/v1/certificates", params={"status": "valid"}).json()["items"]
            acknowledged = _burst(url, sec, [c["id"] for c in valid])
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        assert acknowledged >= KILL_AFTER
        with serving(env, log):
            expected = _logged_changes(Database(database, data_dir / "rightsmark.sqlite"), start)
            assert len(expected) >= acknowledged
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and _received(hooks, secret) != expected:
                time.sleep(0.5)
        assert _received(hooks, secret) == expected


def _burst(url: str, sec: dict[str, str], certificates: list[str]) -> int:
    acknowledged = 0
    lock, enough = threading.Lock(), threading.Event()

    def run(certificate: str) -> None:
        nonlocal acknowledged
        with httpx.Client(base_url=url, headers=sec, timeout=30) as http:
            for action in ACTIONS:
                try:
                    answer = http.post(
                        f"/api/v1/certificates/{certificate}/{action}", json={"reason": "crash"}
                    )
                except httpx.HTTPError:
                    return  # killed: this change may or may not have committed
                assert answer.status_code == 200, answer.text
                with lock:
                    acknowledged += 1
                    if acknowledged >= KILL_AFTER:
                        enough.set()

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in certificates]
    for thread in threads:
        thread.start()
    enough.wait(timeout=60)
    return acknowledged


def _logged_changes(db: Database, start: int) -> dict[int, str]:
    """log index -> type of every certificate change the log holds after `start`."""
    rows = db.rows(
        "SELECT position, kind FROM log_entries WHERE position >= ? AND kind IN (?, ?)",
        start,
        *KINDS,
    )
    return {int(position): kind for position, kind in rows}


def _received(hooks: object, secret: str) -> dict[int, str]:
    """log index -> type of every distinct message received, each verified."""
    by_id: dict[str, tuple[int, str]] = {}
    for got in list(hooks.requests):  # type: ignore[attr-defined]
        event = Webhook(secret).verify(got.body, got.headers)
        by_id[got.headers["webhook-id"]] = (event["data"]["log_index"], event["type"])
    found = dict(by_id.values())
    assert len(found) == len(by_id), "two messages for one change"
    return found
