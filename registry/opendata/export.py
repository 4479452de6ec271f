"""`rightsmark opendata export`: the public register as a signed open data bundle.

1. Every row is read in ONE read snapshot (`registry.backup.snapshot.read_snapshot`), with
   the log's size and root in that snapshot: the data is exactly the registry after the
   first `size` log entries.
2. Then the latest checkpoint is taken (signed if the log has grown); when the log grew
   during the export, the manifest carries the consistency proof from the snapshot's tree to
   the checkpoint's, so the data is still tied to a signed log state.
3. Only public columns are selected: never a provider's contact, never a complaint's text,
   contact or complainant; complaints are counted per provider, nothing more.
4. The bundle is written to a temporary folder beside its final place and renamed into it,
   and `LATEST` (the name of the newest export) is replaced atomically after: a reader sees
   a whole export or the previous one, never half of one.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import secrets
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from registry.backup.snapshot import read_snapshot
from registry.certificates.service import current_status
from registry.certificates.tables import CertificateRow
from registry.clock import iso_utc, utc_now
from registry.complaints import rules
from registry.complaints.tables import ComplaintRow
from registry.db.tables import ProviderRow
from registry.errors import NotFoundError
from registry.keys import current_signer, did_document_json
from registry.opendata import bundle
from registry.settings import get_settings
from registry.standards.tables import StandardVersionRow
from registry.transparency import checkpoints, log

LATEST: Final = "LATEST"
KEEP: Final = 14  # exports kept; older ones are deleted after a new one is written
EXPORT_NAME: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SUBSTANTIATED: Final = frozenset(
    {rules.Outcome.SUBSTANTIATED.value, rules.Outcome.PARTLY_SUBSTANTIATED.value}
)
_OPEN: Final = frozenset(s.value for s in rules.OPEN_STATES)


@dataclass(frozen=True)
class Exported:
    name: str  # the export's folder name: its UTC date
    folder: Path
    rows: dict[str, int]  # per table
    log_size: int
    checkpoint_size: int


def default_folder() -> Path:
    """Where `lifecycle run` and the public routes keep the exports."""
    return get_settings().data_dir / "open-data"


def _pairs(text: str | None) -> list[str]:
    return [f"{item['country']}:{item['number']}" for item in json.loads(text or "[]")]


async def _read(now: dt.datetime) -> tuple[dict[str, list[dict[str, Any]]], int, bytes | None]:
    async with read_snapshot():
        providers = await ProviderRow.select(
            ProviderRow.public_id,
            ProviderRow.legal_name,
            ProviderRow.trading_names,
            ProviderRow.country,
            ProviderRow.provider_types,
            ProviderRow.corridors,
            ProviderRow.licences,
            ProviderRow.registration_numbers,
            ProviderRow.created_at,
            ProviderRow.updated_at,
        ).order_by(ProviderRow.public_id)
        certificates = await CertificateRow.select(
            CertificateRow.public_id,
            CertificateRow.code,
            CertificateRow.provider_id,
            CertificateRow.legal_name,
            CertificateRow.standard,
            CertificateRow.grade,
            CertificateRow.score,
            CertificateRow.state,
            CertificateRow.state_reason,
            CertificateRow.state_changed_at,
            CertificateRow.valid_from,
            CertificateRow.valid_until,
            CertificateRow.issued_at,
            CertificateRow.log_index,
        ).order_by(CertificateRow.issued_at, CertificateRow.public_id)
        standards = (
            await StandardVersionRow.select()
            .where(StandardVersionRow.status.is_in(["published", "retired"]))
            .order_by(StandardVersionRow.slug_version)
        )
        # The figures only: who complained and what they wrote are never read.
        complaints = await ComplaintRow.select(
            ComplaintRow.provider_id,
            ComplaintRow.state,
            ComplaintRow.outcome,
            ComplaintRow.closed_at,
        )
        size = await log.current_size()
        root = await log.root_at(size) if size else None
    return _tables(providers, certificates, standards, complaints, now), size, root


def _tables(
    providers: list[dict[str, Any]],
    certificates: list[dict[str, Any]],
    standards: list[dict[str, Any]],
    complaints: list[dict[str, Any]],
    now: dt.datetime,
) -> dict[str, list[dict[str, Any]]]:
    since = now - dt.timedelta(days=rules.SUBSTANTIATED_WINDOW_DAYS)
    received: Counter[str] = Counter()
    still_open: Counter[str] = Counter()
    substantiated: Counter[str] = Counter()
    for c in complaints:
        if c["provider_id"]:
            received[c["provider_id"]] += 1
            still_open[c["provider_id"]] += c["state"] in _OPEN
            substantiated[c["provider_id"]] += (
                c["outcome"] in _SUBSTANTIATED
                and c["closed_at"] is not None
                and c["closed_at"] >= since
            )
    statuses = {c["public_id"]: current_status(c, now) for c in certificates}
    valid: Counter[str] = Counter(
        c["provider_id"] for c in certificates if statuses[c["public_id"]] == "valid"
    )
    return {
        "providers": [
            {
                "id": p["public_id"],
                "legal_name": p["legal_name"],
                "trading_names": json.loads(p["trading_names"]),
                "country": p["country"],
                "provider_types": json.loads(p["provider_types"]),
                "corridors": json.loads(p["corridors"]),
                "licences": _pairs(p["licences"]),
                "registration_numbers": _pairs(p["registration_numbers"]),
                "registered_at": iso_utc(p["created_at"]),
                "updated_at": iso_utc(p["updated_at"]),
                "certificates_valid": valid[p["public_id"]],
                "complaints_received": received[p["public_id"]],
                "complaints_open": still_open[p["public_id"]],
                "complaints_substantiated_24_months": substantiated[p["public_id"]],
            }
            for p in providers
        ],
        "certificates": [
            {
                "id": c["public_id"],
                "code": c["code"],
                "provider_id": c["provider_id"],
                "legal_name": c["legal_name"],
                "standard": c["standard"],
                "grade": c["grade"],
                "score": c["score"],
                "status": statuses[c["public_id"]],
                "status_reason": c["state_reason"],
                "status_changed_at": iso_utc(c["state_changed_at"]),
                "valid_from": iso_utc(c["valid_from"]),
                "valid_until": iso_utc(c["valid_until"]),
                "issued_at": iso_utc(c["issued_at"]),
                "log_index": c["log_index"],
            }
            for c in certificates
        ],
        "standards": [
            {
                "slug": s["slug"],
                "version": s["version"],
                "title": s["title"],
                "status": s["status"],
                "digest": s["digest"],
                "effective_date": s["effective_date"].isoformat(),
                "published_at": iso_utc(s["published_at"]),
                "retired_at": iso_utc(s["retired_at"]),
            }
            for s in standards
        ],
    }


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


async def build(
    now: dt.datetime | None = None,
) -> tuple[dict[str, bytes], dict[str, int], int, int]:
    """Every file of a bundle by name (the signature included), the rows per data file,
    and the log size the data was read at and the checkpoint's size."""
    now = now or utc_now()
    tables, size, root = await _read(now)
    note = await checkpoints.latest_checkpoint()
    signed_size = int(note.split("\n", 2)[1])
    signed_root = base64.b64decode(note.split("\n", 3)[2])
    proof = await log.consistency_proof(size, signed_size) if 0 < size < signed_size else []
    signer = await current_signer()
    registry_url = get_settings().public_url
    files: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    for table in bundle.TABLES:
        items = tables[table.name]
        files[f"{table.name}.csv"] = bundle.csv_bytes(table, items)
        files[f"{table.name}.jsonl"] = bundle.jsonl_bytes(table, items)
        rows[f"{table.name}.csv"] = rows[f"{table.name}.jsonl"] = len(items)
    files[bundle.DICTIONARY_JSON] = (json.dumps(bundle.dictionary(), indent=2) + "\n").encode()
    files[bundle.DICTIONARY_MD] = bundle.dictionary_markdown().encode()
    files[bundle.LICENCE_FILE] = bundle.licence_text(registry_url).encode()
    files[bundle.CHECKPOINT] = note.encode()
    files[bundle.LOG_KEY] = ((await checkpoints.log_verifier_key()) + "\n").encode()
    files[bundle.DID_DOCUMENT] = (json.dumps(await did_document_json(), indent=2) + "\n").encode()
    files[bundle.SIGNING_KEY_PEM] = signer.private_key.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    manifest = {
        "format": bundle.FORMAT,
        "registry": registry_url,
        "exported_at": iso_utc(now),
        "licence": {"id": bundle.LICENCE_ID, "url": bundle.LICENCE_URL},
        "signer": {"did": signer.did, "verification_method": signer.verification_method},
        "log": {
            "size": size,
            "root": _b64(root) if root is not None else None,
            "consistency_proof": [_b64(h) for h in proof],
        },
        "checkpoint": {"size": signed_size, "root": _b64(signed_root), "file": bundle.CHECKPOINT},
        "files": bundle.file_entries(files, rows),
    }
    raw = bundle.manifest_bytes(manifest)
    files[bundle.MANIFEST] = raw
    files[bundle.SIGNATURE] = (_b64(signer.private_key.sign(raw)) + "\n").encode()
    return files, rows, size, signed_size


