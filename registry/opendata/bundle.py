"""The open data bundle as files: its tables and their columns, CSV and JSON Lines, the data
dictionary, the licence and the signed manifest. No database here: what a bundle is and how
to write one is kept apart from reading the registry (`registry.opendata.export`), and its
checks (`registry.opendata.verify`) run where there is no registry at all.

A bundle is a folder:

    providers.csv providers.jsonl certificates.csv certificates.jsonl standards.csv
    standards.jsonl      the public register, one row per line
    dictionary.json DATA-DICTIONARY.md   every column: its type and what it means
    LICENCE.md           CC BY 4.0, and how to credit the registry
    checkpoint.txt       the log checkpoint signed at export (a C2SP signed note)
    log.key did.json signing-key.pem   the keys that check the checkpoint and the manifest
    manifest.json        what was exported, when, the log state it reflects and the
                         SHA-256 of every file above
    manifest.json.sig    base64 of the Ed25519 signature of manifest.json's exact bytes,
                         by the registry's signing key named in the manifest
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

FORMAT: Final = "rightsmark-open-data/1"
MANIFEST: Final = "manifest.json"
SIGNATURE: Final = "manifest.json.sig"
CHECKPOINT: Final = "checkpoint.txt"
LOG_KEY: Final = "log.key"
DID_DOCUMENT: Final = "did.json"
SIGNING_KEY_PEM: Final = "signing-key.pem"
DICTIONARY_JSON: Final = "dictionary.json"
DICTIONARY_MD: Final = "DATA-DICTIONARY.md"
LICENCE_FILE: Final = "LICENCE.md"
LICENCE_ID: Final = "CC-BY-4.0"
LICENCE_URL: Final = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | integer | number | datetime | date | list
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]


_DT = "datetime"
TABLES: Final = (
    Table(
        "providers",
        "Every provider organisation in the register, as its public page shows it, with its "
        "public complaint figures. Never contact details or complainants' data.",
        (
            Column("id", "string", "Registry id (RMP-XXXXXXXX); its page is /providers/{id}"),
            Column("legal_name", "string", "Legal name"),
            Column("trading_names", "list", "Other names it trades under"),
            Column("country", "string", "Country of registration, ISO 3166-1 alpha-2"),
            Column("provider_types", "list", "What it does: recruiter, training, ..."),
            Column("corridors", "list", "Migration corridors served, origin-destination (PH-AE)"),
            Column("licences", "list", "Licences as COUNTRY:NUMBER"),
            Column("registration_numbers", "list", "Company register numbers as COUNTRY:NUMBER"),
            Column("registered_at", _DT, "When it was registered (UTC, ISO 8601)"),
            Column("updated_at", _DT, "When its record last changed (UTC, ISO 8601)"),
            Column("certificates_valid", "integer", "Its certificates valid at export time"),
            Column("complaints_received", "integer", "Complaints received about it, ever"),
            Column("complaints_open", "integer", "Complaints not yet closed"),
            Column(
                "complaints_substantiated_24_months",
                "integer",
                "Complaints closed as substantiated or partly substantiated in the 24 months "
                "before the export",
            ),
        ),
    ),
    Table(
        "certificates",
        "Every certificate ever issued, with its status at export time.",
        (
            Column("id", "string", "Certificate id (crt_...); the credential is /credentials/{id}"),
            Column("code", "string", "Human code (RM-XXXX-XXXX); its page is /certificates/{code}"),
            Column("provider_id", "string", "The certified provider's registry id"),
            Column("legal_name", "string", "The provider's legal name as certified"),
            Column("standard", "string", "The standard version, slug@version"),
            Column("grade", "string", "The grade awarded"),
            Column("score", "number", "The overall score (0 to 100)"),
            Column("status", "string", "valid, suspended, revoked or expired, at export time"),
            Column("status_reason", "string", "Why it is suspended or revoked, as its page says"),
            Column("status_changed_at", _DT, "When its state last changed"),
            Column("valid_from", _DT, "Start of validity"),
            Column("valid_until", _DT, "End of validity"),
            Column("issued_at", _DT, "When it was issued"),
            Column("log_index", "integer", "Transparency log index of its issuance"),
        ),
    ),
    Table(
        "standards",
        "Every published or retired standard version certificates are issued against.",
        (
            Column("slug", "string", "The standard's name"),
            Column("version", "string", "Semantic version"),
            Column("title", "string", "Title"),
            Column("status", "string", "published or retired"),
            Column("digest", "string", "SHA-256 of the rule set's canonical JSON (RFC 8785)"),
            Column("effective_date", "date", "When it takes effect"),
            Column("published_at", _DT, "When it was published"),
            Column("retired_at", _DT, "When it was retired, if it was"),
        ),
    ),
)
DATA_FILES: Final = tuple(f"{t.name}.{ext}" for t in TABLES for ext in ("csv", "jsonl"))


def _cell(value: Any) -> str:
    """A CSV cell: lists as JSON arrays (unambiguous whatever the names hold), None empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_bytes(table: Table, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """RFC 4180 CSV, UTF-8, CRLF line ends, a header row of the columns' names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    for row in rows:
        writer.writerow([_cell(row[c.name]) for c in table.columns])
    return out.getvalue().encode("utf-8")


def jsonl_bytes(table: Table, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """JSON Lines: one object per row, keys in the columns' order."""
    lines = (
        json.dumps({c.name: row[c.name] for c in table.columns}, ensure_ascii=False) + "\n"
        for row in rows
    )
    return "".join(lines).encode("utf-8")


def dictionary() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "licence": LICENCE_ID,
        "csv": "UTF-8, RFC 4180, CRLF; empty cell = no value; list columns are JSON arrays",
        "jsonl": "UTF-8 JSON Lines, one object per row; no value = null; lists are arrays",
        "tables": [
            {
                "name": t.name,
                "files": [f"{t.name}.csv", f"{t.name}.jsonl"],
                "description": t.description,
                "columns": [
                    {"name": c.name, "type": c.type, "description": c.description}
                    for c in t.columns
                ],
            }
            for t in TABLES
        ],
    }


