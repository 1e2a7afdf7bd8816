"""Changsha's pages of the web interface (the ``web_pages`` hook): the 一事一议 ledger of major
projects and the tracking cadence lists (weekly scheduling, monthly report, half-year review,
yearly site tour), each read from its report with its ``.xlsx``."""

from __future__ import annotations

from core.toolkit import WebChart, WebFilter, WebPage, report_section
from plugins.changsha import cadence, matters


def web_pages() -> list[WebPage]:
    """Every page is for the office and the leaders: the core's default menu roles of a page."""
    weekly, monthly, half_year, site_tour = cadence.cadence_reports()
    ledger = report_section(matters.ledger_report(), {
        "requested_amount": "amount", "support_amount": "amount"})
    return [
        WebPage("changsha_matters", "一事一议台账", (ledger,),
                description="重大项目“一事一议”：申请、拟办、决策层级、决定及附加条件落实"),
        WebPage("changsha_cadence", "调度清单", (
            report_section(weekly, {"amount": "amount", "last_progress": "date"}),
            report_section(monthly, {"arrived": "amount"}),
        ), filters=(WebFilter("week", "周（如 2024-W19）"), WebFilter("month", "月份", "month")),
            description="重点招商项目周调度、月通报交办（默认本周、本月）"),
        WebPage("changsha_review", "讲评与观摩", (
            report_section(half_year, {
                key: "amount" for key in ("major_signed_amount", "signed_amount",
                                          "arrived_amount")}, charts=(
                WebChart("bar", "各单位重大项目签约额（万元）", "unit",
                         (("major_signed_amount", "重大项目签约额"),)),)),
            report_section(site_tour, {"amount": "amount", "started_on": "date",
                                       "completed_on": "date"}),
        ), filters=(WebFilter("half", "半年（如 2024-H1）"), WebFilter("year", "年度", "year")),
            description="半年度讲评排名与年度重大项目观摩清单"),
    ]
