"""The certificate page (what a certificate's QR code opens) and its printable PDF."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, get
from litestar.params import PathParameter

from api import i18n
from api.http.conditional import Built, Stored, answer, remembered
from api.i18n import gettext as _
from api.web.pages import data
from api.web.render import charts, qr
from api.web.render.html import PAGE_HEADERS, render
from api.web.render.pdf import certificate_pdf
from registry.certificates import service as certificates
from registry.certificates.records import CertificateSummary
from registry.clock import utc_now
from registry.complaints import statistics
from registry.corrective import queries as corrective
from registry.db.cache import Region, read_cache

Ref = Annotated[str, PathParameter(max_length=64, description="crt_... or RM-7K3Q-9XPD")]


def _banner(certificate: CertificateSummary) -> dict[str, str | None]:
    """What the status banner says: the state, since when, and why."""
    status = certificate.status
    if status == "expired":
        return {"status": status, "since": certificate.valid_until, "reason": None}
    if status == "valid":
        return {"status": status, "since": certificate.valid_from, "reason": None}
    return {
        "status": status,
        "since": certificate.status_changed_at,
        "reason": certificate.status_reason,
    }


YEAR: Final = 365 * 24 * 3600
# Rendered certificate pages by the reference they were asked by (docs/freshness.md).
_pages: Region[str, Stored] = read_cache.region("web.certificate_pages", size=2048, volatile=True)


def fresh_until(certificate: CertificateSummary) -> float:
    """When a valid certificate expires its page changes, though nothing is committed."""
    if certificate.status != "valid":
        return math.inf
    return dt.datetime.fromisoformat(certificate.valid_until).timestamp()


async def _certificate_page(ref: str) -> Built:
    shown = await data.certificate_shown(ref)
    found = shown.certificate
    chart = charts.bar_chart(
        [charts.Bar(c.name, c.score) for c in shown.categories if c.score is not None],
        chart_id="category-scores",
        title=_("Scores by category of certificate %(code)s") % {"code": found.code},
        maximum=100,
    )
    url = qr.page_url(found.code)
    complaints = await statistics.provider_statistics(found.provider.id)
    body = render(
        "certificate.html",
        certificate=found,
        provider=shown.provider,
        banner=_banner(found),
        categories=shown.categories,
        chart=chart,
        scope=shown.scope,
        page_url=url,
        complaints=complaints,
        open_actions=await corrective.open_by_class(found.application_id),
    )
    # The page shows the certificate and its provider (with the provider's other ones).
    topics = frozenset(certificates.certificate_topics(found.id, found.provider.id))
    return Built(body.encode(), "text/html", fresh_until(found), topics)


class CertificatePages(Controller):
    path = "/certificates"
    include_in_schema = False

    @get("/{ref:str}", name="web:certificate")
    async def certificate(self, request: Request[Any, Any, Any], ref: Ref) -> Response[bytes]:
        """Status banner, grade, scores by category, standard, scope, validity, downloads."""
        stored = await remembered(_pages, ref, lambda: _certificate_page(ref))
        return answer(request, stored, PAGE_HEADERS)

    @get("/{ref:str}/qr.svg", name="web:certificate-qr")
    async def qr_code(self, ref: Ref) -> Response[bytes]:
        """The QR code of the certificate page's URL, as an image of its own: a code's URL
        never changes, so browsers keep it for good and the page is rendered without it."""
        found = await certificates.find(ref)
        url = qr.page_url(found["code"])
        return Response(
            qr.svg_document(url, label=f"QR code of {url}"),  # one image for every language
            media_type="image/svg+xml",
            headers={**PAGE_HEADERS, "Cache-Control": f"public, max-age={YEAR}, immutable"},
        )

    @get("/{ref:str}/certificate.pdf", name="web:certificate-pdf")
    async def printable(self, ref: Ref) -> Response[bytes]:
        """A one-page PDF with the QR code of the certificate page and the short code, in
        English and the reader's language (`?lang=`, cookie, `Accept-Language`)."""
        shown = await data.certificate_shown(ref)
        found = shown.certificate
        body = certificate_pdf(
            found,
            shown.provider,
            shown.categories,
            shown.scope,
            printed_on=utc_now().date().isoformat(),
            lang=i18n.current(),
        )
        return Response(
            body,
            media_type="application/pdf",
            headers={
                **PAGE_HEADERS,
                "Content-Disposition": f'inline; filename="{found.code}.pdf"',
                # the status line on it changes when the certificate does
                "Cache-Control": "no-cache",
            },
        )
