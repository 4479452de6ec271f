"""QR codes for certificates: the code encodes the certificate page URL, so scanning a
printed certificate opens its current status (which a paper copy cannot show)."""

from __future__ import annotations

from typing import Final

import segno
from markupsafe import Markup, escape

from registry.settings import get_settings

ERROR_LEVEL: Final = "m"  # 15% of the code may be soiled or torn and it still reads


def page_path(code: str) -> str:
    return f"/certificates/{code}"


def page_url(code: str) -> str:
    """The absolute URL a certificate's QR code encodes: under RIGHTSMARK_PUBLIC_URL."""
    return f"{get_settings().public_url}{page_path(code)}"


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def matrix(url: str) -> list[list[bool]]:
    """Dark (True) and light modules, without the quiet zone: for drawing it ourselves."""
    return [[bool(module) for module in row] for row in make(url).matrix]


def svg(url: str, *, label: str) -> Markup:
    """The QR code as inline SVG (black on white, with its quiet zone), labelled for screen
    readers by `label`. Segno escapes nothing we pass it, so the label is escaped here."""
    body = make(url).svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True)
    labelled = body.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(labelled)  # noqa: S704  # segno's output holds no text of ours but the label
