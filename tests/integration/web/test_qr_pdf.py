"""QR codes and the printable PDF: the code decodes to the certificate page URL under
RIGHTSMARK_PUBLIC_URL, and the PDF renders (first page turned into an image) with it."""

from __future__ import annotations

import pypdfium2  # type: ignore[import-untyped]  # no type information shipped
import zxingcpp  # type: ignore[import-not-found]  # a compiled module without stubs
from PIL import Image, ImageDraw

from api.web.render import qr
from api.web.render.pdf import CategoryLine, Scope, certificate_pdf
from registry.settings import get_settings
from tests.integration.web.demo import Demo
from tests.support.certificates import sample_certificate

CERTIFICATE = sample_certificate()
PROVIDER = {"id": "RMP-7K3Q9XPD", "legal_name": "Agência Ñandú & Co.", "country": "PH"}


def _decode(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_page_url_is_under_the_public_url() -> None:
    assert qr.page_url("RM-7K3Q-9XPD") == f"{get_settings().public_url}/certificates/RM-7K3Q-9XPD"


def test_matrix_decodes_to_the_url() -> None:
    url = qr.page_url("RM-7K3Q-9XPD")
    rows = qr.matrix(url)
    scale, border = 6, 4
    side = (len(rows) + 2 * border) * scale
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                x, y = (c + border) * scale, (r + border) * scale
                draw.rectangle([x, y, x + scale - 1, y + scale - 1], fill=0)
    assert _decode(image) == [url]


def test_svg_is_labelled_and_the_label_escaped() -> None:
    svg = str(qr.svg("http://example.test/certificates/RM-1", label='QR "<x>"'))
    assert svg.startswith('<svg role="img" aria-label="QR &#34;&lt;x&gt;&#34;" ')
    assert "<x>" not in svg


def test_pdf_renders_and_its_qr_code_decodes_to_the_certificate_page() -> None:
    body = certificate_pdf(
        CERTIFICATE,
        PROVIDER,
        [CategoryLine("FEE Zero worker-paid costs", 100), CategoryLine("AGE Age", None)],
        Scope(("recruiter",), ("PH-AE",)),
        printed_on="2026-11-30",
    )
    assert body.startswith(b"%PDF-")
    document = pypdfium2.PdfDocument(body)
    assert len(document) == 1
    page = document[0]
    image = page.render(scale=2).to_pil()
    assert image.width > 1000  # A4 at 144 dpi
    assert _decode(image) == [qr.page_url("RM-7K3Q-9XPD")]
    text = page.get_textpage().get_text_bounded()
    for expected in (
        "RM-7K3Q-9XPD",
        "GOLD",
        "91.5",
        "core-rights@1.0.0",
        "PH-AE",
        "2029-01-01",
        "FEE Zero worker-paid costs 100",
    ):
        assert expected in text, expected
    assert "Agência Ñandú & Co." in text or "Agencia Nandu & Co." in text
    assert "NOT VALID" not in text


def test_pdf_of_a_certificate_no_longer_valid_says_so() -> None:
    revoked = sample_certificate(status="revoked", status_changed_at="2026-06-01T10:00:00Z")
    body = certificate_pdf(revoked, PROVIDER, [], Scope(("recruiter",), ()), printed_on="x")
    text = pypdfium2.PdfDocument(body)[0].get_textpage().get_text_bounded()
    assert "NOT VALID: REVOKED since 2026-06-01" in text


async def test_the_page_s_qr_code_is_an_image_kept_for_good(seeded: Demo) -> None:
    """Drawn once per code, outside the page render; its URL never changes."""
    found = seeded.one("valid")
    answer = await seeded.client.get(f"/certificates/{found['code'].lower()}/qr.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "immutable" in answer.headers["cache-control"]
    # a file of its own must name the SVG namespace, or browsers show the alt text instead
    assert answer.text.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" ')
    assert 'aria-label="QR code of ' in answer.text
    assert qr.page_url(found["code"]) in answer.text
    missing = await seeded.client.get("/certificates/RM-0000-0000/qr.svg")
    assert missing.status_code == 404