def _replace(folder: Path, name: str, data: bytes) -> None:
    temporary = folder / f".{name}.{secrets.token_hex(4)}"
    temporary.write_bytes(data)
    os.replace(temporary, folder / name)


def latest_name(root: Path) -> str | None:
    path = root / LATEST
    if not path.is_file():
        return None
    name = path.read_text().strip()
    return name if EXPORT_NAME.fullmatch(name) and (root / name).is_dir() else None


async def export(root: Path, now: dt.datetime | None = None) -> Exported:
    """Write today's (UTC) export under `root/<date>/`, replacing an earlier one of the same
    day, point `LATEST` at it and keep the newest `KEEP` exports."""
    now = now or utc_now()
    files, rows, size, signed_size = await build(now)
    name = now.astimezone(dt.UTC).date().isoformat()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".{name}.{secrets.token_hex(4)}"
    staging.mkdir()
    for member, data in files.items():
        (staging / member).write_bytes(data)
    final = root / name
    if final.exists():
        old = root / f".{name}.old.{secrets.token_hex(4)}"
        os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old)
    else:
        os.replace(staging, final)
    _replace(root, LATEST, (name + "\n").encode())
    for stale in sorted(p for p in root.iterdir() if EXPORT_NAME.fullmatch(p.name))[:-KEEP]:
        shutil.rmtree(stale)
    return Exported(name, final, rows, size, signed_size)


