"""QR codes for certificates: the code encodes the certificate page URL, so scanning a
printed certificate opens its current status (which a paper copy cannot show).

Drawing one takes tens of milliseconds, and a URL's code never changes: both the matrix and
the SVG are kept per URL in lasting regions of `registry.db.cache.read_cache`."""

from __future__ import annotations

from typing import Final

import segno
from markupsafe import Markup, escape

from registry import urls
from registry.db.cache import Region, read_cache

ERROR_LEVEL: Final = "m"  # 15% of the code may be soiled or torn and it still reads
_CACHE_SIZE: Final = 4096
# Lasting: a URL's QR code never changes.
_matrices: Region[str, tuple[tuple[bool, ...], ...]] = read_cache.region(
    "web.qr_matrices", size=_CACHE_SIZE, volatile=False
)
_svgs: Region[tuple[str, str], Markup] = read_cache.region(
    "web.qr_svgs", size=_CACHE_SIZE, volatile=False
)


def page_url(code: str) -> str:
    """The absolute URL a certificate's QR code encodes: under RIGHTSMARK_PUBLIC_URL."""
    return urls.certificate_page_url(code)


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def matrix(url: str) -> list[list[bool]]:
    """Dark (True) and light modules, without the quiet zone: for drawing it ourselves."""
    found = _matrices.get(url)
    if found is None:
        found = tuple(tuple(bool(module) for module in row) for row in make(url).matrix)
        _matrices.put(url, found)
    return [list(row) for row in found]


def svg(url: str, *, label: str) -> Markup:
    """The QR code as inline SVG (black on white, with its quiet zone), labelled for screen
    readers by `label`. Segno escapes nothing we pass it, so the label is escaped here."""
    found = _svgs.get((url, label))
    if found is not None:
        return found
    body = make(url).svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True)
    labelled = body.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    # segno's output holds no text of ours but the label
    return _svgs.put((url, label), Markup(labelled))  # noqa: S704


def svg_document(url: str, *, label: str) -> bytes:
    """The QR code as an SVG file of its own (an `<img>` source): inline SVG borrows the
    page's namespace, a file must declare it or browsers show the alt text instead."""
    inline = str(svg(url, label=label))
    return inline.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1).encode()
