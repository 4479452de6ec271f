"""A certificate record for tests that render one without a registry (the PDF, statistics)."""

from __future__ import annotations

from typing import Any

import msgspec

from registry.certificates.records import CertificateSummary, ProviderRef, StandardRef

SAMPLE = CertificateSummary(
    id="crt_0123456789abcdef",
    code="RM-7K3Q-9XPD",
    url="http://localhost:8000/credentials/crt_0123456789abcdef",
    status="valid",
    status_reason=None,
    status_changed_at="2026-01-01T00:00:00Z",
    provider=ProviderRef(id="RMP-7K3Q9XPD", legal_name="Agência Ñandú & Co."),
    standard=StandardRef(slug="core-rights", version="1.0.0"),
    grade="gold",
    score=91.5,
    report_digest="sha256:" + "0" * 64,
    valid_from="2026-01-01T00:00:00Z",
    valid_until="2029-01-01T00:00:00Z",
    surveillance_due="2027-01-01T00:00:00Z",
    surveillance_overdue=False,
    issued_at="2026-01-01T00:00:00Z",
    application_id="app_0123456789abcdef",
    log_index=0,
)


def sample_certificate(**changes: Any) -> CertificateSummary:
    """`SAMPLE` with `changes`."""
    return msgspec.structs.replace(SAMPLE, **changes)
