"""Changsha's pages of the web interface (the ``web_pages`` hook): the 一事一议 ledger of major
projects and the tracking cadence lists (weekly scheduling, monthly report, half-year review,
yearly site tour), each read from its report with its ``.xlsx``."""

from __future__ import annotations

from core.toolkit import (
    READER,
    WebChart,
    WebColumn,
    WebFilter,
    WebForm,
    WebFormField,
    WebPage,
    WebSection,
    report_section,
)
from plugins.changsha import cadence, matters


def park_fit_page() -> WebPage:
    """园区产业定位 on each project's page: a project outside its park's 两主一特/一主一特 may be
    signed once the justification is recorded (plugins.changsha.parks), with its form here."""
    fit = WebSection(title="与落户园区产业定位", source="changsha/park-fit",
                     columns=(WebColumn("park", "落户园区"), WebColumn("positioning", "不符之处"),
                              WebColumn("justification", "落户理由"),
                              WebColumn("ready", "满足签约要求", "yes_no")))
    form = WebForm("changsha_park_justification", "记录落户理由", "projects/{project_id}",
                   method="PATCH", roles=("clerk", "officer", "admin"),
                   satisfies=("changsha.park_mismatch",), submit="保存落户理由",
                   fields=(WebFormField("attributes.park_justification", "落户理由", "textarea",
                                        required=True,
                                        hint="项目产业不在园区主导、特色产业之内，说明为何在此落户"),))
    return WebPage("changsha_park_fit", "园区产业定位", (fit,),
                   roles=tuple(sorted(READER.roles - {"system"})),
                   filters=(WebFilter("project_id", "项目编号"),), shown_on=("project",),
                   forms=(form,), description="项目产业与落户园区“两主一特”“一主一特”定位的核对")


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
        park_fit_page(),
    ]
