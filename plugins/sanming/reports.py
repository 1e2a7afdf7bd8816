"""Sanming's reports (``/api/v1/reports/<code>`` and ``<code>.xlsx``, by the core).

Each report's ``build(context, params)`` reads the query parameters as given (strings) and
checks them with the same schemas as the plugin's API, so a bad month or date is a 400 naming
the field.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import Matter, Report, Unit
from plugins.sanming import (
    battle_report,
    discipline,
    key_projects,
    lead_points,
    meetings,
    park_resources,
    rolling_evaluation,
)
from plugins.sanming.schemas import CaseQuery, ComplianceQuery, LeadPointsQuery, RollingQuery


def matter_counts(session: Any) -> dict[int, int]:
    """How many matters (一事一议) each project has."""
    return dict(session.execute(sa.select(Matter.project_id, sa.func.count(Matter.id))
                                .group_by(Matter.project_id)).all())


def unit_names(session: Any) -> dict[str, str]:
    return dict(session.execute(sa.select(Unit.code, Unit.name)).all())


def _key_list(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    return key_projects.key_list_rows(context.city, context.session,
                                      matter_counts(context.session))


def _lead_points(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    query = LeadPointsQuery().load(params)
    entries = lead_points.point_entries(context.session, context.city, query["date_from"],
                                        query["date_to"], include_linked=True)
    return lead_points.points_table(entries, unit_names(context.session))


def _accountability(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    query = CaseQuery().load(params)
    return discipline.case_rows(discipline.cases(context.session, query["kind"], query["unit"],
                                                 query["date_from"], query["date_to"]))


def _summons(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    return discipline.summons_rows(context.session, context.city, params.get("scheme"))


def _rolling(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    as_of = RollingQuery().load(params)["as_of"]
    return [{"project_id": row["project_id"], "name": row["name"], "host_unit": row["host_unit"],
             "started_on": row["started_on"], "year": year["year"], "due_on": year["due_on"],
             "status": year["status_label"], "failed": "、".join(year["failed"])}
            for row in rolling_evaluation.schedule(context.session, context.city, as_of)
            for year in row["years"]]


def _meetings(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    year = ComplianceQuery().load(params)["year"]
    return meetings.compliance_rows(context.session, context.city, year,
                                   context.city.clock.today())


def _resources(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    return park_resources.inventory_summary(context.session)


def reports(city: Any) -> list[Report]:
    return [
        Report("sanming_battle", "每月战报", battle_report.COLUMNS,
               battle_report.build_battle_report),
        Report("sanming_key_list", "重点招商项目推介清单", key_projects.KEY_LIST_COLUMNS,
               _key_list),
        Report("sanming_lead_points", "线索积分表", (
            ("unit", "单位编码"), ("unit_name", "单位"), ("reported", "报送积分"),
            ("valid", "研判有效积分"), ("signed", "签约积分"), ("started", "开工积分"),
            ("linked_reports", "关联报送（不计分）"), ("points", "合计积分")), _lead_points),
        Report("sanming_accountability", "问责案件", discipline.CASE_COLUMNS, _accountability),
        Report("sanming_summons", "约谈名单", discipline.SUMMONS_COLUMNS, _summons),
        Report("sanming_rolling", "落地项目滚动考评", (
            ("project_id", "项目编号"), ("name", "项目"), ("host_unit", "落户单位"),
            ("started_on", "开工日期"), ("year", "考评年度"), ("due_on", "应考评日期"),
            ("status", "结果"), ("failed", "不实事项")), _rolling),
        Report("sanming_meetings", "联席会议召开情况", meetings.COMPLIANCE_COLUMNS, _meetings),
        Report("sanming_park_resources", "园区要素资源库", (
            ("park", "园区编码"), ("park_name", "园区"), ("kind_label", "资源类别"),
            ("available", "待招引"), ("offered", "已推介"), ("taken", "已盘活")), _resources),
    ]
