"""回头看 (四(十三)): looking back at landed projects — conditions met, investment as agreed.

建立招商引资项目跟踪服务及“回头看”机制. The ``changsha_lookback`` report
(``as_of=2025-06-30``, default today) takes every project that started (or was
completed) at least ``cadence.lookback_months`` months before ``as_of`` and checks:

- its 一事一议 conditions: how many were met, not met, or are still unchecked (a
  finding once past their deadline);
- its investment: funds arrived by ``as_of`` against the agreement amount, at
  least ``cadence.lookback_tolerance`` of it;
- its completion: a planned completion date already passed without completion.

The verdict is 履约良好 when all three hold, otherwise 需督办 with the reasons.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from core.toolkit import Project, Report, overdue_milestones
from plugins.changsha.cadence import project_matters
from plugins.changsha.majors import is_major
from plugins.changsha.periods import date_param, months_before
from plugins.changsha.rewards import arrived_by
from plugins.changsha.settings import settings
from plugins.changsha.wording import plain

COLUMNS = (
    ("project", "项目名称"), ("host_unit", "落户单位"), ("major", "重大项目"),
    ("started_on", "开工日期"), ("agreement_amount", "协议投资额（万元）"),
    ("arrived_amount", "到位资金（万元）"), ("arrival_share", "到位比例"),
    ("conditions", "一事一议条件数"), ("conditions_met", "已落实"), ("conditions_unmet", "未落实"),
    ("conditions_open", "待核查"), ("verdict", "回头看结论"), ("findings", "发现问题"),
)
PERCENT = Decimal("0.01")


def lookback_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per landed project old enough to look back on, the oldest first."""
    city, session = context.city, context.session
    cadence = settings(city)["cadence"]
    as_of = date_param(params, "as_of", city.clock.today())
    landed_by = months_before(as_of, cadence["lookback_months"])
    projects = session.scalars(
        sa.select(Project).where(Project.started_on.is_not(None), Project.started_on <= landed_by)
        .options(selectinload(Project.funds), selectinload(Project.milestones))
        .order_by(Project.started_on, Project.id)).unique().all()
    matters = project_matters(session, [p.id for p in projects])
    rows = []
    for project in projects:
        conditions = [c for m in matters[project.id] for c in m.conditions]
        met = sum(1 for c in conditions if c.met is True)
        unmet = sum(1 for c in conditions if c.met is False)
        still_open = len(conditions) - met - unmet
        # An unchecked condition is a finding only once its deadline has passed.
        due_unchecked = sum(1 for c in conditions
                            if c.met is None and c.due_on is not None and c.due_on < as_of)
        agreed = project.agreement_amount or project.amount
        arrived = arrived_by(project, as_of)
        share = arrived / agreed if agreed else Decimal(1)
        findings = []
        if unmet:
            findings.append(f"{unmet}项一事一议条件未落实")
        if due_unchecked:
            findings.append(f"{due_unchecked}项一事一议条件已到期未核查")
        if share < cadence["lookback_tolerance"]:
            findings.append(f"资金到位{plain((share * 100).quantize(PERCENT, ROUND_HALF_UP))}%，"
                            f"低于协议投资的{plain(cadence['lookback_tolerance'] * 100)}%")
        if project.completed_on is None and any(
                m.kind == "completion" for m in overdue_milestones(project, as_of)):
            findings.append("未按计划竣工")
        rows.append({
            "project": project.name, "host_unit": project.host_unit.name,
            "major": "是" if is_major(city, project) else "否", "started_on": project.started_on,
            "agreement_amount": agreed, "arrived_amount": arrived,
            "arrival_share": share.quantize(Decimal("0.0001"), ROUND_HALF_UP),
            "conditions": len(conditions), "conditions_met": met, "conditions_unmet": unmet,
            "conditions_open": still_open,
            "verdict": "需督办" if findings else "履约良好", "findings": "；".join(findings) or None,
        })
    return rows


def lookback_report() -> Report:
    return Report("changsha_lookback", "招商引资项目“回头看”", COLUMNS, lookback_rows)
