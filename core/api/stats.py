"""``/api/v1/stats``: the city's figures over a date range, optionally grouped."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from sqlalchemy.orm import Session

from core.api.registry import operation
from core.api.support import city, dumper, load_query, transaction
from core.figure_queries import city_stats
from core.figure_sheets import GROUPINGS, figure_table, ordered_groups
from core.models import Unit
from core.permissions import READER
from core.schemas.stats import StatsQuery, StatsSchema, StatsWorkbookQuery
from core.xlsx import tables_workbook, xlsx_download

blueprint = Blueprint("stats", __name__)


@operation(blueprint, "/stats", summary="招商指标：签约、开工、到位资金及同比", query=StatsQuery,
           response=StatsSchema, who=READER)
def get_stats():
    params = load_query(StatsQuery)
    with transaction() as session:
        group_by = params.get("group_by")
        labels = _group_labels(session, group_by)
        # Summed by the database (core.figure_queries), never by loading every project; projects
        # whose investor's province is unknown are neither 省外 nor 省内: counted apart, from
        # the same passes.
        total, groups, unknown = city_stats(session, params["date_from"], params["date_to"],
                                            group_by, params.get("out_of_province"), labels)
        body = {"date_from": params["date_from"], "date_to": params["date_to"],
                "out_of_province": params.get("out_of_province"),
                "out_of_province_unknown_count": unknown,
                "total": total.as_dict(), "groups": [g.as_dict() for g in groups]}
        return jsonify(dumper(StatsSchema).dump(body))


def _group_labels(session: Session, group_by: str | None) -> dict[str, str]:
    """The names the groups are shown by: units, industries, channels (months by their key)."""
    if group_by == "unit":
        return dict(session.execute(sa.select(Unit.code, Unit.name)).all())
    if group_by == "industry":
        return {code: item["name"] for code, item in city().industries.items()}
    if group_by == "channel":
        return dict(city().vocabulary("lead_channels"))
    return {}


@operation(blueprint, "/stats.xlsx", summary="导出招商驾驶舱（Excel，每个图表一个工作表）",
           query=StatsWorkbookQuery, who=READER)
def export_stats():
    """The dashboard's tables from the same figures as ``/stats``: a 合计 sheet, one sheet per
    grouping (按月、按单位、按产业、按招商方式), and the period and scope on 说明."""
    params = load_query(StatsWorkbookQuery)
    start, end, scope = params["date_from"], params["date_to"], params.get("out_of_province")
    scopes = {None: "全部项目", True: "省外项目", False: "省内项目"}
    tables = []
    with transaction() as session:
        total, _, unknown = city_stats(session, start, end, None, scope)
        tables.append(figure_table("合计", "范围", [total.as_dict() | {"label": scopes[scope]}]))
        for by, title in GROUPINGS.items():
            _, groups, _ = city_stats(session, start, end, by, scope,
                                      _group_labels(session, by))
            tables.append(figure_table(title, title.removeprefix("按"), ordered_groups(
                [group.as_dict() for group in groups], by)))
    name = city().name
    notes = [("城市", name), ("报表", "招商驾驶舱"), ("统计期间", f"{start} 至 {end}"),
             ("项目范围", scopes[scope]),
             ("投资方省份未知的签约项目", f"{unknown} 个（不计入省外，也不计入省内）"),
             ("金额单位", "万元"),
             ("口径", "签约按签约日期、开工按开工日期计入期间；到位资金只计已核实的；"
                      "按单位分组时按招商贡献分成计入，各组之和等于合计"),
             ("导出时间", city().clock.now().replace(microsecond=0, tzinfo=None))]
    content = tables_workbook(tables, notes)
    return xlsx_download(content, f"{name}招商驾驶舱{start}至{end}.xlsx",
                         f"dashboard-{start}-{end}.xlsx")
