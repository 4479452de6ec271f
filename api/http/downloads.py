"""Evidence files as downloads, for the API and the portal alike."""

from __future__ import annotations

from litestar.response import File

from registry.assessments import evidence


def attachment(found: evidence.EvidenceFile) -> File:
    """An evidence file as a download: never rendered inline, never sniffed, never cached
    by anyone but the one who asked (the API and the portal alike)."""
    return File(
        path=found.path,
        media_type=found.content_type,
        filename=found.filename,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
