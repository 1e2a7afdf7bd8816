"""Ziyang's named reports (exported to .xlsx by the core): six ones, transfer sharing, meetings."""

from __future__ import annotations

from typing import Any

from core.toolkit import FieldProblem, Report, date_param, invalid_input
from plugins.ziyang import organisation, six_ones, transfers


def _year_param(context: Any, params: dict) -> int:
    value = params.get("year") or str(context.city.clock.today().year)
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise invalid_input([FieldProblem("year", "invalid", "年份应为四位数字，如 2024")])
    return int(value)


def six_ones_rows(context: Any, params: dict) -> list[dict[str, Any]]:
    rows = []
    for group in six_ones.group_status(context.city, context.session):
        row: dict[str, Any] = {"group": group["name"]}
        for kind in six_ones.SIX_ONES:
            row[kind] = "、".join(one.name for one in group["ones"] if one.kind == kind)
        row["status"] = "完整" if group["complete"] else "；".join(
            problem["message"] for problem in group["problems"])
        rows.append(row)
    return rows


def transfer_rows(context: Any, params: dict) -> list[dict[str, Any]]:
    on = date_param(params, "on", context.city.clock.today())
    rows = [transfers.transfer_split(project, on)
            for project in transfers.transferred_projects(context.session)]
    return [row for row in rows if row]


def cadence_rows(context: Any, params: dict) -> list[dict[str, Any]]:
    rows = organisation.meeting_cadence(context.city, context.session, _year_param(context, params),
                                        context.city.clock.today())
    return [row | {"missing": "未召开" if row["missing"] else ""} for row in rows]


def ziyang_reports() -> list[Report]:
    return [
        Report("ziyang_six_ones", "产业招商小组“六个一”落实情况",
               (("group", "产业招商小组"),
                *((kind, label) for kind, label in six_ones.SIX_ONES.items()),
                ("status", "落实情况")),
               six_ones_rows),
        Report("ziyang_transfer_split", "流转项目考核指标分享", transfers.TRANSFER_COLUMNS,
               transfer_rows),
        Report("ziyang_meeting_cadence", "领导小组例会制度执行情况",
               (("kind_label", "会议"), ("period", "期间"), ("held", "召开次数"),
                ("missing", "是否缺会")),
               cadence_rows),
    ]