async def export_if_due(root: Path, now: dt.datetime | None = None) -> Exported | None:
    """The daily export, for `rightsmark lifecycle run`: written when there is none for
    today (UTC) yet, else nothing."""
    now = now or utc_now()
    if (root / now.astimezone(dt.UTC).date().isoformat()).is_dir():
        return None
    return await export(root, now)


@dataclass(frozen=True)
class PublishedFile:
    export: str  # the dated export it belongs to
    name: str
    data: bytes
    sha256: str


def published_file(export_name: str, name: str, root: Path | None = None) -> PublishedFile:
    """A file of a written export (`export_name` its date, or `latest`), for the public
    routes: only the names its manifest lists (and the manifest and its signature), so no
    path can reach anything else. NotFoundError otherwise."""
    root = root or default_folder()
    found = latest_name(root) if export_name == "latest" else export_name
    if found is None or not EXPORT_NAME.fullmatch(found) or not (root / found).is_dir():
        raise NotFoundError(f"there is no open data export {export_name!r}")
    folder = root / found
    manifest = json.loads((folder / bundle.MANIFEST).read_bytes())
    hashes = {str(entry["name"]): str(entry["sha256"]) for entry in manifest["files"]}
    if name not in hashes and name not in (bundle.MANIFEST, bundle.SIGNATURE):
        raise NotFoundError(f"open data export {found} has no file {name!r}")
    data = (folder / name).read_bytes()
    return PublishedFile(found, name, data, hashes.get(name) or bundle.sha256_hex(data))


def latest_manifest(root: Path | None = None) -> dict[str, Any] | None:
    """The newest export's manifest, or None before the first export."""
    root = root or default_folder()
    name = latest_name(root)
    if name is None:
        return None
    manifest: dict[str, Any] = json.loads((root / name / bundle.MANIFEST).read_bytes())
    manifest["name"] = name
    return manifest
