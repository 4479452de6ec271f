"""The supplier-check report as a PDF: A4 landscape, one line per supplier, as the page and
the CSV show it. Paper ages: the header says when it was made and where the live report is."""

from __future__ import annotations

from typing import Final

from fpdf import FPDF

from api.web.render.pdf import ALERT, FONT_FILES, FONTS, INK, _fit
from registry.clock import iso_utc, utc_now
from registry.watchlists.checks import Check

# (heading, width in mm) of each column; 277 mm fit between the margins.
COLUMNS: Final = (
    ("#", 9), ("Supplier as listed", 58), ("Ctry", 10), ("Match", 18), ("Registry id", 25),
    ("Registry name", 52), ("Certificate", 25), ("Status", 20), ("Grade", 18),
    ("Valid until", 20), ("CAs", 9), ("Compl.", 13),
)  # fmt: skip
ROW: Final = 5.2


class _Report(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", format="A4", unit="mm")
        self.set_creator("Rightsmark registry")
        # The bundled Noto fonts, as on the certificate: a supplier's name in Arabic,
        # Devanagari or Bengali script prints as written.
        for family, file in FONT_FILES.items():
            self.add_font(family, "", str(FONTS / file))
        self.family = next(iter(FONT_FILES))
        self.set_fallback_fonts([f for f in FONT_FILES if f != self.family])
        self.set_auto_page_break(auto=True, margin=12)

    def heading(self) -> None:
        self.set_font(self.family, size=7.5)
        self.set_text_color(*INK)
        for title, width in COLUMNS:
            self.cell(width, ROW, title, border="B")
        self.ln(ROW)


def report_pdf(found: Check, page_url: str) -> bytes:
    pdf = _Report()
    pdf.add_page()
    pdf.set_font(pdf.family, size=15)
    pdf.cell(0, 9, "Supplier check", new_x="LMARGIN", new_y="NEXT")
    counts = found.counts
    pdf.set_font(pdf.family, size=9)
    pdf.multi_cell(
        0, 5,
        (
            f"{found.total} suppliers: {counts['matched']} matched, {counts['doubtful']} doubtful, "
            f"{counts['not_found']} not in the registry. Made {iso_utc(utc_now())[:16]} UTC; "
            f"statuses change: the live report is at {page_url}"
        ),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.ln(2)
    pdf.heading()
    pdf.set_font(pdf.family, size=7.5)
    for row in found.rows:
        s = row.standing
        cells = [
            str(row.line), row.name or row.licence_number or row.certificate_code, row.country,
            row.outcome.replace("_", " "), row.provider_id or "", s.provider_name if s else "",
            (s.certificate_code or "") if s else "", s.status if s else "",
            (s.grade or "") if s else "", ((s.valid_until or "")[:10]) if s else "",
            str(s.open_corrective_actions) if s else "",
            f"{s.complaints_open}/{s.complaints_received}" if s else "",
        ]  # fmt: skip
        if pdf.will_page_break(ROW):
            pdf.add_page()
            pdf.heading()
            pdf.set_font(pdf.family, size=7.5)
        alert = s is not None and s.status in ("suspended", "revoked")
        pdf.set_text_color(*(ALERT if alert else INK))
        for (_, width), text in zip(COLUMNS, cells, strict=True):
            pdf.cell(width, ROW, _fit(pdf, text, width - 1))
        pdf.ln(ROW)
    pdf.set_text_color(*INK)
    pdf.ln(3)
    pdf.multi_cell(
        0, 4,
        "CAs: open corrective actions. Compl.: complaints open / received (public counts). "
        "Doubtful: a similar provider was found; check it before relying on it.",
    )  # fmt: skip
    return bytes(pdf.output())
