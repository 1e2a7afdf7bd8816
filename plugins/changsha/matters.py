"""一事一议 / 一企一策 matters (三(十一)): only for major projects, decided at the city.

加强重大项目的政策支持，采取“一事一议”“一企一策”等措施，在财政、土地、税收、人才等方面
给予重点支持. The core's matters mechanism records request, proposal, work orders,
decision and conditions; Changsha says which matters it accepts (a major project
asking for support in one of ``support_kinds``) and who decides: 市政府常务会议 for
projects of at least ``executive_meeting_amount`` 万元, otherwise a city leader.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    DECISION_LEVELS,
    MATTER_KINDS,
    MATTER_STATUS_LABELS,
    City,
    FieldProblem,
    Matter,
    Project,
    Report,
    WarningFinding,
    WarningRule,
)
from plugins.changsha.majors import is_major
from plugins.changsha.settings import settings
from plugins.changsha.wording import amount_text, listing


def matter_problems(city: City, data: dict[str, Any], project: Project) -> list[FieldProblem]:
    """Why Changsha does not take up a requested matter; empty when it does."""
    problems = []
    if not is_major(city, project):
        threshold = amount_text(city.policy["major_project_threshold"])
        tags = listing(settings(city)["major_investor_tags"])
        problems.append(FieldProblem(
            "project_id", "changsha.matter.not_major",
            f"“一事一议”“一企一策”只适用于重大项目（总投资{threshold}以上，或投资方为{tags}企业）；"
            f"项目“{project.name}”总投资{amount_text(project.amount)}，不属于重大项目"))
    kinds = settings(city)["support_kinds"]
    if data["kind"] not in kinds:
        problems.append(FieldProblem(
            "kind", "changsha.matter.kind",
            f"“一事一议”支持限于{listing([MATTER_KINDS[k] for k in kinds])}方面"))
    return problems


def decision_level(city: City, project: Project) -> str:
    """市政府常务会议 for projects of ``executive_meeting_amount`` and more, else a city leader."""
    if project.amount >= settings(city)["executive_meeting_amount"]:
        return "executive_meeting"
    return "leader"


LEDGER_COLUMNS = (
    ("project", "项目名称"), ("title", "事项"), ("kind", "支持方面"),
    ("requested_amount", "申请支持（万元）"), ("support_amount", "拟支持（万元）"),
    ("level", "决策层级"), ("decision", "决定"), ("meeting_ref", "会议纪要"),
    ("conditions", "附加条件及落实情况"), ("conditions_met", "条件落实"), ("status", "状态"),
)
CONDITION_STATES = {True: "已落实", False: "未落实", None: "待核查"}
DECISIONS = {"approved": "同意支持", "rejected": "不予支持", None: "待决定"}


def ledger_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """一事一议台账: every matter with its decision and the state of each condition."""
    rows = []
    for matter in context.session.scalars(sa.select(Matter).order_by(Matter.id)).unique():
        project = context.session.get(Project, matter.project_id)
        rows.append({
            "project": project.name, "title": matter.title,
            "kind": MATTER_KINDS.get(matter.kind, matter.kind),
            "requested_amount": matter.requested_amount, "support_amount": matter.support_amount,
            "level": DECISION_LEVELS.get(matter.decision_level), "decision": DECISIONS[matter.decision],
            "meeting_ref": matter.meeting_ref,
            "conditions": "；".join(f"{c.text}（{CONDITION_STATES[c.met]}）"
                                   for c in matter.conditions) or None,
            "conditions_met": CONDITION_STATES[matter.conditions_met] if matter.conditions else None,
            "status": MATTER_STATUS_LABELS.get(matter.status, matter.status),
        })
    return rows


def ledger_report() -> Report:
    return Report("changsha_matters", "重大项目“一事一议”台账", LEDGER_COLUMNS, ledger_rows)


def condition_findings(context: Any) -> list[WarningFinding]:
    """Decided matters whose conditions were found unmet (red) or are past due unchecked."""
    findings = []
    for matter in context.session.scalars(sa.select(Matter).where(
            Matter.status.in_(("tracking", "closed"))).order_by(Matter.id)).unique():
        unmet = [c for c in matter.conditions if c.met is False]
        late = [c for c in matter.conditions
                if c.met is None and c.due_on is not None and c.due_on < context.today]
        if unmet:
            findings.append(WarningFinding(
                "matter", matter.id, "red",
                f"“{matter.title}”的支持条件未落实：{listing([c.text for c in unmet])}",
                min(c.checked_on or context.today for c in unmet), matter.owner_unit_code))
        elif late:
            first = min(late, key=lambda c: c.due_on)
            findings.append(WarningFinding(
                "matter", matter.id, "overdue",
                f"“{matter.title}”有{len(late)}项支持条件已过期限未核查（最早 {first.due_on}）",
                first.due_on + dt.timedelta(days=1), matter.owner_unit_code))
    return findings


def warning_rules() -> list[WarningRule]:
    return [WarningRule("changsha_matter_conditions", "一事一议支持条件未落实", condition_findings)]
