"""Evidence files as downloads, for the API and the portal alike."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Response
from litestar.response import File

from registry.assessments import evidence
from registry.complaints.files import OpenedFile

_PRIVATE_DOWNLOAD = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


def attachment(found: evidence.EvidenceFile) -> File:
    """An evidence file as a download: never rendered inline, never sniffed, never cached
    by anyone but the one who asked (the API and the portal alike)."""
    return File(
        path=found.path,
        media_type=found.content_type,
        filename=found.filename,
        content_disposition_type="attachment",
        headers=_PRIVATE_DOWNLOAD,
    )


def opened_file(found: OpenedFile) -> Response[bytes]:
    """A complaint's or an appeal's file, opened from its sealed form, as a download with
    the same rules as evidence."""
    return Response(
        found.content,
        media_type=found.content_type,
        headers={
            **_PRIVATE_DOWNLOAD,
            "Content-Disposition": _disposition(found.filename),
        },
    )


def _disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback name and the UTF-8 one (a worker's file may be named in
    Nepali or Tagalog)."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
