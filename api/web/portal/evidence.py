"""Evidence in the auditor's portal: a file chosen on the assessment form is stored by the
same service as `POST /api/v1/evidence` (`registry.assessments.evidence.upload`: the same
size limit, content-type and magic-byte checks, content-addressed storage), and evidence is
downloaded through the session rather than a bearer token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Final

from litestar import Request, get
from litestar.datastructures import UploadFile
from litestar.params import PathParameter
from litestar.response import File

from api.http.downloads import attachment
from api.web.portal.base import signed_in
from audits.model import EVIDENCE_LENGTH, EVIDENCE_PREFIX, MAX_EVIDENCE
from registry.accounts import Actor
from registry.assessments import evidence
from registry.assessments.errors import EvidenceTooLarge, UnsupportedEvidence
from registry.assessments.records import Evidence
from registry.errors import ConflictError, InvalidRequestError, RegistryError
from registry.settings import get_settings

Req = Request[Any, Any, Any]

FIELD: Final = "evidence_file"
_CHUNK: Final = 64 * 1024
# Room for the rest of the assessment form around a file of the largest accepted size.
MAX_BODY: Final = get_settings().evidence_max_bytes + 1024 * 1024


def chosen_file(value: object) -> UploadFile | None:
    """The file part of the form, or None when the file input was left empty (browsers
    still send the part, with no name and no bytes)."""
    if isinstance(value, UploadFile) and value.filename:
        return value
    return None


def refs(joined: str) -> list[str]:
    """The evidence references a draft keeps for one finding (comma-joined)."""
    return [ref for ref in joined.split(",") if ref]


def chosen_refs(values: list[Any]) -> str:
    """The checked evidence of one indicator, as the draft keeps it; anything that is not
    a reference is dropped here (the filing's validation checks the rest)."""
    found = [
        v
        for v in values
        if isinstance(v, str) and v.startswith(EVIDENCE_PREFIX) and len(v) == EVIDENCE_LENGTH
    ]
    return ",".join(dict.fromkeys(found[:MAX_EVIDENCE]))


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


async def store(application_id: str, actor: Actor, upload: UploadFile) -> tuple[Evidence, bool]:
    """(the evidence record, whether it is new); the service's errors pass through."""
    return await evidence.upload(
        application_id,
        actor,
        _chunks(upload),
        declared_type=upload.content_type,
        filename=upload.filename,
    )


def refusal(exc: RegistryError) -> tuple[int, str] | None:
    """The status and message to show at the file field, for the errors an upload may
    raise; None for anything else (which the portal's error pages answer)."""
    if isinstance(exc, EvidenceTooLarge):
        return 413, str(exc)
    if isinstance(exc, UnsupportedEvidence):
        return 415, str(exc)
    if isinstance(exc, InvalidRequestError):
        return 400, str(exc)
    if isinstance(exc, ConflictError):
        return 409, str(exc)
    return None


@get("/evidence/{sha256:str}", name="portal:evidence")
async def download(request: Req, sha256: Annotated[str, PathParameter(max_length=80)]) -> File:
    """Only for those who may see an application the file was uploaded for (404 otherwise),
    as `GET /api/v1/evidence/{sha256}`."""
    actor = await signed_in(request)
    return attachment(await evidence.open_evidence(sha256, actor))


HANDLERS: Final = [download]
