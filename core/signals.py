"""Anti-gaming signals the office sees: patterns that suggest figures are being dressed up.

- **突击上报** (period-end rush): a unit whose leads, signings and arrived funds fall
  disproportionately in the last ``policy.period_end_rush_days`` days of each month.
  The dates used are the ones that count in the month's figures (lead report
  date, signing date, arrival date). A unit is shown when at least
  :data:`RUSH_MIN_ENTRIES` of its entries fall in those days and their share is at
  least :data:`RUSH_SHARE_FACTOR` times what an even spread would give (and at
  least :data:`RUSH_SHARE_FLOOR`).
- **倒签** (back-dating): a stage transition whose date is more than ``backdate_days``
  before it was recorded, a lead whose report date is that far before it was
  entered, or a tranche of funds reported that long after its arrival date (``kind``
  ``transition``, ``lead``, ``funds``); and every stage date the office corrected
  (``date_correction``, with the dates before and after and the reason).
- **节点调整** (re-planning, ``replanning``): a milestone's agreed date moved or asked to be
  moved, with the original, replaced and new dates, the reason and who approved; ``late``
  when approved after the replaced date had passed (the overdue episode still counts).
- **重复报送** (the same investor reported by two units): an enterprise with leads or
  projects from more than one unit, the earliest being the first reporter
  (首报/首招负责).

Signals are observations for a person to look at, not verdicts: nothing is
changed, and nothing here feeds an assessment unless a city's adjustments use it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.lifecycle import STAGE_LABELS, Stage
from core.models import Enterprise, FundTranche, Lead, Project, StageTransition, Unit
from core.periods import month_end, months_between

if TYPE_CHECKING:
    from core.city import City

RUSH_MIN_ENTRIES = 3
RUSH_SHARE_FACTOR = Decimal(3)
RUSH_SHARE_FLOOR = Decimal("0.4")
DEFAULT_BACKDATE_DAYS = 7
SHARE_PLACES = Decimal("0.0001")
ENTRY_KINDS = {"leads": "报送线索", "signings": "签约项目", "funds": "到位资金"}


def in_rush(day: dt.date, rush_days: int) -> bool:
    """Whether ``day`` is among the last ``rush_days`` days of its month."""
    return day > month_end(day.year, day.month) - dt.timedelta(days=rush_days)


def expected_rush_share(start: dt.date, end: dt.date, rush_days: int) -> Decimal:
    """The share of days in ``start``–``end`` that are month-end rush days."""
    total = rush = 0
    for year, month in months_between(start, end):
        first = max(start, dt.date(year, month, 1))
        last = min(end, month_end(year, month))
        days = (last - first).days + 1
        total += days
        rush += sum(1 for offset in range(days) if in_rush(first + dt.timedelta(days=offset),
                                                            rush_days))
    return Decimal(rush) / Decimal(total) if total else Decimal(0)


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, ROUND_HALF_UP)


def rush_signals(session: Session, city: City, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Units whose entries crowd into the last days of the months (突击上报)."""
    rush_days = city.policy["period_end_rush_days"]
    entries: dict[str, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    for unit_code, day in session.execute(
            sa.select(Unit.code, Lead.reported_on).select_from(Lead)
            .join(Unit, Lead.reporting_unit_id == Unit.id)
            .where(Lead.reported_on.between(start, end))):
        entries[unit_code]["leads"].append(day)
    for unit_code, day in session.execute(
            sa.select(Unit.code, Project.signed_on).select_from(Project)
            .join(Unit, Project.host_unit_id == Unit.id)
            .where(Project.signed_on.between(start, end))):
        entries[unit_code]["signings"].append(day)
    for unit_code, day in session.execute(
            sa.select(Unit.code, FundTranche.arrived_on).select_from(FundTranche)
            .join(Project, FundTranche.project_id == Project.id)
            .join(Unit, Project.host_unit_id == Unit.id)
            .where(FundTranche.arrived_on.between(start, end),
                   FundTranche.verification != "rejected")):
        entries[unit_code]["funds"].append(day)
    expected = expected_rush_share(start, end, rush_days)
    threshold = max(RUSH_SHARE_FLOOR, RUSH_SHARE_FACTOR * expected)
    names = dict(session.execute(sa.select(Unit.code, Unit.name)).all())
    signals = []
    for unit_code in sorted(entries):
        kinds = entries[unit_code]
        total = sum(len(days) for days in kinds.values())
        rush = sum(1 for days in kinds.values() for day in days if in_rush(day, rush_days))
        share = _share(rush, total)
        if rush < RUSH_MIN_ENTRIES or share < threshold:
            continue
        signals.append({
            "unit": unit_code, "unit_name": names.get(unit_code, unit_code),
            "entries": total, "rush_entries": rush, "share": share,
            "expected_share": expected.quantize(SHARE_PLACES, ROUND_HALF_UP),
            "by_kind": {kind: {"label": label, "entries": len(kinds.get(kind, [])),
                               "rush_entries": sum(1 for d in kinds.get(kind, [])
                                                   if in_rush(d, rush_days))}
                        for kind, label in ENTRY_KINDS.items()},
            "message": f"{names.get(unit_code, unit_code)}在每月最后 {rush_days} 天录入 {rush} 条，"
                       f"占其 {total} 条的 {share:.0%}（均匀分布约 {expected:.0%}），疑似突击上报",
        })
    return signals


def _day_bounds(clock: Clock, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants of the city's days ``start`` to ``end``: its midnight, not UTC's."""
    return (dt.datetime.combine(start, dt.time.min, clock.zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, clock.zone))


def backdating_signals(session: Session, clock: Clock, start: dt.date, end: dt.date,
                       days: int = DEFAULT_BACKDATE_DAYS) -> list[dict[str, Any]]:
    """Stage changes and leads dated in the range but recorded more than ``days`` later.

    The range applies to the date written on the record — the one that decides which
    period it counts in — so reviewing March shows what was dated March after the fact.
    """
    signals = []
    transitions = session.execute(
        sa.select(StageTransition, Project).join(Project, StageTransition.project_id == Project.id)
        .where(StageTransition.occurred_on.between(start, end)).order_by(StageTransition.id))
    for transition, project in transitions:
        recorded_on = clock.day_of(transition.recorded_at)
        lag = (recorded_on - transition.occurred_on).days
        if lag > days:
            stage = STAGE_LABELS[Stage(transition.to_stage)]
            signals.append({
                "kind": "transition", "subject_type": "project", "subject_id": project.id,
                "name": project.name, "unit": project.host_unit.code, "actor": transition.actor,
                "what": stage, "dated_on": transition.occurred_on, "recorded_on": recorded_on,
                "days": lag,
                "message": f"项目“{project.name}”于 {recorded_on} 录入“{stage}”，"
                           f"日期却填为 {transition.occurred_on}，早 {lag} 天",
            })
    leads = session.scalars(sa.select(Lead).where(Lead.reported_on.between(start, end))
                            .order_by(Lead.id))
    for lead in leads:
        recorded_on = clock.day_of(lead.created_at)
        lag = (recorded_on - lead.reported_on).days
        if lag > days:
            signals.append({
                "kind": "lead", "subject_type": "lead", "subject_id": lead.id,
                "name": lead.title, "unit": lead.reporting_unit_code, "actor": lead.reported_by,
                "what": "报送线索", "dated_on": lead.reported_on, "recorded_on": recorded_on,
                "days": lag,
                "message": f"线索“{lead.title}”于 {recorded_on} 录入，报送日期却填为 "
                           f"{lead.reported_on}，早 {lag} 天",
            })
    funds = session.execute(
        sa.select(FundTranche, Project).join(Project, FundTranche.project_id == Project.id)
        .where(FundTranche.arrived_on.between(start, end), FundTranche.reported_at.is_not(None))
        .order_by(FundTranche.id))
    for tranche, project in funds:
        recorded_on = clock.day_of(tranche.reported_at)
        lag = (recorded_on - tranche.arrived_on).days
        if lag > days:
            signals.append({
                "kind": "funds", "subject_type": "project", "subject_id": project.id,
                "name": project.name, "unit": project.host_unit.code,
                "actor": tranche.reported_by, "what": "到位资金", "tranche_id": tranche.id,
                "dated_on": tranche.arrived_on, "recorded_on": recorded_on, "days": lag,
                "message": f"项目“{project.name}”于 {recorded_on} 填报到位资金 {tranche.amount} 万元，"
                           f"到位日期却填为 {tranche.arrived_on}，早 {lag} 天",
            })
    return signals


def date_correction_signals(session: Session, clock: Clock, start: dt.date, end: dt.date
                            ) -> list[dict[str, Any]]:
    """Stage dates the office corrected (更正阶段日期), made in the range or moving a date into
    it: each with the record, the dates before and after, who and why."""
    from core.models import ProjectChange
    from core.time_order import STAGE_DATE_LABELS

    signals = []
    rows = session.execute(
        sa.select(ProjectChange, Project).join(Project, ProjectChange.project_id == Project.id)
        .where(ProjectChange.action == "date_corrected").order_by(ProjectChange.id))
    for change, project in rows:
        recorded_on = clock.day_of(change.recorded_at)
        field = next(key for key in change.changes if key != "reason")
        before, after = (dt.date.fromisoformat(str(day)) for day in change.changes[field])
        if not (start <= recorded_on <= end or start <= after <= end or start <= before <= end):
            continue
        label = STAGE_DATE_LABELS.get(field, field)
        reason = change.changes.get("reason", [None, None])[1]
        signals.append({
            "kind": "date_correction", "subject_type": "project", "subject_id": project.id,
            "name": project.name, "unit": project.host_unit.code, "actor": change.actor,
            "what": label, "field": field, "dated_on": after, "before": before,
            "recorded_on": recorded_on, "days": (before - after).days, "reason": reason,
            "message": f"项目“{project.name}”的{label}于 {recorded_on} 由 {before} 更正为 {after}"
                       f"（原因：{reason}）",
        })
    return signals


def duplicate_enterprise_signals(session: Session, clock: Clock, start: dt.date, end: dt.date
                                 ) -> list[dict[str, Any]]:
    """Investors reported by more than one unit, with at least one report in the range."""
    low, high = _day_bounds(clock, start, end)
    reports: dict[int, list[dict[str, Any]]] = defaultdict(list)
    active: set[int] = set()
    for lead in session.scalars(sa.select(Lead).order_by(Lead.id)):
        reports[lead.enterprise_id].append({"kind": "lead", "id": lead.id,
                                            "unit": lead.reporting_unit_code,
                                            "on": lead.reported_on})
        if start <= lead.reported_on <= end:
            active.add(lead.enterprise_id)
    for project in session.scalars(sa.select(Project).order_by(Project.id)):
        if project.lead_id is not None:
            continue  # already counted as the lead it came from
        reports[project.enterprise_id].append({"kind": "project", "id": project.id,
                                               "unit": project.finding_unit_code,
                                               "on": clock.day_of(project.created_at)})
        if low <= _aware(project.created_at) < high:
            active.add(project.enterprise_id)
    names = dict(session.execute(sa.select(Unit.code, Unit.name)).all())
    signals = []
    for enterprise_id in sorted(active):
        items = sorted(reports[enterprise_id], key=lambda item: (item["on"], item["id"]))
        units = list(dict.fromkeys(item["unit"] for item in items))
        if len(units) < 2:
            continue
        enterprise = session.get(Enterprise, enterprise_id)
        first = items[0]
        signals.append({
            "enterprise_id": enterprise_id, "enterprise": enterprise.name,
            "credit_code": enterprise.credit_code, "units": units,
            "first_unit": first["unit"], "first_on": first["on"],
            "reports": items,
            "message": f"“{enterprise.name}”被 {len(units)} 个单位报送："
                       f"{'、'.join(names.get(u, u) for u in units)}；"
                       f"最早由{names.get(first['unit'], first['unit'])}于 {first['on']} 报送",
        })
    return signals


def replanning_signals(session: Session, clock: Clock, start: dt.date, end: dt.date
                       ) -> list[dict[str, Any]]:
    """Milestone re-plans (节点调整) requested or decided in the range: each with the project,
    the milestone, its original, replaced and new dates, the reason, its state and who
    decided; ``late`` when approved after the replaced date had already passed."""
    from core.models import MilestoneReplan
    from core.schemas.projects import MILESTONE_KINDS

    low, high = _day_bounds(clock, start, end)
    signals = []
    rows = session.execute(
        sa.select(MilestoneReplan, Project).join(Project, MilestoneReplan.project_id == Project.id)
        .order_by(MilestoneReplan.id))
    for replan, project in rows:
        moments = [_aware(replan.requested_at)] + (
            [_aware(replan.decided_at)] if replan.decided_at is not None else [])
        if not any(low <= moment < high for moment in moments):
            continue
        label = MILESTONE_KINDS.get(replan.kind, replan.kind)
        state = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}[replan.status]
        late = "（批准时原约定日期已过，超期照计）" if replan.status == "approved" and replan.late else ""
        signals.append({
            "kind": "replan", "subject_type": "project", "subject_id": project.id,
            "name": project.name, "unit": project.host_unit.code, "replan_id": replan.id,
            "milestone": replan.kind, "what": f"计划{label}日期",
            "original_planned_on": replan.milestone.original_planned_on,
            "previous_on": replan.previous_on, "planned_on": replan.planned_on,
            "reason": replan.reason, "status": replan.status,
            "requested_by": replan.requested_by,
            "requested_on": clock.day_of(replan.requested_at),
            "decided_by": replan.decided_by, "decided_on": replan.decided_on,
            "decision_reason": replan.decision_reason, "late": replan.late,
            "message": f"项目“{project.name}”计划{label}日期由 {replan.previous_on} 调整为 "
                       f"{replan.planned_on}（最初约定 {replan.milestone.original_planned_on}；"
                       f"理由：{replan.reason}）{state}"
                       + (f"，审批人 {replan.decided_by}" if replan.decided_by else "") + late,
        })
    return signals


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def compute_signals(session: Session, city: City, start: dt.date, end: dt.date,
                    backdate_days: int | None = None) -> dict[str, Any]:
    """All three signals over ``start``–``end``."""
    return {
        "rush": rush_signals(session, city, start, end),
        "backdating": backdating_signals(session, city.clock, start, end, city.policy[
            "backdate_days"] if backdate_days is None else backdate_days)
        + date_correction_signals(session, city.clock, start, end),
        "duplicate_enterprises": duplicate_enterprise_signals(session, city.clock, start, end),
        "replanning": replanning_signals(session, city.clock, start, end),
    }
