"""The figures of DOMAIN.md as workbook sheets, for the leader's dashboard and the province.

One list of columns says how a row of figures (``Figures.as_dict()``, a city's or a province
comparison's) reads in a spreadsheet: Chinese headings, amounts as exact numbers in 万元 (the
heading says so), counts as whole numbers, ratios as the exact ratio shown as a percentage
(a number format, not a rounded copy). The city's ``/stats.xlsx`` and the province's
comparison both write through it, so a figure has one heading wherever it is exported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.xlsx import PERCENT, Table

COUNT, AMOUNT, RATIO = "count", "amount", "ratio"
# The dashboard's groupings, in the order its charts come (gateway.web.pages.dashboard).
GROUPINGS = {"month": "按月", "unit": "按单位", "industry": "按产业", "channel": "按招商方式"}
UNGROUPED = "未分类"


@dataclass(frozen=True)
class FigureColumn:
    key: str
    heading: str
    kind: str = COUNT


FIGURE_COLUMNS = (
    FigureColumn("signed_count", "签约项目数"),
    FigureColumn("signed_amount", "签约总额（万元）", AMOUNT),
    FigureColumn("started_count", "开工项目数"),
    FigureColumn("start_rate", "开工率", RATIO),
    FigureColumn("arrived_amount", "到位资金·已核实（万元）", AMOUNT),
    FigureColumn("arrived_pending_amount", "到位资金·待核实，不计入（万元）", AMOUNT),
    FigureColumn("arrival_rate", "资金到位率", RATIO),
    FigureColumn("previous_signed_amount", "上年同期签约总额（万元）", AMOUNT),
    FigureColumn("signed_amount_growth", "签约额同比", RATIO),
)


def number(value: Any) -> Any:
    """A figure as a cell: a whole count as an integer, any other number exact (Decimal)."""
    if value is None or value == "":
        return None
    figure = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(figure) if figure.as_tuple().exponent >= 0 else figure


def figure_table(title: str, first_heading: str, rows: Iterable[dict[str, Any]],
                 columns: Sequence[FigureColumn] = FIGURE_COLUMNS,
                 first: Callable[[dict[str, Any]], Any] | None = None) -> Table:
    """A sheet of ``rows``: the row's name under ``first_heading`` (its ``label``, else its
    ``key``, else 未分类), then one column per figure."""
    name = first or (lambda row: row.get("label") or row.get("key") or UNGROUPED)
    return Table(title, [first_heading, *(column.heading for column in columns)],
                 [[name(row), *(number(row.get(column.key)) for column in columns)]
                  for row in rows],
                 {column.heading: PERCENT for column in columns if column.kind == RATIO})


def ordered_groups(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """The order the dashboard's tables show: months in time order, other groups by signed
    amount, largest first."""
    if by == "month":
        return sorted(rows, key=lambda row: row.get("key") or "")
    return sorted(rows, key=lambda row: -Decimal(str(row.get("signed_amount") or 0)))


__all__ = ["AMOUNT", "COUNT", "FIGURE_COLUMNS", "GROUPINGS", "RATIO", "FigureColumn",
           "figure_table", "number", "ordered_groups"]
