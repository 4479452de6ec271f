"""Helpers of the backup tests: a writer that keeps changing a certificate while the export
runs, what a registry serves (read over its public API), and archive surgery."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from registry.trust import merkle
from registry.trust.signed_note import Checkpoint, verify_note

Doc = dict[str, Any]
STATUS_AFTER = {
    "issued": "valid",
    "reinstated": "valid",
    "suspended": "suspended",
    "revoked": "revoked",
    "expired": "expired",
}


class Writer:
    """Suspends and reinstates one certificate over and over, through the API, until told to
    stop; `done` counts the acknowledged changes."""

    def __init__(self, url: str, token: str, certificate: str) -> None:
        self.url, self.token, self.certificate = url, token, certificate
        self.done = 0
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.failure: str | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as http:
            while not self.stop.is_set():
                action = ("suspend", "reinstate")[self.done % 2]
                answer = http.post(
                    f"/api/v1/certificates/{self.certificate}/{action}",
                    json={"reason": f"backup test: {action}"},
                )
                if answer.status_code != 200:
                    self.failure = answer.text
                    return
                with self.changed:
                    self.done += 1
                    self.changed.notify_all()

    def wait_for(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.done >= count or self.failure, 60)
        assert self.failure is None, self.failure


def log_entries(http: httpx.Client, size: int) -> list[str]:
    entries: list[str] = []
    while len(entries) < size:
        page = http.get("/log/entries", params={"start": len(entries), "end": size}).json()
        entries += [item["entry"] for item in page["entries"]]
    return entries


def statuses_from_log(entries: list[str]) -> dict[str, str]:
    """Each certificate's status after the last event the log records for it."""
    result: dict[str, str] = {}
    for text in entries:
        entry = json.loads(text)
        kind = entry["type"].removeprefix("certificate.")
        if entry["type"].startswith("certificate.") and kind in STATUS_AFTER:
            result[entry["subject"]["certificate"]] = STATUS_AFTER[kind]
    return result


@dataclass
class Served:
    """What a registry serves: certificates, credentials, verdicts, the log, evidence."""

    certificates: dict[str, Doc]
    credentials: dict[str, str]
    verdicts: dict[str, Doc]
    key: str
    checkpoint: Checkpoint
    entries: list[str]
    evidence: dict[str, bytes]


def read_served(url: str, token: str, digests: list[str]) -> Served:
    with httpx.Client(base_url=url, timeout=30) as http:
        listed = http.get("/api/v1/certificates", params={"limit": 200}).json()["items"]
        certificates = {item["id"]: item for item in listed}
        credentials, verdicts = {}, {}
        for certificate in certificates:
            path = urlsplit(certificates[certificate]["url"]).path
            credentials[certificate] = http.get(path).text
            verdicts[certificate] = http.post(
                "/api/v1/verify",
                content=credentials[certificate],
                headers={"Content-Type": "application/json"},
            ).json()
        key = http.get("/log/key").text.strip()
        checkpoint = verify_note(http.get("/log/checkpoint").text, key)
        entries = log_entries(http, checkpoint.size)
        auth = {"Authorization": f"Bearer {token}"}
        evidence = {d: http.get(f"/api/v1/evidence/{d}", headers=auth).content for d in digests}
    return Served(certificates, credentials, verdicts, key, checkpoint, entries, evidence)


def check_consistent(url: str, old: Checkpoint, new: Checkpoint) -> None:
    """The registry at `url` proves that `new` extends `old` (RFC 9162 consistency)."""
    if old.size in (0, new.size):
        assert old.size == 0 or old.root_hash == new.root_hash
        return
    proof = httpx.get(
        f"{url}/log/proof/consistency", params={"from": old.size, "to": new.size}, timeout=30
    ).json()
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    merkle.verify_consistency(old.size, new.size, hashes, old.root_hash, new.root_hash)


def rewrite(
    source: Path, target: Path, edit: Callable[[str, bytes], bytes], *, rehash: bool
) -> None:
    """A copy of the archive with members edited; with `rehash` the manifest is updated to
    the edited members' digests (a forgery, not an accident)."""
    with zipfile.ZipFile(source) as old:
        members = {name: edit(name, old.read(name)) for name in old.namelist()}
    if rehash:
        manifest = json.loads(members["manifest.json"])
        for name, data in members.items():
            if name in manifest["members"]:
                digest = hashlib.sha256(data).hexdigest()
                manifest["members"][name] = {"sha256": digest, "size": len(data)}
        members["manifest.json"] = json.dumps(manifest).encode()
        digest = hashlib.sha256(members["manifest.json"]).hexdigest()
        members["manifest.json.sha256"] = f"{digest}  manifest.json\n".encode()
    with zipfile.ZipFile(target, "w") as new:
        for name, data in members.items():
            new.writestr(name, data)


def flip_one_byte(data: bytes, at: int | None = None) -> bytes:
    index = len(data) // 2 if at is None else at
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def files_under(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _, names in os.walk(folder)
        for name in names
    )
