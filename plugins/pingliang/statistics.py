"""Figures Pingliang reports: out-of-province apart, per channel, and the monthly statistics.

All of them come from the core's figures (``compute_figures``: signing, start and arrival dates
in the range, transfers credited), so they agree with ``/api/v1/stats`` to the 万元.

- 省外 (POLICIES.md § pingliang 5, DOMAIN.md): Gansu reports out-of-province projects and funds
  separately — ``/api/v1/pingliang/out-of-province`` gives the out-of-province figures, the
  in-province ones and their sum side by side (the seed's 157 / 134亿元 / 154 / 73亿元 are the
  first column for January–May 2023).
- 招商方式 (POLICIES.md § pingliang 6): results per channel of the configured ``channels`` (the
  seed's eight methods); everything else is one 其他 row, so the rows add up to the city.
- 月统计 (POLICIES.md § pingliang 4): each county's and department's month — figures credited
  through transfers, out-of-province signings, leads reported and the points recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import LEAD_CHANNELS, Lead, Unit, compute_figures, period_bounds
from plugins.pingliang.models import PointItem
from plugins.pingliang.settings import settings

FIGURE_KEYS = ("signed_count", "signed_amount", "started_count", "arrived_amount")
OTHER = "other"
MONEY_PLACES = Decimal("0.0001")  # 万元 as stored; a transfer's share can carry more places
COUNT_PLACES = Decimal("0.01")  # a transferred project counts 0.3 and 0.7


def rounded(row: dict[str, Any]) -> dict[str, Any]:
    """Amounts to four places (万元) and counts to two, as ``/api/v1/stats`` shows them."""
    out = dict(row)
    for key, value in row.items():
        if isinstance(value, Decimal) and key.endswith("_amount"):
            out[key] = value.quantize(MONEY_PLACES)
        elif isinstance(value, Decimal) and key.endswith("_count"):
            out[key] = value.quantize(COUNT_PLACES).normalize()
    return out


def out_of_province(session: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Out-of-province, in-province and all figures over the range, and the share."""
    outside, units = compute_figures(session, start, end, "unit", True,
                                     dict(session.execute(sa.select(Unit.code, Unit.name)).all()))
    inside, _ = compute_figures(session, start, end, None, False)
    unknown, _ = compute_figures(session, start, end, None, "unknown")
    total, _ = compute_figures(session, start, end)
    share = None
    if total.signed_amount:
        share = (outside.signed_amount / total.signed_amount).quantize(Decimal("0.0001"))
    return {"date_from": start, "date_to": end, "out_of_province": rounded(outside.as_dict()),
            "in_province": rounded(inside.as_dict()), "all": rounded(total.as_dict()),
            # 省份未知: neither column; the office completes the investor (core divisions).
            "province_unknown": rounded(unknown.as_dict()),
            "out_of_province_unknown_count": rounded(unknown.as_dict())["signed_count"],
            "out_of_province_share": share,
            "out_of_province_by_unit": [rounded(group.as_dict()) for group in units]}


