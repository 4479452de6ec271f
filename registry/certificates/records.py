"""What the certificate use cases answer: typed records, not dicts.

`registry.certificates.service` builds them from the stored rows; the API's response
schemas (`api.http.schemas.certificates`) are validated from their attributes, and the web
pages, the printable PDF and the command line read the same attributes, so a certificate
is shaped once. Timestamps are ISO 8601 UTC strings (`registry.clock.iso_utc`), as every
answer shows them. The signed credential is not one of these: it is stored and served as
issued.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

CertificateStatus = Literal["valid", "suspended", "revoked", "expired"]


class ProviderRef(Struct, frozen=True, kw_only=True):
    id: str
    legal_name: str  # as certified


class StandardRef(Struct, frozen=True, kw_only=True):
    slug: str
    version: str


class CertificateSummary(Struct, frozen=True, kw_only=True):
    """A certificate and its status today: what `GET /api/v1/certificates` lists."""

    id: str  # crt_...
    code: str  # RM-XXXX-XXXX
    url: str  # the credential's id
    status: CertificateStatus
    status_reason: str | None
    status_changed_at: str
    provider: ProviderRef
    standard: StandardRef
    grade: str
    score: int | float  # a whole score as an int: 87, not 87.0
    report_digest: str
    valid_from: str
    valid_until: str
    surveillance_due: str
    surveillance_overdue: bool
    issued_at: str
    application_id: str
    log_index: int | None  # its issuance entry in the transparency log


class CertificateEvent(Struct, frozen=True, kw_only=True):
    """One line of a certificate's history: issued, suspended, reinstated, revoked, ..."""

    action: str
    reason: str | None
    at: str


class CertificateDetail(CertificateSummary, frozen=True, kw_only=True):
    """A certificate with its history, oldest first."""

    history: tuple[CertificateEvent, ...]


class CertificatePage(Struct, frozen=True, kw_only=True):
    items: tuple[CertificateSummary, ...]
    total: int
    limit: int
    offset: int
