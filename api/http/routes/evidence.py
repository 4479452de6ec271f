"""Evidence files: uploaded by the assigned auditor or the provider, read by those who may."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.params import PathParameter, QueryParameter
from litestar.response import File

from api.http.auth import ActorDep, authenticated, provide_actor, requires
from api.http.downloads import attachment
from api.http.problems import problem
from api.http.schemas.assessments import EvidenceListOut, EvidenceOut
from registry.accounts import Role
from registry.assessments import evidence
from registry.assessments.errors import EvidenceTooLarge, UnsupportedEvidence
from registry.errors import InvalidRequestError
from registry.settings import get_settings

ApplicationId = Annotated[str, PathParameter(max_length=40, description="The application")]
_CHUNK = 64 * 1024
# Room for the multipart envelope around a file of the largest accepted size.
_MAX_BODY = get_settings().evidence_max_bytes + 64 * 1024


def _too_large(_: Request[Any, Any, Any], exc: EvidenceTooLarge) -> Response[Any]:
    return problem(413, str(exc))


def _unsupported(_: Request[Any, Any, Any], exc: UnsupportedEvidence) -> Response[Any]:
    return problem(415, str(exc))


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


class EvidenceController(Controller):
    path = "/api/v1"
    tags = ["evidence"]
    dependencies = {"actor": Provide(provide_actor)}
    exception_handlers = {EvidenceTooLarge: _too_large, UnsupportedEvidence: _unsupported}

    @post(
        "/evidence",
        operation_id="uploadEvidence",
        summary="Upload an evidence file for an application",
        guards=[requires(Role.AUDITOR, Role.PROVIDER)],
        request_max_body_size=_MAX_BODY,
        status_code=201,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        actor: ActorDep,
        application_id: Annotated[str | None, QueryParameter(max_length=40)] = None,
        filename: Annotated[str | None, QueryParameter(max_length=1000)] = None,
    ) -> Response[EvidenceOut]:
        """Either `multipart/form-data` with a `file` part (and `application_id` as a form
        field or query parameter), or the raw bytes with their own `Content-Type` and
        `?application_id=&filename=`. Accepted types: PDF, JPEG, PNG, plain text, CSV; the
        bytes must match the declared type. The answer's `ref` is what findings cite. The same
        bytes uploaded again for the same application answer 200 with the stored record."""
        declared = request.headers.get("content-type", "")
        chunks: AsyncIterator[bytes]
        if declared.lower().startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidRequestError("the form needs a `file` part", field="file")
            field = form.get("application_id")
            application_id = field if isinstance(field, str) and field else application_id
            declared, filename = upload.content_type, upload.filename or filename
            chunks = _upload_chunks(upload)
        else:
            chunks = request.stream()
        if not application_id:
            raise InvalidRequestError("name the application", field="application_id")
        view, created = await evidence.upload(
            application_id, actor, chunks, declared_type=declared, filename=filename
        )
        return Response(EvidenceOut.model_validate(view), status_code=201 if created else 200)

    @get(
        "/evidence/{sha256:str}",
        operation_id="getEvidence",
        summary="Download an evidence file",
        guards=[authenticated],
        media_type="application/octet-stream",
    )
    async def download(
        self, sha256: Annotated[str, PathParameter(max_length=80)], actor: ActorDep
    ) -> File:
        """Only for the secretariat, and the assigned auditor and the provider of an
        application the file was uploaded for; anybody else gets 404."""
        return attachment(await evidence.open_evidence(sha256, actor))

    @get(
        "/applications/{application_id:str}/evidence",
        operation_id="listEvidence",
        summary="List the evidence uploaded for an application",
        guards=[authenticated],
    )
    async def list_for_application(
        self, application_id: ApplicationId, actor: ActorDep
    ) -> EvidenceListOut:
        items = await evidence.list_for_application(application_id, actor)
        return EvidenceListOut(items=[EvidenceOut.model_validate(i) for i in items])
