"""Pingliang's reports (``/api/v1/reports/<code>`` and ``<code>.xlsx``, by the core).

The four lists export under their Chinese headings; the figures reports read their query
parameters with the same schemas as the plugin's API, so a bad month or date is a 400 naming
the field.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import Report
from plugins.pingliang import assessment, lists, statistics, targets, task_forces
from plugins.pingliang.schemas import MonthQuery, RangeQuery, SchemeQuery, YearQuery

LIST_FILTERS = ("unit", "industry", "status", "task_force")


def _list_builder(spec: lists.ListSpec):
    def build(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        filters = {key: params.get(key) for key in LIST_FILTERS}
        query = lists.list_query(spec, filters, context.city).order_by(spec.model.id)
        rows = list(context.session.scalars(query).unique())
        return lists.shown(context.session, context.city, spec, rows)

    return build


def _monthly(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    month = MonthQuery().load({"month": params.get("month")} if "month" in params else {})
    return statistics.monthly_rows(context.session, context.city, month["month"])


def _range(params: dict[str, Any]) -> dict[str, Any]:
    return RangeQuery().load({key: params[key] for key in ("from", "to") if key in params})


def _channels(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    query = _range(params)
    return statistics.channel_rows(context.session, context.city, query["date_from"],
                                   query["date_to"])


def _out_of_province(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    query = _range(params)
    body = statistics.out_of_province(context.session, query["date_from"], query["date_to"])
    return [*body["out_of_province_by_unit"], body["out_of_province"] | {"label": "全市省外合计"}]


def _summons(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    scheme = SchemeQuery().load({"scheme": params["scheme"]} if "scheme" in params else {})
    return assessment.summons_rows(context.session, context.city, scheme["scheme"])


def _targets(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    year = YearQuery().load({"year": params["year"]} if "year" in params else {})["year"]
    return targets.progress_rows(context.session, year)


def _task_forces(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [row | {"industries": [item["name"] for item in row["industries"]]}
            for row in task_forces.task_force_rows(context.city, context.session)]


def reports(city: Any) -> list[Report]:
    return [
        *(Report(f"pingliang_{spec.code}", spec.name, spec.columns, _list_builder(spec))
          for spec in lists.LISTS.values()),
        Report("pingliang_task_forces", "重点产业链招商专班", (
            ("name", "专班"), ("industries", "产业"), ("chain_leader", "链长"),
            ("lead_unit", "链长单位"), ("opportunities", "投资机会"),
            ("target_enterprises", "目标企业"), ("key_projects", "重点项目"),
            ("signed_projects", "签约项目数"), ("signed_amount", "签约额（万元）")), _task_forces),
        Report("pingliang_monthly_statistics", "招商引资月统计", statistics.MONTHLY_COLUMNS,
               _monthly),
        Report("pingliang_channels", "各招商方式成效", statistics.CHANNEL_COLUMNS, _channels),
        Report("pingliang_out_of_province", "省外招商引资项目和资金",
               statistics.OUT_OF_PROVINCE_COLUMNS, _out_of_province),
        Report("pingliang_summons", "约谈问责名单", assessment.SUMMONS_COLUMNS, _summons),
        Report("pingliang_targets", "招商引资任务目标完成情况", targets.PROGRESS_COLUMNS, _targets),
    ]



