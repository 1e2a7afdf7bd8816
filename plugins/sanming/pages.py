"""Sanming's pages of the web interface (the ``web_pages`` hook): the monthly battle report,
the lead points table and the key-project list, each read from its report with its ``.xlsx``."""

from __future__ import annotations

from typing import Any

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
from plugins.sanming.legal_review import items as legal_items
from plugins.sanming.models import LEGAL_FINDINGS
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
                forms=(legal_review_form(city),),
                description="签约前逐项审查环保、安全、用地、林地；任一项不通过不得签约"),
    ]


def legal_review_form(city: Any) -> WebForm:
    """登记法规账审查事项 on the project page: one item at a time (its code fills the API path),
    answering the gate's refusals for a missing or failed item. The clerks of an item's own
    department may record it (the API decides which item, plugins.sanming.access)."""
    return WebForm(
        "sanming_legal_review_item", "登记法规账审查事项",
        "sanming/projects/{project_id}/legal-review/{item}",
        roles=("clerk", "officer", "admin"),
        satisfies=("gate.legal_review", "sanming.legal_review"), submit="登记审查结论",
        fields=(WebFormField("item", "审查事项", "choice",
                             tuple((code, item["name"]) for code, item in legal_items(city).items()),
                             required=True),
                WebFormField("finding", "审查结论", "choice", tuple(LEGAL_FINDINGS.items()),
                             required=True),
                WebFormField("reason", "理由", "textarea", hint="不通过或不涉及的，须说明理由"),
                WebFormField("reviewer", "审查人", required=True),
                WebFormField("department", "审查部门", hint="默认为该事项的主管部门"),
                WebFormField("reviewed_on", "审查日期", "date", hint="默认今天"),
                WebFormField("change_reason", "更正理由", hint="重新登记时填写")))
