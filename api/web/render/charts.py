"""Server-rendered SVG charts: horizontal bars for categories, columns for time.

The SVG is written inline into the page, so it costs no request and needs no script. It
uses presentation attributes only (no `style`), which the pages' Content-Security-Policy
allows. Each chart is an accessible image: `role="img"` with a title and a description
that reads out every value, and the pages print the same numbers beside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup, escape

from audits.published import score_text

INK: Final = "#1b1f24"  # text: 16:1 on white
MUTED: Final = "#57606a"  # axis text: 6.4:1 on white
GRID: Final = "#d0d7de"
BAR: Final = "#0b5cad"  # 6.6:1 on white, so a bar reads even without its label
LABEL_CHARS: Final = 50
TRACK: Final = "#eaeef2"  # the empty rest of a bar: shows where 100% would be


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = BAR


def _ident(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "chart"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _describe(bars: Sequence[Bar], unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    return "; ".join(f"{bar.label}: {score_text(bar.value)}{suffix}" for bar in bars) or "No data."


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    ident = _ident(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def nice_maximum(value: float) -> float:
    """The axis end: the value rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    unit: str = "",
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars, one row per item: the label above its bar, the value after it.
    Labels sit above rather than beside the bars so the chart stays narrow enough to read
    on a phone at its natural size. `maximum` fixes the scale (100 for scores); otherwise
    the axis ends at a round number above the largest value."""
    row, top, value_w, width = 40, 4, 56, 420
    plot_w = width - value_w
    height = top * 2 + row * max(len(bars), 1)
    scale = maximum if maximum else nice_maximum(max((b.value for b in bars), default=0))
    suffix = f" {unit}" if unit else ""
    parts = _open(chart_id, title, _describe(bars, unit), width, height)
    for i, bar in enumerate(bars):
        y = top + i * row
        length = 0.0 if scale <= 0 else max(0.0, min(bar.value, scale)) / scale * plot_w
        parts.append(
            f"<g><title>{escape(bar.label)}: {score_text(bar.value)}{escape(suffix)}</title>"
            f'<text x="0" y="{y + 14}" font-size="14" fill="{INK}">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect x="0" y="{y + 20}" width="{plot_w}" height="14" fill="{TRACK}"/>'
            f'<rect x="0" y="{y + 20}" width="{length:.1f}" height="14" '
            f'fill="{escape(bar.colour)}"/>'
            f'<text x="{plot_w + 6}" y="{y + 32}" font-size="14" fill="{INK}">'
            f"{score_text(bar.value)}</text></g>"
        )
    if not bars:
        parts.append(f'<text x="0" y="{top + 20}" fill="{MUTED}">No data yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # every text and attribute above is escaped


def column_chart(
    bars: Sequence[Bar], *, chart_id: str, title: str, unit: str = "", every: int = 0
) -> Markup:
    """Vertical columns over time, left to right; every `every`-th label is printed (all
    when they fit), the rest are in each column's tooltip and in the description."""
    width, height, left, bottom, top = 600, 220, 36, 34, 14
    count = max(len(bars), 1)
    slot = (width - left - 8) / count
    step = every or max(1, math.ceil(count / 8))
    scale = nice_maximum(max((b.value for b in bars), default=0))
    plot_h = height - top - bottom
    parts = _open(chart_id, title, _describe(bars, unit), width, height)
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{score_text(scale * fraction)}</text>'
        )
    for i, bar in enumerate(bars):
        x = left + i * slot
        h = max(0.0, min(bar.value, scale)) / scale * plot_h
        parts.append(
            f"<g><title>{escape(bar.label)}: {score_text(bar.value)}</title>"
            f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{escape(bar.colour)}"/></g>'
        )
        if i % step == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="11" fill="{MUTED}">{escape(bar.label)}</text>'
            )
    if not bars:
        parts.append(f'<text x="{left + 8}" y="{top + 20}" fill="{MUTED}">No data yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # every text and attribute above is escaped
