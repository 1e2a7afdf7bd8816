"""Pingliang's pages of the web interface (``web_pages``): the four lists, the month and the
帮办代办 requests (all of them, a project's, and the service unit's own with their deadlines)."""

from __future__ import annotations

from core.toolkit import WebChart, WebColumn, WebFilter, WebPage, WebSection
from plugins.pingliang import lists, statistics

FORMATS = {"amount": "amount", "arrived_amount": "amount", "signed_amount": "amount",
           "out_of_province_signed_amount": "amount", "listed_on": "date",
           "published_on": "date", "delivered_on": "date", "last_progress_on": "date",
           "expected_signing_on": "date", "last_contact_on": "date", "maturing": "yes_no",
           "tags": "list", "signed_count": "count", "started_count": "count",
           "leads_reported": "count", "raised_on": "date", "due_on": "date",
           "closed_on": "date", "overdue": "yes_no", "overdue_days": "count"}
# 帮办代办: what the service unit and the project's people look at, deadline first.
SERVICE_COLUMNS = (("id", "编号"), ("project_name", "项目"), ("kind_label", "类别"), ("need", "办理事项"),
                   ("unit_name", "承办单位"), ("raised_by_unit_name", "提出单位"),
                   ("raised_on", "提出日期"), ("due_on", "办结期限"), ("status_label", "状态"),
                   ("overdue", "是否超期"), ("overdue_days", "超期天数"), ("closed_on", "办结/退回日期"),
                   ("outcome", "办理结果或退回理由"))


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
        WebPage(code="pingliang_service_requests", title="帮办代办事项",
                roles=("clerk", "officer", "leader", "admin"),
                description="按项目或承办单位查看帮办代办事项，按办结期限排列；"
                            "超期未办结的事项在项目上预警。",
                filters=(WebFilter("project_id", "项目编号"), WebFilter("unit", "承办单位编码")),
                # A list of its own, and each project's requests on the project's page.
                shown_on=("menu", "project"),
                sections=(WebSection(title="帮办代办事项", source="pingliang/service-requests",
                                     rows="items", columns=_columns(SERVICE_COLUMNS)),)),
        WebPage(code="pingliang_my_service_requests", title="本单位承办的帮办代办",
                roles=("clerk", "officer"),
                description="本单位承办的帮办代办事项及其办结期限（工作日计算）。",
                sections=(WebSection(title="本单位承办事项", source="pingliang/service-requests/mine",
                                     rows="items", columns=_columns(SERVICE_COLUMNS)),)),
    ]
