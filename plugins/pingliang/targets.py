"""量化任务目标 quantified targets (Seed 压实责任链条, POLICIES.md § pingliang 1).

> 量化市委常委、副市长、县（市、区）党政主要负责人和部门招商引资任务目标

The office sets a year's target on one figure (signed count or amount, started count, arrived
funds) for a county or department (``unit``) or for a city leader (``leader_name``). Progress
is the year's actual figure: a unit's is its transfer credit (``/api/v1/stats?group_by=unit``);
a leader's sums the projects they 包抓 (``leader_name``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core.toolkit import (
    Project,
    Refusal,
    Unit,
    compute_figures,
    record_event,
    refused,
    unit_by_code,
)
from plugins.pingliang.models import TARGET_METRICS, Target

ZERO = Decimal(0)


def set_target(session: Any, city: Any, data: dict[str, Any], actor: Any) -> Target:
    if data.get("unit"):
        assignee = f"unit:{unit_by_code(session, data['unit'], 'unit').code}"
    else:
        assignee = f"leader:{data['leader_name'].strip()}"
    target = Target(year=data["year"], assignee=assignee, metric=data["metric"],
                    target=data["target"], recorded_by=actor.user)
    session.add(target)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise refused([Refusal("pingliang.target.exists",
                               f"{data['year']} 年已为该对象下达“{TARGET_METRICS[data['metric']]}”目标")]
                      ) from None
    record_event(session, city, "pingliang_target", target.id, "set",
                 {"target_id": target.id, "year": target.year, "assignee": assignee,
                  "metric": target.metric, "target": target.target})
    return target


def _leader_actuals(session: Any, start: dt.date, end: dt.date) -> dict[str, dict[str, Decimal]]:
    """Each 包抓 leader's figures over the range: the projects they own, counted whole."""
    actuals: dict[str, dict[str, Decimal]] = {}
    for project in session.scalars(sa.select(Project).where(Project.leader_name.is_not(None))):
        row = actuals.setdefault(project.leader_name, dict.fromkeys(TARGET_METRICS, ZERO))
        if project.signed_on and start <= project.signed_on <= end:
            row["signed_count"] += 1
            row["signed_amount"] += project.amount
        if project.started_on and start <= project.started_on <= end:
            row["started_count"] += 1
        row["arrived_amount"] += sum((t.amount for t in project.funds
                                      if t.verification == "verified"
                                      and start <= t.arrived_on <= end), ZERO)
    return actuals


def progress_rows(session: Any, year: int) -> list[dict[str, Any]]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    _, groups = compute_figures(session, start, end, "unit")
    units = {group.key: group for group in groups}
    leaders = _leader_actuals(session, start, end)
    names = dict(session.execute(sa.select(Unit.code, Unit.name)).all())
    rows = []
    for target in session.scalars(sa.select(Target).where(Target.year == year)
                                  .order_by(Target.assignee, Target.metric)):
        kind, name = target.assignee.split(":", 1)
        if kind == "unit":
            group = units.get(name)
            actual = getattr(group, target.metric) if group else ZERO
            shown = names.get(name, name)
        else:
            actual = leaders.get(name, {}).get(target.metric, ZERO)
            shown = name
        rows.append({"id": target.id, "year": year, "assignee": target.assignee,
                     "assignee_kind": kind, "assignee_name": shown, "metric": target.metric,
                     "metric_label": TARGET_METRICS[target.metric], "target": target.target,
                     "actual": actual,
                     "completion": (Decimal(actual) / target.target).quantize(Decimal("0.0001"))})
    return rows


PROGRESS_COLUMNS = (("assignee_name", "责任对象"), ("metric_label", "指标"), ("target", "目标"),
                    ("actual", "完成"), ("completion", "完成率"))
