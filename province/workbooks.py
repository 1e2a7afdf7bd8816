"""The province's tables as ``.xlsx``: the comparison of cities (with the 省外 columns and
sheet), the ranking and the investors courted by several cities.

Each is written from the rows its JSON answer is dumped from (:mod:`province.reports`), through
:mod:`core.figure_sheets` (a figure's heading, 万元, ratios) and :mod:`core.xlsx` (every text
cell a value, never a formula), with the period and rules on a 说明 sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.figure_sheets import AMOUNT, COUNT, FIGURE_COLUMNS, RATIO, FigureColumn, figure_table
from core.figure_sheets import number as figure
from core.lifecycle import STAGE_LABELS
from core.models.leads import LEAD_STATUS_LABELS
from core.xlsx import PERCENT, Table, tables_workbook
from province.config import ProvinceConfig

CITY_COLUMNS = (
    *FIGURE_COLUMNS,
    FigureColumn("out_of_province_signed_count", "省外签约项目数"),
    FigureColumn("out_of_province_signed_amount", "省外签约额（万元）", AMOUNT),
    FigureColumn("out_of_province_share", "省外签约额占比", RATIO),
    # Neither 省外 nor 省内: the investor's province is not known.
    FigureColumn("out_of_province_unknown_count", "投资方省份未知的签约项目数"),
    FigureColumn("out_of_province_unknown_amount", "投资方省份未知的签约额（万元）", AMOUNT),
    FigureColumn("leads_reported", "报送线索数"),
    FigureColumn("projects", "省级掌握项目总数", COUNT),
)
BY_KEY = {column.key: column for column in CITY_COLUMNS}
OUT_OF_PROVINCE_RULE = ("省外以投资方省份（统一社会信用代码登记地，其次所填省份）推定；投资方省份未知的"
                        "项目既不计入省外也不计入省内，单列为“未知”")
KINDS = {"project": "项目", "lead": "线索"}
STATES = {**{stage.value: label for stage, label in STAGE_LABELS.items()},
          **{status.value: label for status, label in LEAD_STATUS_LABELS.items()}}


def _notes(config: ProvinceConfig, report: str, *extra: tuple[str, Any]) -> list[tuple[str, Any]]:
    return [("报表", report), *extra, ("城市", "、".join(config.city_name(c) for c in config.cities)),
            ("金额单位", "万元"),
            ("导出时间", config.clock.now().replace(microsecond=0, tzinfo=None))]


def _period(start: dt.date, end: dt.date) -> tuple[str, str]:
    return ("统计期间", f"{start} 至 {end}")


def cities_workbook(config: ProvinceConfig, start: dt.date, end: dt.date,
                    rows: list[dict[str, Any]]) -> bytes:
    """各市指标 (the cities' figures and their 省外 columns) and 省外项目 (the out-of-province
    projects' own figures, as the cities publish them)."""
    outside = [row["out_of_province"] for row in rows if row.get("out_of_province")]
    return tables_workbook(
        [figure_table("各市指标", "城市", rows, CITY_COLUMNS),
         figure_table("省外项目", "城市", outside)],
        _notes(config, "各市招商指标对比", _period(start, end), ("省外口径", OUT_OF_PROVINCE_RULE)))


def ranking_workbook(config: ProvinceConfig, start: dt.date, end: dt.date, by: str,
                     ranked: list[dict[str, Any]]) -> bytes:
    """The ranking by ``by``: rank, city, the figure ranked on, then every figure of the city."""
    metric = BY_KEY[by]
    headings = ["名次", "城市", f"排名指标：{metric.heading}",
                *(column.heading for column in CITY_COLUMNS)]
    formats = {column.heading: PERCENT for column in CITY_COLUMNS if column.kind == RATIO}
    if metric.kind == RATIO:
        formats[headings[2]] = PERCENT
    table = Table(f"按{metric.heading}排名", headings, [
        [row["rank"], row["city_name"], figure(row["value"]),
         *(figure(row["figures"].get(column.key)) for column in CITY_COLUMNS)]
        for row in ranked], formats)
    return tables_workbook([table], _notes(
        config, "各市按指标排名", _period(start, end), ("排名依据", metric.heading),
        ("并列", "指标相同的城市名次相同；没有该指标的城市排在最后，不计名次")))


def shared_investors_workbook(config: ProvinceConfig, min_cities: int,
                              groups: list[dict[str, Any]]) -> bytes:
    """One row per record of each investor seen in ``min_cities`` cities or more."""
    headings = ["客商", "统一社会信用代码", "识别方式", "涉及城市数", "城市", "类别", "编号",
                "项目或线索名称", "阶段或状态", "金额（万元）", "记录中的企业名称"]
    rows = []
    for group in groups:
        matched = "同名（无信用代码）" if group["match"] == "name" else (
            "同一信用代码（含同名无代码记录）" if group["matched_by_name"] else "同一信用代码")
        for place in group["cities"]:
            for record in place["records"]:
                rows.append([
                    "、".join(group["names"]), group["credit_code"], matched, group["city_count"],
                    place["city_name"], KINDS.get(record["kind"], record["kind"]), record["id"],
                    record["title"], STATES.get(record["state"], record["state"]),
                    figure(record["amount"]), record["name"]])
    return tables_workbook([Table("多市洽谈的客商", headings, rows)], _notes(
        config, "多个城市同时洽谈的客商", ("最少城市数", min_cities),
        ("识别规则", "同一统一社会信用代码为同一客商；无代码的记录按规范化后的企业名称归入唯一同名"
                     "代码，否则按名称成组；两个不同代码即使名称相近也是两个客商")))


__all__ = ["cities_workbook", "ranking_workbook", "shared_investors_workbook"]
