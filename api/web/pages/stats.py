"""The statistics page: certified providers by country, corridor, type, grade and status,
and over time, drawn as inline SVG with the numbers beside each chart."""

from __future__ import annotations

from litestar import Controller, Response, get

from api.i18n import gettext as _
from api.web.pages import statistics as stats
from api.web.render import charts
from api.web.render.html import page
from registry.complaints import statistics as complaint_statistics
from registry.corrective import queries as corrective

STATUS_COLOURS = {
    "valid": "#1a7f37",
    "suspended": "#9a6700",
    "expired": "#57606a",
    "revoked": "#cf222e",
    "never certified": "#8c959f",
}


def _bars(rows: list[tuple[str, int]], colours: dict[str, str] | None = None) -> list[charts.Bar]:
    return [
        charts.Bar(_(label.replace("_", " ")), value, (colours or {}).get(label, charts.BAR))
        for label, value in rows
    ]


class StatisticsPages(Controller):
    path = "/statistics"
    include_in_schema = False

    @get("/", name="web:statistics")
    async def statistics(self) -> Response[str]:
        numbers = await stats.compute()
        sections = [
            ("country", _("Certified providers by country of registration"), numbers.by_country),
            ("corridor", _("Certified providers by corridor"), numbers.by_corridor),
            ("type", _("Certified providers by provider type"), numbers.by_type),
            ("grade", _("Certified providers by grade"), numbers.by_grade),
        ]
        charts_ = [
            {
                "id": ident,
                "title": title,
                "rows": rows,
                "svg": charts.bar_chart(_bars(rows), chart_id=f"by-{ident}", title=title),
            }
            for ident, title, rows in sections
        ]
        status_title = _("Providers by the status of their standing certificate")
        charts_.append(
            {
                "id": "status",
                "title": status_title,
                "rows": numbers.by_status,
                "svg": charts.bar_chart(
                    _bars(numbers.by_status, STATUS_COLOURS),
                    chart_id="by-status",
                    title=status_title,
                ),
            }
        )
        over_time = [
            (
                "certified-over-time",
                _("Certified providers at the end of each month"),
                numbers.certified_by_month,
            ),
            ("issued-over-time", _("Certificates issued each month"), numbers.issued_by_month),
        ]
        timelines = [
            {
                "id": ident,
                "title": title,
                "rows": rows,
                "svg": charts.column_chart(_bars(rows), chart_id=ident, title=title),
            }
            for ident, title, rows in over_time
        ]
        return page(
            "statistics.html",
            numbers=numbers,
            charts=charts_,
            timelines=timelines,
            complaints=await complaint_statistics.registry_statistics(),
            closure=await corrective.closure_times(),
        )
