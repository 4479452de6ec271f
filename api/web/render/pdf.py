"""The printable certificate: one A4 page with the provider, grade, score, standard, scope,
validity, short code and a QR code of the certificate page; in English and, below each
line, in the reader's language when that is another (docs/languages.md).

Paper cannot change when the registry suspends or revokes a certificate, so the page says
so in words and points to the page (and the QR code) that always shows the current status.
The QR code is drawn as vector squares, crisp at any print size. Text uses the Noto fonts
the registry ships (api/web/static/fonts): Latin, with Arabic, Devanagari and Bengali as
fallbacks for the characters Latin lacks, each embedded (subset) in the PDF and shaped by
HarfBuzz, so joined Arabic letters and Indic conjuncts print right, right to left where
they are written so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from fpdf import FPDF

from api import i18n
from api.i18n import gettext as _
from api.web.render import qr
from audits.published import score_text
from registry.certificates.records import CertificateSummary

FONTS: Final = Path(__file__).parents[1] / "static" / "fonts"
# Family name -> file; the first is the body font, the others fill in the scripts it lacks.
FONT_FILES: Final = {
    "NotoSans": "NotoSans-Regular.ttf",
    "NotoSansArabic": "NotoSansArabic-Regular.ttf",
    "NotoSansDevanagari": "NotoSansDevanagari-Regular.ttf",
    "NotoSansBengali": "NotoSansBengali-Regular.ttf",
}
INK: Final = (27, 31, 36)
ACCENT: Final = (11, 92, 173)
ALERT: Final = (164, 14, 38)
MUTED: Final = (87, 96, 106)

# fontTools reports every font subset it makes at INFO: noise in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Scope:
    provider_types: tuple[str, ...]
    corridors: tuple[str, ...]


@dataclass(frozen=True)
class CategoryLine:
    name: str
    score: float | None


class _Writer:
    """fpdf2 with the bundled Noto fonts, shaped text, and lines in one or two languages."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_auto_page_break(auto=False)
        self.pdf.set_margins(16, 10, 16)  # lines wrap inside the border (10-200 mm)
        self.pdf.set_creator("Rightsmark registry")
        self.pdf.set_lang(lang)
        for family, file in FONT_FILES.items():
            self.pdf.add_font(family, "", str(FONTS / file))
        self.family = "NotoSans"
        self.pdf.set_font(self.family, size=10)
        self.pdf.set_fallback_fonts([f for f in FONT_FILES if f != self.family])
        self.pdf.set_text_shaping(True)
        self.pdf.add_page()

    def text(self, value: str) -> str:
        return value

    def line(
        self,
        value: str,
        *,
        size: float,
        height: float,
        colour: tuple[int, int, int] = INK,
        align: str = "C",
    ) -> None:
        self.pdf.set_font(self.family, size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, height, self.text(value), align=align, new_x="LMARGIN", new_y="NEXT")

    def both(
        self,
        pair: tuple[str, str],
        *,
        size: float,
        height: float,
        colour: tuple[int, int, int] = INK,
    ) -> None:
        """The English line, then the same in the reader's language (smaller), if it differs."""
        english, local = pair
        self.line(english, size=size, height=height, colour=colour)
        if local != english:
            self.line(local, size=size * 0.8, height=height * 0.8, colour=colour)


QR_TOP: Final = 185.0  # mm from the top of the page


