"""正向激励 rewards (Seed 三(四)20, POLICIES.md § sanming 8).

Four honours, computed by the core for a period from these rules:

- 金牌顾问 gold advisor: the advisors (intermediaries of kind ``advisor``) whose introduced
  projects signed the most in the period — the top ``gold_advisor_top``;
- 金线索奖 gold lead: the advisors' leads that earned the most lead points in the period;
- 三明市荣誉市民 honorary citizen: a nomination list (amount 0, to be approved by procedure)
  of advisors who brought at least ``honorary_citizen_min_key_projects`` signed key projects;
- 金牌服务单位 gold service unit: the units that completed the most dispatched work orders
  (工作派单 of the core's matters) on time in the period.

The seed names honours, not sums: each amount is configuration, 0 (honour only) by default.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import Intermediary, Lead, RewardCandidate, RewardRule, WorkOrder
from plugins.sanming.key_projects import is_key
from plugins.sanming.lead_points import point_entries
from plugins.sanming.settings import settings

ADVISOR_KIND = "advisor"


def _advisors(session: Any) -> dict[int, Intermediary]:
    return {row.id: row for row in session.scalars(
        sa.select(Intermediary).where(Intermediary.kind == ADVISOR_KIND))}


def _in_period(context: Any, day: Any) -> bool:
    return day is not None and context.start <= day <= context.end


def gold_advisors(city: Any, context: Any) -> list[RewardCandidate]:
    config = settings(city)["rewards"]
    advisors = _advisors(context.session)
    signed: dict[int, list[Any]] = defaultdict(list)
    for project in context.projects():
        if project.intermediary_id in advisors and _in_period(context, project.signed_on):
            signed[project.intermediary_id].append(project)
    ranked = sorted(signed.items(), key=lambda item: (-sum(p.amount for p in item[1]), item[0]))
    return [RewardCandidate(
        recipient_type="intermediary", recipient_id=advisor_id,
        recipient_name=advisors[advisor_id].name, amount=config["gold_advisor_amount"],
        basis=f"引荐项目签约 {len(projects)} 个，签约金额 {sum(p.amount for p in projects)} 万元",
        project_ids=tuple(p.id for p in projects))
        for advisor_id, projects in ranked[: config["gold_advisor_top"]]]


def gold_leads(city: Any, context: Any) -> list[RewardCandidate]:
    config = settings(city)["rewards"]
    advisors = _advisors(context.session)
    points: dict[int, int] = defaultdict(int)
    projects: dict[int, set[int]] = defaultdict(set)
    for entry in point_entries(context.session, city, context.start, context.end):
        points[entry.lead_id] += entry.points
        if entry.project_id:
            projects[entry.lead_id].add(entry.project_id)
    leads = {lead.id: lead for lead in context.session.scalars(
        sa.select(Lead).where(Lead.id.in_(list(points))))}
    ranked = sorted((lead_id for lead_id, lead in leads.items()
                     if lead.intermediary_id in advisors and points[lead_id] > 0),
                    key=lambda lead_id: (-points[lead_id], lead_id))
    return [RewardCandidate(
        recipient_type="intermediary", recipient_id=leads[lead_id].intermediary_id,
        recipient_name=advisors[leads[lead_id].intermediary_id].name,
        amount=config["gold_lead_amount"],
        basis=f"推荐线索“{leads[lead_id].title}”（线索 {lead_id}）本期积分 {points[lead_id]} 分",
        project_ids=tuple(sorted(projects[lead_id])),
        # One advisor may bring two gold leads: each lead is honoured once per period.
        items=((f"lead:{lead_id}:{context.start}:{context.end}", config["gold_lead_amount"]),))
        for lead_id in ranked[: config["gold_lead_top"]]]


def honorary_citizens(city: Any, context: Any) -> list[RewardCandidate]:
    minimum = settings(city)["rewards"]["honorary_citizen_min_key_projects"]
    advisors = _advisors(context.session)
    key_signed: dict[int, list[Any]] = defaultdict(list)
    for project in context.projects():
        if (project.intermediary_id in advisors and project.signed_on is not None
                and project.signed_on <= context.end and is_key(project)):
            key_signed[project.intermediary_id].append(project)
    return [RewardCandidate(
        recipient_type="intermediary", recipient_id=advisor_id,
        recipient_name=advisors[advisor_id].name, amount=Decimal(0),
        basis=f"引荐重点项目签约 {len(projects)} 个，提名授予“三明市荣誉市民”称号（按程序报批）",
        project_ids=tuple(p.id for p in projects))
        for advisor_id, projects in sorted(key_signed.items()) if len(projects) >= minimum]


def gold_service_units(city: Any, context: Any) -> list[RewardCandidate]:
    config = settings(city)["rewards"]
    on_time: dict[int, list[WorkOrder]] = defaultdict(list)
    orders = context.session.scalars(sa.select(WorkOrder).where(
        WorkOrder.done_on.between(context.start, context.end)))
    for order in orders:
        if order.done_on <= order.due_on:
            on_time[order.unit_id].append(order)
    ranked = sorted(on_time.items(), key=lambda item: (-len(item[1]), item[0]))
    return [RewardCandidate(
        recipient_type="unit", recipient_id=unit_id, recipient_name=orders_[0].unit.name,
        amount=config["gold_service_unit_amount"],
        basis=f"按时办结协调事项派单 {len(orders_)} 件")
        for unit_id, orders_ in ranked[: config["gold_service_unit_top"]]]


def rules(city: Any) -> list[RewardRule]:
    """The four honours as reward rules (no cap: the amounts are fixed by configuration)."""
    return [
        RewardRule("sanming_gold_advisor", "金牌顾问", lambda c: gold_advisors(city, c)),
        RewardRule("sanming_gold_lead", "金线索奖", lambda c: gold_leads(city, c)),
        RewardRule("sanming_honorary_citizen", "三明市荣誉市民（提名）",
                   lambda c: honorary_citizens(city, c)),
        RewardRule("sanming_gold_service_unit", "金牌服务单位",
                   lambda c: gold_service_units(city, c)),
    ]
