"""The open data page: the latest export's files, its data dictionary and licence, and how
to check the export (docs/open-data.md)."""

from __future__ import annotations

from litestar import Controller, Response, get

from api.web.render.html import page
from registry.opendata import bundle, export


class OpenDataPages(Controller):
    include_in_schema = False

    @get("/open-data", name="web:open-data")
    async def index(self) -> Response[str]:
        """The newest export (or a note that there is none yet), the dictionary, the licence."""
        return page(
            "open_data.html",
            section="open-data",
            manifest=export.latest_manifest(),
            dictionary=bundle.dictionary(),
            licence_url=bundle.LICENCE_URL,
            data_files=bundle.DATA_FILES,
        )
