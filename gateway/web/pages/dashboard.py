"""The leader's dashboard (驾驶舱): the city's figures over a period — signed, amount, started
and start rate, arrived and arrival rate, year on year — by month, unit, industry and channel;
red, yellow and blue warnings; matters awaiting the leader; the leader's own 包抓 projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, request, url_for

from core.figure_sheets import GROUPINGS
from gateway.web.base import api, blueprint, check_city, render, today
from gateway.web.formatting import YI, chart
from gateway.web.pages.mechanisms import level_counts
from gateway.web.pages.projects import named

GROUPS = GROUPINGS  # the charts, as the exported workbook's sheets name them
FIGURE_COLUMNS = [
    {"key": "label", "heading": "分组"},
    {"key": "signed_count", "heading": "签约项目数", "format": "count", "href": "signed_href"},
    {"key": "signed_amount", "heading": "签约总额", "format": "amount"},
    {"key": "started_count", "heading": "开工项目数", "format": "count", "href": "started_href"},
    {"key": "start_rate", "heading": "开工率", "format": "percent"},
    {"key": "arrived_amount", "heading": "到位资金（已核实）", "format": "amount"},
    {"key": "arrived_pending_amount", "heading": "待核实（不计入）", "format": "amount"},
    {"key": "arrival_rate", "heading": "资金到位率", "format": "percent"},
    {"key": "signed_amount_growth", "heading": "签约额同比", "format": "growth"},
]
AWAITING_BY_ROLE = {"leader": "leader", "officer": "office", "admin": "office"}


def period() -> tuple[str, str]:
    """The period asked for, else this year to date."""
    day = today()
    start = request.args.get("from") or dt.date(day.year, 1, 1).isoformat()
    end = request.args.get("to") or day.isoformat()
    return start, end


def behind(city: str, start: str, end: str, by: str | None = None,
           key: str | None = None) -> dict[str, str]:
    """The project lists holding the projects a figure counts: signed (or started) within the
    period, narrowed to the group's key (a month narrows the period to that month)."""
    narrow: dict[str, str] = {}
    if by == "month" and key:
        year, month = (int(part) for part in key.split("-")[:2])
        first = dt.date(year, month, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        start, end = max(start, first.isoformat()), min(end, last.isoformat())
    elif by and key:
        narrow[by] = key
    return {"signed": url_for("web.projects", city=city, signed_from=start, signed_to=end,
                              **narrow),
            "started": url_for("web.projects", city=city, started_from=start, started_to=end,
                               **narrow)}


def group_rows(groups: list[dict[str, Any]], by: str, city: str = "", start: str = "",
               end: str = "") -> list[dict[str, Any]]:
    for row in groups:
        row["label"] = row.get("label") or row.get("key") or "未分类"
        if city and row.get("key"):
            links = behind(city, start, end, by, str(row["key"]))
            row["signed_href"], row["started_href"] = links["signed"], links["started"]
    if by == "month":
        return sorted(groups, key=lambda row: row.get("key") or "")
    return sorted(groups, key=lambda row: -float(row.get("signed_amount") or 0))


@blueprint.route("/c/<city>/dashboard")
def dashboard(city: str):
    check_city(city)
    client = api()
    start, end = period()
    span = {"from": start, "to": end}
    total = client.city(city, "GET", "stats", span)
    groups: dict[str, list[dict[str, Any]]] = {}
    charts: dict[str, dict[str, Any]] = {}
    for by, label in GROUPS.items():
        answer = client.city(city, "GET", "stats", {**span, "group_by": by})
        rows = group_rows(answer.body.get("groups", []) if answer.ok else [], by, city, start, end)
        groups[by] = rows
        kind = "line" if by == "month" else "pie" if by == "channel" else "bar"
        charts[by] = chart(kind, f"签约与到位（亿元）{label}", rows, "label",
                           [("signed_amount", "签约总额（亿元）"),
                            ("arrived_amount", "到位资金（亿元）")] if kind != "pie"
                           else [("signed_amount", "签约总额（亿元）")], scale=YI)
    role = g.claims.role
    awaiting_level = AWAITING_BY_ROLE.get(role)
    awaiting = (client.city(city, "GET", "matters", {"awaiting": awaiting_level, "per_page": 20})
                if awaiting_level else None)
    own = (client.city(city, "GET", "projects", {"leader": g.claims.name, "per_page": 50})
           if role == "leader" else None)
    return render("dashboard.html", 200 if total.ok else total.status, city=city, total=total,
                  figures=total.body.get("total", {}) if total.ok else {}, start=start, end=end,
                  behind=behind(city, start, end),
                  groups=groups, group_labels=GROUPS, charts=charts, columns=FIGURE_COLUMNS,
                  warnings=level_counts(city), awaiting=awaiting,
                  awaiting_rows=awaiting.items() if awaiting else [],
                  own=own, own_rows=named(city, own.items()) if own else [],
                  # Every chart's table in one workbook, written by the city from the same
                  # figures (GET /api/v1/stats.xlsx).
                  export_url=url_for("web.export", city=city, rest="stats.xlsx", **span))
