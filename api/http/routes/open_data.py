"""The open data exports' files (docs/open-data.md): public, no token.

A dated export never changes once written: its files are cacheable for good. `latest`
moves to the next export every day: its answers are revalidated (`no-cache`) by their
ETag, the file's SHA-256 from the signed manifest.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get
from litestar.params import PathParameter

from api.http.conditional import NO_CACHE, not_modified
from registry.opendata import export

_TYPES: Final = {
    # Litestar adds `; charset=utf-8` to text/* types itself.
    ".csv": "text/csv",
    ".jsonl": "application/jsonl",
    ".json": "application/json",
    ".md": "text/markdown",
    ".txt": "text/plain",
    ".key": "text/plain",
    ".sig": "text/plain",
    ".pem": "application/x-pem-file",
}
YEAR: Final = 365 * 24 * 3600


@get(
    "/open-data/{export_name:str}/{name:str}",
    operation_id="getOpenDataFile",
    summary="A file of an open data export",
    description="`export_name` is an export's UTC date (`2026-12-05`) or `latest`; `name` one "
    "of the files its `manifest.json` lists, or `manifest.json` and `manifest.json.sig` "
    "themselves. The manifest names the signed log checkpoint at export time and the SHA-256 "
    "of every file, and is signed with the registry's Ed25519 key "
    "(`rightsmark opendata verify`, or openssl and sha256sum: docs/open-data.md). Licence: "
    "CC BY 4.0. 404 problem for an export or a file that does not exist.",
    tags=["open data"],
)
async def get_open_data_file(
    request: Request[Any, Any, Any],
    export_name: Annotated[str, PathParameter(max_length=16)],
    name: Annotated[str, PathParameter(max_length=64)],
) -> Response[bytes]:
    found = export.published_file(export_name, name)
    etag = f'"{found.sha256}"'
    suffix = "." + name.rpartition(".")[2]
    cache = NO_CACHE if export_name == "latest" else f"public, max-age={YEAR}, immutable"
    headers = {"ETag": etag, "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if suffix in (".csv", ".jsonl"):
        headers["Content-Disposition"] = f'attachment; filename="rightsmark-{found.export}-{name}"'
    media_type = _TYPES.get(suffix, "application/octet-stream")
    if not_modified(request, etag):
        return Response(b"", status_code=304, headers=headers, media_type=media_type)
    return Response(found.data, media_type=media_type, headers=headers)
