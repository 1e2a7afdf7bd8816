"""红黄蓝预警 red-yellow-blue warnings on list projects (五项机制 5, POLICIES.md § pingliang 3).

> 推行……清单项目“红黄蓝”预警……“五项机制”

The seed names the colours only; the thresholds are configuration (``[plugins.pingliang.
warnings]``), with POLICIES.md's defaults:

- **blue**: a list project (any open stage, the 132 reserve projects included) without a
  progress report for ``blue_after_days`` (30) days — replaces the core's ``no_progress`` for
  list projects; other projects keep the core's rule;
- **yellow**: a milestone overdue up to ``red_after_overdue_days`` (60) days, **red** beyond —
  replaces the core's ``milestone_overdue`` for list projects (other projects keep ``overdue``);
- **red**: arrival rate under ``red_arrival_rate`` (30%) once ``red_arrival_after_days`` (365)
  have passed since signing — rule ``pingliang_low_arrival``.

Rule 7's overdue 帮办代办 requests plug in here too (``agency.warning_rules``: rule
``pingliang_service_overdue``, level 超期, on the project, answerable by the service unit).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    STAGE_LABELS,
    WarningFinding,
    WarningRule,
    core_milestone_overdue,
    core_no_progress,
    last_activity,
    overdue_date,
    overdue_milestones,
    replanned_note,
)
from plugins.pingliang import agency
from plugins.pingliang.models import ListedProject
from plugins.pingliang.settings import settings

MILESTONE_LABELS = {"start": "开工", "completion": "竣工", "production": "投产"}
ONE_DAY = dt.timedelta(days=1)


def listed_ids(context: Any) -> set[int]:
    """Which projects are on the key list (only the subject's row in a scoped refresh): read
    once per recomputation for the three rules that grade list projects."""
    return context.once(("pingliang", "listed_ids"), lambda: _read_listed_ids(context))


def _read_listed_ids(context: Any) -> set[int]:
    query = sa.select(ListedProject.project_id)
    if context.subject is not None:
        if context.subject[0] != "project":
            return set()
        query = query.where(ListedProject.project_id == context.subject[1])
    return set(context.session.scalars(query))


def graded_milestones(context: Any) -> list[WarningFinding]:
    """``milestone_overdue``: yellow then red for list projects, the core's for the others."""
    config = settings(context.city)["warnings"]
    listed = listed_ids(context)
    findings = [finding for finding in core_milestone_overdue(context)
                if finding.subject_id not in listed]
    for project in context.projects():
        if project.id not in listed:
            continue
        late = overdue_milestones(project, context.today)
        if not late:
            continue
        first = late[0]
        # Judged against the agreed date; a late re-plan does not end the episode.
        due = overdue_date(first, context.today)
        days = (context.today - due).days
        red = days > config["red_after_overdue_days"]
        label = MILESTONE_LABELS.get(first.kind, first.kind)
        findings.append(WarningFinding(
            "project", project.id, "red" if red else "yellow",
            f"清单项目“{project.name}”计划{label}日期 {due} 已超期 {days} 天"
            f"（{'超过' if red else '未超过'} {config['red_after_overdue_days']} 天）"
            f"{replanned_note(first, context.today)}",
            due + dt.timedelta(days=config["red_after_overdue_days"] + 1) if red
            else due + ONE_DAY))
    return findings


def blue_no_progress(context: Any) -> list[WarningFinding]:
    """``no_progress``: blue for list projects after ``blue_after_days``; the core's otherwise."""
    days = settings(context.city)["warnings"]["blue_after_days"]
    listed = listed_ids(context)
    findings = [finding for finding in core_no_progress(context)
                if finding.subject_id not in listed]
    for project in context.projects():
        if project.id not in listed:
            continue
        last = last_activity(project, context.city.clock)
        if (context.today - last).days >= days:
            findings.append(WarningFinding(
                "project", project.id, "blue",
                f"清单项目“{project.name}”（{STAGE_LABELS[project.stage]}）自 {last} 起"
                f"已 {days} 天以上未报送进展", last + dt.timedelta(days=days)))
    return findings


def low_arrival(context: Any) -> list[WarningFinding]:
    """Red: a signed list project whose funds lag a year after signing."""
    config = settings(context.city)["warnings"]
    listed = listed_ids(context)
    findings = []
    for project in context.projects(["signed", "started", "completed"]):
        if project.id not in listed or project.signed_on is None or not project.amount:
            continue
        due = project.signed_on + dt.timedelta(days=config["red_arrival_after_days"])
        rate = project.arrived_amount / project.amount
        if context.today >= due and rate < config["red_arrival_rate"]:
            percent = (rate * 100).quantize(Decimal("0.1"))
            threshold = (config["red_arrival_rate"] * 100).normalize()
            findings.append(WarningFinding(
                "project", project.id, "red",
                f"清单项目“{project.name}”于 {project.signed_on} 签约，满 "
                f"{config['red_arrival_after_days']} 天资金到位率 {percent}%，低于 {threshold:f}%",
                due))
    return findings


def rules() -> list[WarningRule]:
    return [
        WarningRule("milestone_overdue", "项目节点超期（清单项目黄色/红色预警）", graded_milestones),
        WarningRule("no_progress", "长期未报送进展（清单项目蓝色预警）", blue_no_progress),
        WarningRule("pingliang_low_arrival", "签约满一年资金到位率过低（红色预警）", low_arrival),
        *agency.warning_rules(),
    ]