def dictionary_markdown() -> str:
    parts = [
        "# Rightsmark open data: data dictionary\n",
        f"Format `{FORMAT}`. Licence: [CC BY 4.0]({LICENCE_URL}) (see `{LICENCE_FILE}`).\n",
        "CSV files are UTF-8, RFC 4180 with CRLF line ends; an empty cell is no value and "
        "list columns hold JSON arrays. JSON Lines files hold one object per row, with `null` "
        "for no value. Times are UTC, ISO 8601.\n",
    ]
    for t in TABLES:
        parts.append(
            f"## {t.name}\n\n{t.description}\n\n| column | type | meaning |\n|---|---|---|"
        )
        parts.extend(f"| `{c.name}` | {c.type} | {c.description} |" for c in t.columns)
        parts.append("")
    return "\n".join(parts) + "\n"


def licence_text(registry_url: str) -> str:
    return (
        "# Licence\n\n"
        f"This export of the Rightsmark registry ({registry_url}) is licensed under the "
        f"Creative Commons Attribution 4.0 International licence (CC BY 4.0): {LICENCE_URL}\n\n"
        "You may share and adapt it for any purpose, even commercially, if you give "
        "appropriate credit, link the licence and say whether you changed it. Credit it as: "
        f'"Rightsmark registry open data, {registry_url}, CC BY 4.0".\n\n'
        "The export holds only what the registry publishes on its public pages: no contact "
        "details and no complainant's data.\n"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as signed: sorted keys and two-space indents, so it reads well and
    `sha256sum`/`openssl` see exactly the bytes that were signed."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def file_entries(files: Mapping[str, bytes], rows: Mapping[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "sha256": sha256_hex(data),
            "bytes": len(data),
            **({"rows": rows[name]} if name in rows else {}),
        }
        for name, data in sorted(files.items())
    ]
