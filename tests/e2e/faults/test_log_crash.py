"""Crash consistency (issue 5): a real server killed with SIGKILL in the middle of a burst of
state changes leaves database, status lists and log agreeing after a restart.

The server is `rightsmark serve` in a subprocess with its own SQLite file (`init --demo`
first). Threads suspend, reinstate and finally revoke every active demo certificate
concurrently through the API; the server is killed while requests are in flight, so some
changes were acknowledged, some were committed without their answer arriving, and some never
happened. After the restart each certificate must have exactly one log entry per recorded
event (never a change without its entry, nor an entry without its change), every
acknowledged change must be there, the published status lists must say what the database
says, and the log must extend the checkpoint signed before the crash.
"""

from __future__ import annotations

import base64
import json
import signal
import sqlite3
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from registry.trust import merkle
from registry.trust.signed_note import verify_note
from tests.support.server import cli, free_port, log_entries, server_env, serving

pytestmark = pytest.mark.e2e
ACTIONS = ("suspend", "reinstate", "suspend", "reinstate", "suspend", "reinstate", "revoke")
KILL_AFTER = 12  # acknowledged changes before the kill: well inside the burst
LOGGED = {"issued", "suspended", "reinstated", "revoked", "expired"}


class Burst:
    """One thread per certificate runs ACTIONS in order; `acknowledged` counts the 200s."""

    def __init__(self, url: str, token: str, certificates: list[str]) -> None:
        self.url, self.token, self.certificates = url, token, certificates
        self.acknowledged: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.enough = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(c,)) for c in certificates]

    def _run(self, certificate: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as http:
            for action in ACTIONS:
                try:
                    answer = http.post(
                        f"/api/v1/certificates/{certificate}/{action}",
                        json={"reason": f"crash test: {action}"},
                    )
                except httpx.HTTPError:
                    return  # the server is gone: this change may or may not have committed
                assert answer.status_code == 200, answer.text
                with self.lock:
                    self.acknowledged[certificate] += 1
                    if sum(self.acknowledged.values()) >= KILL_AFTER:
                        self.enough.set()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=60)


def test_sigkill_in_a_burst_of_revocations_leaves_everything_consistent(tmp_path: Path) -> None:
    data_dir = tmp_path / "registry"
    env = server_env(data_dir, free_port())
    url = env["RIGHTSMARK_PUBLIC_URL"]
    initialised = cli("init", "--demo", env=env)
    assert initialised.returncode == 0, initialised.stderr
    token = (data_dir / "secretariat-token").read_text().strip()
    state = tmp_path / "monitor.json"
    server_log = tmp_path / "serve.log"

    with serving(env, server_log) as process:
        listed = httpx.get(f"{url}/api/v1/certificates", params={"status": "valid", "limit": 200})
        certificates = [item["id"] for item in listed.json()["items"]]
        assert len(certificates) >= 3, listed.text
        monitored = cli("log", "monitor", url, "--state", str(state), "--json", env=env)
        assert monitored.returncode == 0, monitored.stdout + monitored.stderr
        key = httpx.get(f"{url}/log/key").text.strip()
        before = verify_note(httpx.get(f"{url}/log/checkpoint").text, key)

        burst = Burst(url, token, certificates)
        burst.start()
        assert burst.enough.wait(timeout=120), "the burst did not get going"
        process.send_signal(signal.SIGKILL)  # no shutdown, no flush: a power cut
        process.wait(timeout=10)
        burst.join()
    acknowledged = sum(burst.acknowledged.values())
    assert KILL_AFTER <= acknowledged < len(certificates) * len(ACTIONS), "not mid-burst"

    with serving(env, server_log):
        # The log extends what was signed before the crash, and the monitor agrees.
        after = verify_note(httpx.get(f"{url}/log/checkpoint").text, key)
        assert after.size >= before.size + acknowledged
        proof = httpx.get(
            f"{url}/log/proof/consistency", params={"from": before.size, "to": after.size}
        ).json()
        hashes = [base64.b64decode(h) for h in proof["hashes"]]
        merkle.verify_consistency(
            before.size, after.size, hashes, before.root_hash, after.root_hash
        )
        monitored = cli("log", "monitor", url, "--state", str(state), "--json", env=env)
        assert monitored.returncode == 0, monitored.stdout + monitored.stderr
        assert json.loads(monitored.stdout)["size"] == after.size
        with httpx.Client(base_url=url, timeout=30) as http:
            entries = log_entries(http)
        assert len(entries) == after.size

        # The published status lists say what the database says: the offline verifier
        # (the lists fetched and checked as any employer would) against each summary.
        statuses = {
            c: httpx.get(f"{url}/api/v1/certificates/{c}").json()["status"] for c in certificates
        }
        urls = tmp_path / "urls.csv"
        urls.write_text("url\n" + "".join(f"{url}/credentials/{c}\n" for c in certificates))
        verified = cli("verify", "--batch", str(urls), "--registry", url, "--json", env=env)
        assert verified.returncode in (0, 1), verified.stderr
        for result in json.loads(verified.stdout)["results"]:
            certificate = result["source"].rsplit("/", 1)[1]
            assert result["status"] == statuses[certificate], (certificate, result)
            log_check = next(c for c in result["checks"] if c["name"] == "log")
            assert log_check["result"] == "passed", log_check

    # One log entry per recorded event, in the same order; every acknowledged change there.
    database = sqlite3.connect(data_dir / "rightsmark.sqlite")
    try:
        for certificate in certificates:
            events = [
                action
                for (action,) in database.execute(
                    "SELECT action FROM certificate_events WHERE certificate_id = ? ORDER BY id",
                    (certificate,),
                )
                if action in LOGGED
            ]
            logged = [
                e["type"].removeprefix("certificate.")
                for e in entries
                if e["type"].startswith("certificate.")
                and e["subject"].get("certificate") == certificate
            ]
            assert logged == events, certificate
            assert len(events) >= 1 + burst.acknowledged[certificate]
            (db_state,) = database.execute(
                "SELECT state FROM certificates WHERE public_id = ?", (certificate,)
            ).fetchone()
            last = events[-1]
            expected = {"issued": "active", "reinstated": "active"}.get(last, last)
            assert db_state == expected, (certificate, events)
    finally:
        database.close()
