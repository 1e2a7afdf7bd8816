"""Sanming's pages of the web interface (the ``web_pages`` hook): the monthly battle report,
the lead points table and the key-project list, each read from its report with its ``.xlsx``."""

from __future__ import annotations

from typing import Any

from core.toolkit import (
    READER,
    WebChart,
    WebColumn,
    WebFilter,
    WebPage,
    WebSection,
    report_section,
)
from plugins.sanming.reports import reports

# Pages every reader of the city sees (the vocabulary's READER; the system account never signs
# in to the web). The key list keeps the core's default: the office and the leaders.
EVERYONE = tuple(sorted(READER.roles - {"system"}))
BATTLE_FORMATS = {"leads_reported": "count", "leads_linked": "count", "lead_points": "count",
                  "signed_count": "count", "signed_amount": "amount", "key_signed": "count",
                  "started_count": "count", "arrived_amount": "amount", "legal_failed": "count"}


def web_pages(city: Any) -> list[WebPage]:
    by_code = {report.code: report for report in reports(city)}
    battle = report_section(by_code["sanming_battle"], BATTLE_FORMATS, charts=(
        WebChart("bar", "各单位签约与到位资金（万元）", "unit_name",
                 (("signed_amount", "签约金额"), ("arrived_amount", "到位资金"))),
        WebChart("bar", "各单位线索积分", "unit_name", (("lead_points", "线索积分"),)),
    ), title="各单位战报")
    points = report_section(by_code["sanming_lead_points"], {
        key: "count" for key in ("reported", "valid", "signed", "started", "linked_reports",
                                 "points")})
    key_list = report_section(by_code["sanming_key_list"])
    # Shown on each project's page only (it means nothing without its project): the 法规账
    # item by item.
    legal = WebSection(
        title="法规账审查（环保、安全、用地、林地）", source="sanming/legal-review", rows="items",
        columns=(WebColumn("item_name", "审查事项"), WebColumn("finding_label", "审查结论"),
                 WebColumn("reason", "理由"), WebColumn("department", "审查部门"),
                 WebColumn("reviewer", "审查人"), WebColumn("reviewed_on", "审查日期", "date"),
                 WebColumn("note", "备注"), WebColumn("versions", "登记次数", "count")))
    return [
        WebPage("sanming_battle", "每月战报", (battle,), roles=EVERYONE,
                filters=(WebFilter("month", "月份", "month"),),
                description="各县（市、区）、园区当月报送线索、签约、开工、到位资金及排名（默认本月）"),
        WebPage("sanming_lead_points", "线索积分表", (points,), roles=EVERYONE,
                description="首招负责制：积分归首报单位"),
        WebPage("sanming_key_list", "重点招商项目推介清单", (key_list,)),
        WebPage("sanming_legal_review", "法规账审查", (legal,), roles=EVERYONE,
                filters=(WebFilter("project_id", "项目编号"),), shown_on=("project",),
                description="签约前逐项审查环保、安全、用地、林地；任一项不通过不得签约"),
    ]
