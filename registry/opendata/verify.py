"""Checking an open data bundle without the registry: numbered checks, each passed or failed
with its reason, as `rightsmark verify` reports a certificate.

1. `signature`: manifest.json's exact bytes carry an Ed25519 signature by the key the
   manifest names, looked up in the DID document given (the registry's, fetched by the
   caller) or, failing that, the bundle's own copy (which proves only that the bundle is
   whole, not who made it: the report says so).
2. `files`: every file the manifest lists is there with its SHA-256 and size, and no other
   file is (an added file is as much an edit as a changed one).
3. `checkpoint`: checkpoint.txt is a checkpoint signed by the log key (given, else the
   bundle's copy) whose size and root are the manifest's.
4. `log`: the log state the data was read at (size, root) is the checkpoint's, or the
   manifest's consistency proof shows the checkpoint's tree extends it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from registry.errors import RegistryError
from registry.opendata import bundle
from registry.trust import merkle
from registry.trust.multikey import public_key_from_multibase
from registry.trust.signed_note import verify_note


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok


def _read(folder: Path, name: str) -> bytes | None:
    path = folder / name
    return path.read_bytes() if path.is_file() else None


def _key_of(did_document: dict[str, Any], method: str) -> str | None:
    for entry in did_document.get("verificationMethod", []):
        if isinstance(entry, dict) and entry.get("id") == method:
            found = entry.get("publicKeyMultibase")
            return found if isinstance(found, str) else None
    return None


def _signature(
    folder: Path, raw: bytes, manifest: dict[str, Any], did: Any, report: Report
) -> None:
    method = str(manifest.get("signer", {}).get("verification_method", ""))
    own = did is None
    if own:
        text = _read(folder, bundle.DID_DOCUMENT)
        did = json.loads(text) if text else {}
    multibase = _key_of(did if isinstance(did, dict) else {}, method)
    if multibase is None:
        report.add("signature", False, f"the DID document lists no key {method!r}")
        return
    signature = _read(folder, bundle.SIGNATURE)
    if signature is None:
        report.add("signature", False, f"{bundle.SIGNATURE} is missing")
        return
    try:
        public_key_from_multibase(multibase).verify(base64.b64decode(signature.strip()), raw)
    except (InvalidSignature, ValueError, RegistryError):
        report.add("signature", False, f"manifest.json is not signed by {method}")
        return
    where = (
        "the bundle's own did.json: pass the registry's DID document to know who signed it"
        if own
        else "the DID document given"
    )
    report.add("signature", True, f"manifest.json signed by {method} (key from {where})")


def _files(folder: Path, manifest: dict[str, Any], report: Report) -> None:
    listed = {str(e["name"]): e for e in manifest.get("files", [])}
    problems = []
    for name, entry in sorted(listed.items()):
        data = _read(folder, name)
        if data is None:
            problems.append(f"{name} is missing")
        elif bundle.sha256_hex(data) != entry.get("sha256") or len(data) != entry.get("bytes"):
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    present = {p.name for p in folder.iterdir() if p.is_file()}
    for extra in sorted(present - set(listed) - {bundle.MANIFEST, bundle.SIGNATURE}):
        problems.append(f"{extra} is not in the manifest")
    if problems:
        report.add("files", False, "; ".join(problems))
    else:
        report.add("files", True, f"{len(listed)} files match their SHA-256")


def _checkpoint(
    folder: Path, manifest: dict[str, Any], log_key: str | None, report: Report
) -> None:
    note = _read(folder, bundle.CHECKPOINT)
    key = log_key or (_read(folder, bundle.LOG_KEY) or b"").decode().strip()
    stated = manifest.get("checkpoint", {})
    if note is None or not key:
        report.add("checkpoint", False, "the checkpoint or the log key is missing")
        return
    try:
        checkpoint = verify_note(note.decode("utf-8"), key)
    except (RegistryError, ValueError) as exc:
        report.add("checkpoint", False, f"checkpoint.txt is not signed by the log key ({exc})")
        return
    root = base64.b64encode(checkpoint.root_hash).decode()
    if checkpoint.size != stated.get("size") or root != stated.get("root"):
        report.add("checkpoint", False, "checkpoint.txt is not the checkpoint the manifest names")
        return
    report.add("checkpoint", True, f"signed by the log key: size {checkpoint.size}, root {root}")
    log = manifest.get("log", {})
    size, size2 = int(log.get("size", -1)), checkpoint.size
    try:
        if size == size2:
            ok = log.get("root") == root
        elif 0 < size < size2:
            proof = [base64.b64decode(h) for h in log.get("consistency_proof", [])]
            merkle.verify_consistency(
                size, size2, proof, base64.b64decode(str(log.get("root"))), checkpoint.root_hash
            )
            ok = True
        else:
            ok = size == 0
    except (RegistryError, ValueError):
        ok = False
    report.add(
        "log",
        ok,
        f"the data was read at log size {size}, which the checkpoint extends"
        if ok
        else f"the log state at export (size {size}) is not consistent with the checkpoint",
    )


def verify_bundle(folder: Path, *, did_document: Any = None, log_key: str | None = None) -> Report:
    """Every check of the bundle in `folder`. `did_document` (parsed JSON) and `log_key`
    (a note verifier key) are the trust anchors; None uses the bundle's own copies."""
    report = Report()
    raw = _read(folder, bundle.MANIFEST)
    if raw is None:
        report.add("manifest", False, f"{bundle.MANIFEST} is missing")
        return report
    try:
        manifest = json.loads(raw)
    except ValueError:
        report.add("manifest", False, f"{bundle.MANIFEST} is not JSON")
        return report
    if not isinstance(manifest, dict) or manifest.get("format") != bundle.FORMAT:
        report.add("manifest", False, f"{bundle.MANIFEST} is not a {bundle.FORMAT} manifest")
        return report
    report.manifest = manifest
    _signature(folder, raw, manifest, did_document, report)
    _files(folder, manifest, report)
    _checkpoint(folder, manifest, log_key, report)
    return report
