"""Revocation and suspension status lists: index allocation, and the signed list credentials.

Each purpose has numbered lists of `LIST_SIZE` bits (Bitstring Status List v1.0: at least
131,072, so one index says little about its holder). A certificate gets a random free index
in the newest list of each purpose; once a list is half full, the next certificate opens a
new one, so random probing stays cheap and indexes stay unpredictable.

A list's bits are computed from the certificates' states when it is rendered, and the
rendered, signed credential is kept per process until the list's `version` moves on (every
change of state bumps it in the same transaction). Its `validFrom` and proof `created` are
the time of the last change, so the same state always renders to the same bytes and ETag.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Final

from registry import urls
from registry.certificates.tables import CertificateRow, StatusListRow
from registry.clock import iso_utc, utc_now, whole_seconds
from registry.db.cache import Region, read_cache
from registry.errors import InvalidRequestError, NotFoundError
from registry.keys import current_signer
from registry.trust.credential import STATUS_PURPOSES, build_status_list_credential
from registry.trust.proofs import create_proof
from registry.trust.statuslist import MIN_BITS, StatusList, allocate_index

LIST_SIZE: Final = MIN_BITS
TTL_SECONDS: Final = 300  # how long a verifier may cache a list (the list's `ttl`)
STATE_OF: Final = {"revocation": "revoked", "suspension": "suspended"}


def list_url(purpose: str, number: int) -> str:
    return urls.status_list_url(purpose, number)


def _check_purpose(purpose: str) -> None:
    if purpose not in STATUS_PURPOSES:
        raise InvalidRequestError(
            f"status purpose must be one of {', '.join(STATUS_PURPOSES)}, not {purpose!r}",
            field="purpose",
        )


async def _used(purpose: str, number: int) -> set[int]:
    index_column = getattr(CertificateRow, f"{purpose}_index")
    list_column = getattr(CertificateRow, f"{purpose}_list")
    rows = await CertificateRow.select(index_column).where(list_column == number)
    return {row[f"{purpose}_index"] for row in rows}


async def allocate(purpose: str) -> tuple[int, int]:
    """(list number, free random index) for a new certificate; inside its write transaction."""
    newest = (
        await StatusListRow.select()
        .where(StatusListRow.purpose == purpose)
        .order_by(StatusListRow.number, ascending=False)
        .first()
    )
    number = 1 if newest is None else newest["number"]
    used = set() if newest is None else await _used(purpose, number)
    if newest is None or len(used) >= newest["size"] // 2:
        if newest is not None:
            number, used = number + 1, set()
        await (
            StatusListRow.insert(
                StatusListRow(
                    key=f"{purpose}/{number}",
                    purpose=purpose,
                    number=number,
                    size=LIST_SIZE,
                    version=1,
                    updated_at=whole_seconds(utc_now()),
                )
            )
            .on_conflict(target=StatusListRow.key, action="DO NOTHING")
            .run()
        )
        # A concurrent issuance may have opened the same list first (its insert is what this
        # one waited for): not a conflict, and its certificates already hold some indexes.
        used = await _used(purpose, number)
    return number, allocate_index(used, LIST_SIZE)


async def touch(purpose: str, number: int) -> None:
    """Mark a list changed; call in the same transaction as the change of state."""
    await (
        StatusListRow.update(
            {
                StatusListRow.version: StatusListRow.version + 1,
                StatusListRow.updated_at: whole_seconds(utc_now()),
            }
        )
        .where(StatusListRow.key == f"{purpose}/{number}")
        .run()
    )


@dataclass(frozen=True, slots=True)
class RenderedList:
    body: bytes  # the signed BitstringStatusListCredential, JSON
    etag: str
    max_age: int  # seconds, from the list's ttl


# Lasting (`registry.db.cache`): each use checks the entry against the list's row version
# and the active key, read afresh.
_rendered: Region[tuple[str, int], tuple[int, str, RenderedList]] = read_cache.region(
    "status.rendered", size=1024, volatile=False
)


async def render(purpose: str, number: int) -> RenderedList:
    """The signed status list credential as it stands now."""
    _check_purpose(purpose)
    row = await StatusListRow.select().where(StatusListRow.key == f"{purpose}/{number}").first()
    if row is None:
        raise NotFoundError(f"status list {purpose}/{number} does not exist")
    signer = await current_signer()
    cached = _rendered.get((purpose, number))
    if cached and cached[0] == row["version"] and cached[1] == signer.verification_method:
        return cached[2]
    bits = StatusList(row["size"])
    index_column = getattr(CertificateRow, f"{purpose}_index")
    for hit in await CertificateRow.select(index_column).where(
        (getattr(CertificateRow, f"{purpose}_list") == number)
        & (CertificateRow.state == STATE_OF[purpose])
    ):
        bits.set(hit[f"{purpose}_index"])
    changed = whole_seconds(row["updated_at"])
    unsigned = build_status_list_credential(
        url=list_url(purpose, number),
        purpose=purpose,
        encoded_list=bits.encode(),
        issuer=signer.did,
        valid_from=changed,
        valid_until=None,
        ttl_ms=TTL_SECONDS * 1000,
    )
    signed = create_proof(
        unsigned, signer.private_key, signer.verification_method, created=iso_utc(changed)
    )
    body = json.dumps(signed, separators=(",", ":")).encode()
    rendered = RenderedList(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', TTL_SECONDS)
    _rendered.put((purpose, number), (row["version"], signer.verification_method, rendered))
    return rendered


async def lists() -> list[dict[str, Any]]:
    rows = (
        await StatusListRow.select().order_by(StatusListRow.purpose).order_by(StatusListRow.number)
    )
    return [
        {
            "purpose": r["purpose"],
            "number": r["number"],
            "url": list_url(r["purpose"], r["number"]),
            "size": r["size"],
            "updated_at": iso_utc(r["updated_at"]),
        }
        for r in rows
    ]