def draw_scores(
    w: _Writer, categories: Sequence[CategoryLine], *, top: float, bottom: float
) -> None:
    """Name and score of each category in two columns between `top` and `bottom` (mm);
    rows shrink to fit a standard with many categories."""
    rows = -(-len(categories) // 2)
    height = min(5.5, (bottom - top) / max(rows, 1))
    pdf = w.pdf
    pdf.set_font(w.family, size=min(9.0, height * 1.8))
    pdf.set_text_color(*INK)
    for i, category in enumerate(categories):
        x = 22 + (i // rows) * 86
        y = top + (i % rows) * height
        score = "n/a" if category.score is None else score_text(category.score)
        pdf.set_xy(x, y)
        pdf.cell(68, height, _fit(pdf, w.text(category.name), 66))
        pdf.set_xy(x + 70, y)
        pdf.cell(12, height, score, align="R")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` shortened with an ellipsis until it fits `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def draw_qr(pdf: FPDF, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code of `url` as filled squares in a `size` mm square with a 4-module border."""
    rows = qr.matrix(url)
    modules = len(rows) + 8
    unit = size / modules
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):  # one rectangle per run of dark modules: smaller, no hairlines
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(
                x + (start + 4) * unit, y + (r + 4) * unit, (c - start) * unit, unit, style="F"
            )


@dataclass(frozen=True)
class _Words:
    """Every sentence of the page in one language."""

    title: str
    subtitle: str
    not_valid: str | None
    registry: str
    grade: str
    standard: str
    scope: str
    validity: str
    scores: str
    code: str
    scan: str
    printed: str


def _words(
    certificate: CertificateSummary,
    provider: dict[str, Any],
    scope: Scope,
    printed_on: str,
) -> _Words:
    """The page's sentences in the current language (`api.i18n.using`)."""
    status = _(certificate.status)
    not_valid = None
    if certificate.status != "valid":  # printed after the fact: say so on the paper
        when = certificate.status_changed_at[:10]
        if certificate.status == "expired":
            when = certificate.valid_until[:10]
        not_valid = _("NOT VALID: %(status)s since %(date)s") % {
            "status": status.upper(),
            "date": i18n.format_day(when),
        }
    kinds = ", ".join(_(t.replace("_", " ")) for t in scope.provider_types)
    corridors = ", ".join(scope.corridors) or _("none listed")
    standard = certificate.standard
    return _Words(
        title=_("RIGHTSMARK CERTIFICATE"),
        subtitle=_("Core-rights certification in labour recruitment and mobility"),
        not_valid=not_valid,
        registry=_("Registry id %(id)s - registered in %(country)s")
        % {"id": provider["id"], "country": i18n.country_name(provider["country"])},
        grade=_("%(grade)s - score %(score)s / 100")
        % {"grade": _(certificate.grade).upper(), "score": score_text(certificate.score)},
        standard=_("against the standard %(standard)s")
        % {"standard": f"{standard.slug}@{standard.version}"},
        scope=_("Scope: %(types)s; corridors %(corridors)s")
        % {"types": kinds, "corridors": corridors},
        validity=_("Valid from %(start)s until %(end)s - next surveillance audit due by %(due)s")
        % {
            "start": i18n.format_day(certificate.valid_from),
            "end": i18n.format_day(certificate.valid_until),
            "due": i18n.format_day(certificate.surveillance_due),
        },
        scores=_("Scores by category (out of 100)"),
        code=_("Certificate code %(code)s") % {"code": certificate.code},
        scan=_(
            "Scan the code or open the address below for the current status: a certificate "
            "can be suspended or revoked after it is printed."
        ),
        printed=_("Status when printed (%(date)s): %(status)s")
        % {"date": i18n.format_day(printed_on), "status": status},
    )


def certificate_pdf(
    certificate: CertificateSummary,
    provider: dict[str, Any],
    categories: Sequence[CategoryLine],
    scope: Scope,
    *,
    printed_on: str,
    lang: str = i18n.DEFAULT,
) -> bytes:
    """The PDF bytes for a certificate summary (`registry.certificates.service.get`), in
    English and `lang`."""
    with i18n.using(i18n.DEFAULT):
        en = _words(certificate, provider, scope, printed_on)
    with i18n.using(lang):
        local = _words(certificate, provider, scope, printed_on)
    bilingual = lang != i18n.DEFAULT
    w = _Writer(lang)
    pdf = w.pdf
    url = qr.page_url(certificate.code)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    pdf.set_y(18 if bilingual else 22)
    w.both((en.title, local.title), size=12, height=7, colour=ACCENT)
    w.both((en.subtitle, local.subtitle), size=10, height=6)
    if en.not_valid and local.not_valid:
        w.both((en.not_valid, local.not_valid), size=14, height=9, colour=ALERT)
    pdf.ln(3 if bilingual else 6)
    w.line(provider["legal_name"], size=22, height=11)
    w.both((en.registry, local.registry), size=10, height=6)
    pdf.ln(3 if bilingual else 6)
    w.both((en.grade, local.grade), size=26 if not bilingual else 22, height=12, colour=ACCENT)
    w.both((en.standard, local.standard), size=11, height=6)
    pdf.ln(2 if bilingual else 4)
    w.both((en.scope, local.scope), size=10, height=6)
    w.both((en.validity, local.validity), size=10, height=6)
    if categories:
        pdf.ln(2 if bilingual else 4)
        w.both((en.scores, local.scores), size=10, height=6, colour=ACCENT)
        draw_scores(w, categories, top=pdf.get_y() + 1, bottom=QR_TOP - 4)
    draw_qr(pdf, url, x=75, y=QR_TOP, size=60)
    pdf.set_y(246)
    w.line(en.code, size=16, height=8)
    w.line(en.scan, size=9, height=4.5, colour=INK)
    if bilingual:
        w.line(local.scan, size=8, height=4.5, colour=MUTED)
    w.line(url, size=9, height=5, colour=ACCENT)
    w.both((en.printed, local.printed), size=8, height=4.5)
    return bytes(pdf.output())