def channel_rows(session: Any, city: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per configured channel: leads reported and converted, and the projects' figures."""
    channels = list(settings(city)["channels"])
    _, groups = compute_figures(session, start, end, "channel")
    figures: dict[str, dict[str, Any]] = {}
    for group in groups:
        key = group.key if group.key in channels else OTHER
        row = figures.setdefault(key, {k: Decimal(0) for k in FIGURE_KEYS})
        for k in FIGURE_KEYS:
            row[k] += getattr(group, k)
    reported: Counter[str] = Counter()
    converted: Counter[str] = Counter()
    for channel, status in session.execute(sa.select(Lead.channel, Lead.status).where(
            Lead.reported_on.between(start, end))):
        key = channel if channel in channels else OTHER
        reported[key] += 1
        converted[key] += status == "converted"
    rows = []
    for key in [*channels, OTHER]:
        values = figures.get(key, {k: Decimal(0) for k in FIGURE_KEYS})
        rows.append(rounded({"channel": key, "label": LEAD_CHANNELS[key],
                             "leads_reported": reported[key], "leads_converted": converted[key],
                             **values, "signed_amount_yi": (values["signed_amount"] / 10000)
                             .quantize(Decimal("0.01"))}))
    return rows


def assessed_units(session: Any, city: Any) -> list[Unit]:
    """The counties and departments Pingliang assesses, counties first."""
    config = settings(city)["assessment"]
    kinds = [*config["county_kinds"], *config["department_kinds"]]
    units = list(session.scalars(sa.select(Unit).where(Unit.kind.in_(kinds)).order_by(Unit.id)))
    return sorted(units, key=lambda unit: unit.kind in config["department_kinds"])


def points_by_unit(session: Any, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """Recorded plus and minus points per unit code over the range."""
    totals: dict[str, Decimal] = {}
    for code, points in session.execute(
            sa.select(Unit.code, sa.func.sum(PointItem.points)).join(
                Unit, Unit.id == PointItem.unit_id)
            .where(PointItem.occurred_on.between(start, end)).group_by(Unit.code)):
        totals[code] = Decimal(points)
    return totals


def monthly_rows(session: Any, city: Any, month: str) -> list[dict[str, Any]]:
    """月统计: each assessed unit's figures for ``month`` (``YYYY-MM``), and the city total."""
    start, end = period_bounds("month", month)
    _, groups = compute_figures(session, start, end, "unit")
    _, outside = compute_figures(session, start, end, "unit", True)
    by_unit = {group.key: group for group in groups}
    outside_by_unit = {group.key: group.signed_amount for group in outside}
    leads = Counter(session.scalars(sa.select(Unit.code).join(
        Lead, Lead.reporting_unit_id == Unit.id).where(Lead.reported_on.between(start, end))))
    points = points_by_unit(session, start, end)
    rows = []
    for unit in assessed_units(session, city):
        group = by_unit.get(unit.code)
        rows.append(rounded({
            "month": month, "unit": unit.code, "unit_name": unit.name,
            **{k: getattr(group, k) if group else Decimal(0) for k in FIGURE_KEYS},
            "out_of_province_signed_amount": outside_by_unit.get(unit.code, Decimal(0)),
            "leads_reported": leads[unit.code], "points": points.get(unit.code, Decimal(0))}))
    total, _ = compute_figures(session, start, end)
    outside_total, _ = compute_figures(session, start, end, None, True)
    rows.append(rounded({"month": month, "unit": "", "unit_name": "全市合计",
                         **{k: getattr(total, k) for k in FIGURE_KEYS},
                         "out_of_province_signed_amount": outside_total.signed_amount,
                         "leads_reported": sum(leads.values()),
                         "points": sum(points.values(), Decimal(0))}))
    return rows


MONTHLY_COLUMNS = (
    ("month", "月份"), ("unit_name", "单位"), ("signed_count", "签约项目数"),
    ("signed_amount", "签约额（万元）"), ("out_of_province_signed_amount", "其中省外签约额（万元）"),
    ("started_count", "开工项目数"), ("arrived_amount", "到位资金（万元）"),
    ("leads_reported", "报送线索数"), ("points", "加减分"),
)
CHANNEL_COLUMNS = (
    ("label", "招商方式"), ("leads_reported", "报送线索数"), ("leads_converted", "转化项目线索数"),
    ("signed_count", "签约项目数"), ("signed_amount", "签约额（万元）"),
    ("started_count", "开工项目数"), ("arrived_amount", "到位资金（万元）"),
)
OUT_OF_PROVINCE_COLUMNS = (
    ("label", "单位"), ("signed_count", "省外签约项目数"), ("signed_amount", "省外签约额（万元）"),
    ("started_count", "省外开工项目数"), ("start_rate", "开工率"),
    ("arrived_amount", "省外到位资金（万元）"), ("arrival_rate", "资金到位率"),
)
