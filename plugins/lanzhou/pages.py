"""Lanzhou's pages of the web interface (the ``web_pages`` hook): the registration ledger,
reserve depth against the target, penalties and exemptions, major projects' rates, the
promotion calendar and the target enterprise library — each read from the plugin's API."""

from __future__ import annotations

from typing import Any

from core.toolkit import (
    DECIDER,
    READER,
    WebChart,
    WebColumn,
    WebFilter,
    WebPage,
    WebSection,
    report_section,
)
from plugins.lanzhou.key_projects import reports

# Whose menu shows a page, from the vocabulary (the system account never signs in to the web):
# the office and the city's leaders, or every reader of the city.
OFFICE = tuple(sorted(DECIDER.roles - {"system"}))
EVERYONE = tuple(sorted(READER.roles - {"system"}))
YEAR = (WebFilter("year", "年度", "year"),)


def web_pages(city: Any) -> list[WebPage]:
    [major] = reports()
    return [
        WebPage("lanzhou_registrations", "报备认定台账", (WebSection(
            title="项目报备与认定", source="lanzhou/registrations", columns=(
                WebColumn("project_name", "项目名称"), WebColumn("introducing_unit_name", "引进单位"),
                WebColumn("intermediary_name", "中介人"),
                WebColumn("registered_on", "报备日期", "date"),
                WebColumn("status_label", "认定状态"), WebColumn("decided_on", "认定日期", "date"),
                WebColumn("decision_note", "认定意见"))),
            WebSection(title="认定变更记录", source="lanzhou/registration-changes", columns=(
                WebColumn("project_name", "项目名称"), WebColumn("changed_on", "变更日期", "date"),
                WebColumn("summary", "变更内容"), WebColumn("reason", "变更理由"),
                WebColumn("changed_by", "经办人")))), roles=EVERYONE,
            description="只有经市招商部门认定的项目计入考核、参与奖励；考核计入认定的引进单位，"
                        "变更认定须说明理由并留痕"),
        WebPage("lanzhou_reserve_depth", "储备项目商业计划书深度", (
            WebSection(title="各单位达到商业计划书深度的储备项目", source="lanzhou/reserve-depth",
                       rows="by_unit", columns=(WebColumn("unit_name", "单位"),
                                                WebColumn("count", "项目数", "count")),
                       charts=(WebChart("bar", "各单位项目数", "unit_name", (("count", "项目数"),)),)),
            WebSection(title="项目清单", source="lanzhou/reserve-depth", rows="projects",
                       columns=(WebColumn("name", "项目名称"), WebColumn("unit_name", "单位"),
                                WebColumn("stage", "阶段"),
                                WebColumn("reached_on", "达到深度日期", "date"),
                                WebColumn("document", "商业计划书")))),
            roles=EVERYONE, filters=YEAR, description="每年100个以上储备项目达到商业计划书深度"),
        WebPage("lanzhou_penalties", "考核扣分与容错免责", (WebSection(
            title="扣分记录", source="lanzhou/penalties", columns=(
                WebColumn("unit_name", "单位"), WebColumn("occurred_on", "发生日期", "date"),
                WebColumn("points", "扣分", "count"), WebColumn("reason", "事由"),
                WebColumn("exempted", "容错免责", "yes_no"), WebColumn("counted", "计入考核", "yes_no"),
                WebColumn("approver", "批准机关"), WebColumn("exemption_reason", "免责理由"))),),
            filters=YEAR, roles=OFFICE),
        WebPage("lanzhou_major_projects", "重大项目履约、开工、资金到位", (report_section(
            major, {"amount": "amount", "signed_on": "date", "arrived_amount": "amount",
                    "arrival_rate": "percent"}),), roles=OFFICE,
            description="省市列重大招商引资项目：一企一策一团队"),
        WebPage("lanzhou_promotions", "专题招商推介活动", (
            WebSection(title="每月推介活动", source="lanzhou/promotions", rows="months",
                       columns=(WebColumn("month", "月份"), WebColumn("held", "已举办", "count"),
                                WebColumn("required", "要求", "count"),
                                WebColumn("short", "未达要求", "yes_no")),
                       charts=(WebChart("bar", "每月举办次数", "month", (("held", "已举办"),)),)),
            WebSection(title="活动记录", source="lanzhou/promotions", rows="events",
                       columns=(WebColumn("held_on", "日期", "date"), WebColumn("place", "举办地"),
                                WebColumn("theme", "主题")))),
            filters=YEAR, roles=OFFICE),
        WebPage("lanzhou_targets", "重点目标企业信息库", (WebSection(
            title="目标企业与点对点对接方案", source="lanzhou/targets", columns=(
                WebColumn("id", "编号"), WebColumn("name", "企业"), WebColumn("category", "类别"),
                WebColumn("region", "区域"), WebColumn("responsible_unit_name", "责任单位"),
                WebColumn("approach_plan", "对接方案"),
                WebColumn("approach_status_label", "对接状态"),
                WebColumn("lead_count", "线索", "count"), WebColumn("project_count", "项目", "count")),
            charts=(WebChart("bar", "各目标企业的线索和项目", "name",
                             (("lead_count", "线索"), ("project_count", "项目"))),)),),
            filters=(WebFilter("approach_status", "对接状态", choices=(
                ("not_approached", "未接触"), ("approached", "已接触"), ("signed", "已签约"),
                ("landed", "已落地"))),),
            roles=EVERYONE,
            description="对接状态由对接该企业的线索和项目得出：未接触、已接触、已签约、已落地；"
                        "在“目标企业对接详情”中按编号查看"),
        WebPage("lanzhou_target", "目标企业对接详情", (
            WebSection(title="目标企业", source="lanzhou/target-approaches", rows="targets",
                       columns=(WebColumn("name", "企业"), WebColumn("credit_code", "统一社会信用代码"),
                                WebColumn("category", "类别"), WebColumn("region", "区域"),
                                WebColumn("responsible_unit_name", "责任单位"),
                                WebColumn("approach_plan", "对接方案"),
                                WebColumn("approach_status_label", "对接状态"))),
            WebSection(title="对接线索", source="lanzhou/target-approaches", rows="leads",
                       columns=(WebColumn("id", "线索编号"), WebColumn("title", "线索"),
                                WebColumn("reported_on", "报送日期", "date"),
                                WebColumn("matched_by", "关联方式"))),
            WebSection(title="对接项目", source="lanzhou/target-approaches", rows="projects",
                       columns=(WebColumn("id", "项目编号"), WebColumn("name", "项目名称"),
                                WebColumn("amount", "总投资", "amount"),
                                WebColumn("signed_on", "签约日期", "date"),
                                WebColumn("started_on", "开工日期", "date"),
                                WebColumn("matched_by", "关联方式")))),
            filters=(WebFilter("target_id", "目标企业编号"), WebFilter("lead_id", "线索编号"),
                     WebFilter("project_id", "项目编号")),
            # Looked up by target in the menu, and on each project's and lead's page: the target
            # enterprise it approaches and the other leads and projects approaching it.
            roles=EVERYONE, shown_on=("menu", "project", "lead"),
            description="按目标企业编号查看其线索和项目；填线索或项目编号，查看它所对接的目标企业"),
    ]
