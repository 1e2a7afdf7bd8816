"""考核 assessment (Seed 压实责任链条, POLICIES.md § pingliang 4).

> 建立“正向加分、反向扣分”机制，采取“月统计、季评价、年考核”方式……对成绩突出、排名靠前的县（市、区）
> 补助招商经费100万元、市直部门补助20万元并通报表扬；排名靠后的约谈问责

- 月统计: the monthly statistics (``statistics.monthly_rows``, report
  ``pingliang_monthly_statistics``).
- 季评价, 年考核: schemes ``pingliang_county_<period>`` (counties, districts, the county-level
  city) and ``pingliang_department_<period>`` (city departments) for each configured period
  (quarter, year) — counties and departments are ranked apart because they are rewarded apart.
  The core runs, freezes, publishes and takes objections.
- 正向加分、反向扣分: the office's point items (``pingliang_point_items``) of the period, plus
  ``plus_per_major_project`` for each major project the unit signed in the period (its transfer
  credit) and minus ``minus_per_red_warning`` for each red warning raised in the period on the
  unit's list projects, plus ``plus_per_service_on_time`` for each 帮办代办 request the unit
  closed (办结) in the period by its deadline (``agency.on_time_adjustments``, rule 7); the
  total is held within ±``adjustment_cap``.
- Promotion funds: reward rules ``pingliang_county_fund`` (100万元) and
  ``pingliang_department_fund`` (20万元) for the top of the latest published ranking of
  ``promotion_funds.scheme_period`` ending in the reward period.
- Summons (约谈问责): the bottom ``summons_bottom`` of the latest published ranking of each
  family for ``summons_period`` (the year), ties included, never a unit tied for first.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    Adjustment,
    AssessmentScheme,
    EarlyWarning,
    Indicator,
    Project,
    RewardCandidate,
    RewardRule,
    credit_shares,
    latest_published_run,
    ranking_end,
    ranking_key,
)
from plugins.pingliang import agency
from plugins.pingliang.models import ListedProject, PointItem
from plugins.pingliang.settings import settings

FAMILIES = {"county": "县（市、区）", "department": "市直部门"}
PERIOD_NAMES = {"month": "月度", "quarter": "季度评价", "year": "年度考核"}


def scheme_code(family: str, period: str) -> str:
    return f"pingliang_{family}_{period}"


def schemes(city: Any) -> list[AssessmentScheme]:
    config = settings(city)["assessment"]
    indicators = tuple(Indicator(code=item["code"], name=item["name"], metric=item["metric"],
                                 points=Decimal(item["points"])) for item in config["indicators"])
    kinds = {"county": config["county_kinds"], "department": config["department_kinds"]}
    return [AssessmentScheme(
        code=scheme_code(family, period), name=f"{label}招商引资{PERIOD_NAMES[period]}",
        period=period, unit_kinds=tuple(kinds[family]), indicators=indicators,
        adjustment_cap=config["adjustment_cap"])
        for family, label in FAMILIES.items() for period in config["periods"]]


def _major_signed(context: Any) -> dict[str, list[tuple[Any, Decimal]]]:
    """Major projects signed in the period, per credited unit code, with the unit's share."""
    codes = {unit.id: unit.code for unit in context.units}
    found: dict[str, list[tuple[Any, Decimal]]] = defaultdict(list)
    for project in context.session.scalars(sa.select(Project).where(
            Project.signed_on.between(context.start, context.end))):
        if "major" not in (project.tiers or []):
            continue
        for unit_id, share in credit_shares(project, project.signed_on).items():
            if unit_id in codes:
                found[codes[unit_id]].append((project, share))
    return found


def adjustments(city: Any, context: Any) -> list[Adjustment]:
    config = settings(city)["assessment"]
    items = []
    for row in context.session.scalars(sa.select(PointItem).where(
            PointItem.occurred_on.between(context.start, context.end)).order_by(PointItem.id)):
        items.append(Adjustment(unit_code=row.unit.code, points=Decimal(row.points),
                                reason=row.reason, source=f"pingliang_points:{row.id}"))
    if config["plus_per_major_project"]:
        for code, projects in _major_signed(context).items():
            for project, share in projects:
                items.append(Adjustment(
                    unit_code=code, points=config["plus_per_major_project"] * share,
                    reason=f"引进重大项目“{project.name}”（{project.amount} 万元，"
                           f"{project.signed_on} 签约）", source=f"pingliang_major:{project.id}"))
    if config["minus_per_red_warning"]:
        listed = set(context.session.scalars(sa.select(ListedProject.project_id)))
        for warning in context.session.scalars(sa.select(EarlyWarning).where(
                EarlyWarning.level == "red", EarlyWarning.subject_type == "project",
                EarlyWarning.since.between(context.start, context.end)).order_by(EarlyWarning.id)):
            if warning.subject_id in listed and warning.unit_code:
                items.append(Adjustment(
                    unit_code=warning.unit_code, points=-config["minus_per_red_warning"],
                    reason=f"清单项目红色预警：{warning.reason}",
                    source=f"pingliang_red_warning:{warning.id}"))
    items.extend(agency.on_time_adjustments(city, context))
    return items


def summons_rows(session: Any, city: Any, scheme: str | None = None) -> list[dict[str, Any]]:
    """约谈名单: the bottom of the latest published run of each ``summons_period`` scheme (or of
    ``scheme``). A unit tied for first is not behind anyone, so it is never summoned."""
    config = settings(city)["assessment"]
    bottom = config["summons_bottom"]
    codes = [scheme] if scheme else [scheme_code(family, config["summons_period"])
                                     for family in FAMILIES]
    rows = []
    for code in codes:
        run = latest_published_run(session, code)
        if run is None:
            continue
        for result in reversed(ranking_end(run, bottom, "bottom")):
            if result.rank == 1:
                continue
            rows.append({"unit": result.unit_code, "unit_name": result.unit_name,
                         "rank": result.rank, "units": len(run.results), "total": result.total,
                         "run_id": run.id, "period": f"{run.scheme_name} {run.period_label}",
                         "reason": f"排名靠后（第 {result.rank} 名，共 {len(run.results)} 个单位），"
                                   f"约谈问责"})
    return rows


SUMMONS_COLUMNS = (("unit_name", "单位"), ("period", "考核"), ("rank", "排名"),
                   ("units", "参评单位数"), ("total", "得分"), ("reason", "约谈事由"))


def _fund_candidates(city: Any, context: Any, family: str) -> list[RewardCandidate]:
    config = settings(city)["promotion_funds"]
    count = config["top_counties" if family == "county" else "top_departments"]
    amount = config[f"{family}_amount"]
    run = latest_published_run(context.session, scheme_code(family, config["scheme_period"]),
                               context.start, context.end)
    if run is None:
        return []
    # The fund is granted once per ranking (scheme and period), whichever run publishes it.
    ranking = ranking_key(run)
    return [RewardCandidate(
        recipient_type="unit", recipient_id=result.unit_id, recipient_name=result.unit_name,
        amount=amount,
        basis=f"{run.scheme_name} {run.period_label} 第 {result.rank} 名（{result.total} 分），"
              f"补助招商经费并通报表扬",
        items=((ranking, amount),), scope=ranking, ranking_run_id=run.id)
        for result in ranking_end(run, count, "top")]


def reward_rules(city: Any) -> list[RewardRule]:
    return [
        RewardRule("pingliang_county_fund", "县（市、区）招商经费补助",
                   lambda context: _fund_candidates(city, context, "county")),
        RewardRule("pingliang_department_fund", "市直部门招商经费补助",
                   lambda context: _fund_candidates(city, context, "department")),
    ]
