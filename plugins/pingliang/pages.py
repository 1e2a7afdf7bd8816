"""Pingliang's pages of the web interface (``web_pages``): the four lists and the month."""

from __future__ import annotations

from core.toolkit import WebChart, WebColumn, WebFilter, WebPage, WebSection
from plugins.pingliang import lists, statistics

FORMATS = {"amount": "amount", "arrived_amount": "amount", "signed_amount": "amount",
           "out_of_province_signed_amount": "amount", "listed_on": "date",
           "published_on": "date", "delivered_on": "date", "last_progress_on": "date",
           "expected_signing_on": "date", "last_contact_on": "date", "maturing": "yes_no",
           "tags": "list", "signed_count": "count", "started_count": "count",
           "leads_reported": "count"}


def _columns(columns: tuple[tuple[str, str], ...]) -> tuple[WebColumn, ...]:
    return tuple(WebColumn(key, heading, FORMATS.get(key, "text")) for key, heading in columns)


def pages() -> list[WebPage]:
    return [
        WebPage(code="pingliang_four_lists", title="四张清单", sections=tuple(
            WebSection(title=spec.name, source=f"reports/pingliang_{spec.code}", rows="rows",
                       export=f"reports/pingliang_{spec.code}.xlsx",
                       columns=_columns(spec.columns))
            for spec in lists.LISTS.values())),
        WebPage(code="pingliang_monthly", title="招商引资月统计",
                filters=(WebFilter("month", "月份", "month"),),
                sections=(WebSection(
                    title="各县（市、区）和市直部门当月指标",
                    source="reports/pingliang_monthly_statistics", rows="rows",
                    export="reports/pingliang_monthly_statistics.xlsx",
                    columns=_columns(statistics.MONTHLY_COLUMNS),
                    charts=(WebChart("bar", "签约额与到位资金", "unit_name",
                                     (("signed_amount", "签约额（万元）"),
                                      ("arrived_amount", "到位资金（万元）"))),)),)),
    ]
