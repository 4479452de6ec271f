"""The printable certificate: one A4 page with the provider, grade, score, standard, scope,
validity, short code and a QR code of the certificate page.

Paper cannot change when the registry suspends or revokes a certificate, so the page says
so in words and points to the page (and the QR code) that always shows the current status.
The QR code is drawn as vector squares, crisp at any print size. Text uses DejaVu Sans when
the system has it (every script a provider's name may be written in); otherwise the PDF core
font, with characters it cannot show replaced.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from fpdf import FPDF

from api.web.render import qr
from audits.published import score_text
from registry.certificates.records import CertificateSummary

FONT_CANDIDATES: Final = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
INK: Final = (27, 31, 36)
ACCENT: Final = (11, 92, 173)
ALERT: Final = (164, 14, 38)

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


def _font_file() -> Path | None:
    return next((path for path in FONT_CANDIDATES if path.is_file()), None)


class _Writer:
    """fpdf2 with one font family, Unicode when possible, Latin-1 otherwise."""

    def __init__(self) -> None:
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_auto_page_break(auto=False)
        self.pdf.set_creator("Rightsmark registry")
        font = _font_file()
        self.unicode = font is not None
        if font is not None:
            self.pdf.add_font("body", "", str(font))
            self.family = "body"
        else:
            self.family = "Helvetica"
        self.pdf.add_page()

    def text(self, value: str) -> str:
        if self.unicode:
            return value
        folded = unicodedata.normalize("NFKD", value)
        return (
            "".join(ch for ch in folded if not unicodedata.combining(ch))
            .encode("latin-1", "replace")
            .decode("latin-1")
        )

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


def certificate_pdf(
    certificate: CertificateSummary,
    provider: dict[str, Any],
    categories: Sequence[CategoryLine],
    scope: Scope,
    *,
    printed_on: str,
) -> bytes:
    """The PDF bytes for a certificate summary (`registry.certificates.service.get`)."""
    w = _Writer()
    pdf = w.pdf
    url = qr.page_url(certificate.code)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    pdf.set_y(22)
    w.line("RIGHTSMARK CERTIFICATE", size=12, height=7, colour=ACCENT)
    w.line("Core-rights certification in labour recruitment and mobility", size=10, height=6)
    if certificate.status != "valid":  # printed after the fact: say so on the paper
        when = certificate.status_changed_at[:10]
        if certificate.status == "expired":
            when = certificate.valid_until[:10]
        w.line(
            f"NOT VALID: {certificate.status.upper()} since {when}",
            size=14,
            height=9,
            colour=ALERT,
        )
    pdf.ln(6)
    w.line(provider["legal_name"], size=22, height=11)
    w.line(f"Registry id {provider['id']} - registered in {provider['country']}", size=10, height=6)
    pdf.ln(6)
    grade = certificate.grade.upper()
    score = score_text(certificate.score)
    w.line(f"{grade} - score {score} / 100", size=26, height=13, colour=ACCENT)
    standard = certificate.standard
    w.line(f"against the standard {standard.slug}@{standard.version}", size=11, height=6)
    pdf.ln(4)
    kinds = ", ".join(t.replace("_", " ") for t in scope.provider_types)
    corridors = ", ".join(scope.corridors) or "none listed"
    w.line(f"Scope: {kinds}; corridors {corridors}", size=10, height=6)
    w.line(
        f"Valid from {certificate.valid_from[:10]} until {certificate.valid_until[:10]}"
        f" - next surveillance audit due by {certificate.surveillance_due[:10]}",
        size=10,
        height=6,
    )
    if categories:
        pdf.ln(4)
        w.line("Scores by category (out of 100)", size=10, height=6, colour=ACCENT)
        draw_scores(w, categories, top=pdf.get_y() + 1, bottom=QR_TOP - 4)
    draw_qr(pdf, url, x=75, y=QR_TOP, size=60)
    pdf.set_y(248)
    w.line(f"Certificate code {certificate.code}", size=16, height=8)
    w.line(
        "Scan the code or open the address below for the current status: a certificate",
        size=9,
        height=5,
    )
    w.line("can be suspended or revoked after it is printed.", size=9, height=5)
    w.line(url, size=9, height=5, colour=ACCENT)
    w.line(f"Status when printed ({printed_on}): {certificate.status}", size=8, height=5)
    return bytes(pdf.output())
