"""The SVG charts: values drawn to scale, every label escaped, accessible names."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from api.web.render.charts import LABEL_CHARS, Bar, bar_chart, column_chart, nice_maximum

SVG = "{http://www.w3.org/2000/svg}"


def _text(element: ET.Element | None) -> str:
    assert element is not None
    assert element.text is not None
    return element.text


def _widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]


def test_bars_are_drawn_to_the_fixed_scale_with_their_numbers() -> None:
    svg = str(
        bar_chart(
            [Bar("FEE", 100), Bar("DOC", 50), Bar("CON", 0)],
            chart_id="s",
            title="Scores",
            maximum=100,
        )
    )
    widths = _widths(svg)  # a track and a bar per row
    tracks, (full, half, zero) = widths[::2], widths[1::2]
    assert set(tracks) == {full}
    assert half == full / 2
    assert zero == 0
    root = ET.fromstring(svg)  # well-formed XML: what a browser parses inline
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "s-title s-desc"
    assert _text(root.find(f"{SVG}title")) == "Scores"
    assert _text(root.find(f"{SVG}desc")) == "FEE: 100; DOC: 50; CON: 0"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["FEE", "100", "DOC", "50", "CON", "0"]


def test_labels_are_escaped_and_long_ones_shortened_with_the_full_text_kept() -> None:
    evil = '<script>alert("x")</script> & a very long category name indeed'
    svg = str(bar_chart([Bar(evil, 3)], chart_id="e", title="T <b>"))
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = ET.fromstring(svg)
    shown = _text(next(root.iter(f"{SVG}text")))
    assert shown.endswith("…")
    assert len(shown) <= LABEL_CHARS
    assert _text(root.find(f"{SVG}g/{SVG}title")).startswith(evil)


def test_scale_ends_at_a_round_number_above_the_largest_value() -> None:
    assert [nice_maximum(v) for v in (0, 1, 3, 7, 12, 240, 0.3)] == [1, 1, 5, 10, 20, 250, 0.5]
    widths = _widths(str(bar_chart([Bar("a", 3), Bar("b", 5)], chart_id="n", title="t")))[1::2]
    track = _widths(str(bar_chart([Bar("a", 3)], chart_id="n", title="t")))[0]
    assert widths == [pytest.approx(track * 3 / 5, abs=0.1), track]


def test_column_chart_draws_one_column_per_month_and_thins_out_the_labels() -> None:
    months = [Bar(f"2026-{m:02d}", m) for m in range(1, 13)]
    svg = str(column_chart(months, chart_id="t", title="Over time"))
    root = ET.fromstring(svg)
    heights = [float(r.get("height", "nan")) for r in root.iter(f"{SVG}rect")]
    assert len(heights) == 12
    assert heights == sorted(heights)
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("2026")]
    assert labels == ["2026-01", "2026-03", "2026-05", "2026-07", "2026-09", "2026-11"]


def test_empty_charts_say_so() -> None:
    assert "No data yet" in bar_chart([], chart_id="x", title="t")
    assert "No data yet" in column_chart([], chart_id="y", title="t")
