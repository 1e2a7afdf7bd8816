"""反向惩戒 discipline (Seed 三(四)21, POLICIES.md § sanming 9).

- A project that ends (``lost``) says why: ``attributes.reason_category`` is ``objective``
  (客观原因), ``non_objective`` (非客观原因) or ``moved_out`` (迁出三明). Non-objective losses
  and moves out open an accountability case (效能问责). A completed project that moves out is
  recorded as a case directly (the lifecycle has no exit after completion).
- False reporting (弄虚作假, found by the rolling evaluation) opens a case with 通报批评, or
  取消考评资格 when serious; who provided the data answers for it (谁提供、谁负责).
- The office decides each case's measure; until then the proposed one counts.
- Lagging units (成效落后) are listed for a summons (约谈): the bottom of the latest published
  assessment run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    FieldProblem,
    Project,
    Refusal,
    StageTransition,
    Unit,
    invalid_input,
    latest_published_run,
    ranking_end,
    record_event,
    refused,
)
from plugins.sanming.models import ACCOUNTABILITY_KINDS, MEASURES, AccountabilityCase
from plugins.sanming.settings import settings

REASON_CATEGORIES = {"objective": "客观原因", "non_objective": "非客观原因", "moved_out": "迁出三明"}
# Which case a lost project opens, by its reason category.
CASE_FOR_CATEGORY = {"non_objective": "non_objective_loss", "moved_out": "moved_out"}
REASON_FIELD = "attributes.reason_category"


def lost_fields(stage: str) -> list[str]:
    """The gate of ``lost``: every ended project says why."""
    return [REASON_FIELD] if stage == "lost" else []


def lost_refusals(project: Project, target: str) -> list[Refusal]:
    """Only a project that landed (signed) can move out of Sanming."""
    category = (project.attributes or {}).get("reason_category")
    if target == "lost" and category == "moved_out" and project.signed_on is None:
        return [Refusal("sanming.moved_out.not_landed",
                        "项目尚未签约落地，不能以“迁出三明”终止；未能落地请选择客观或非客观原因")]
    return []


def responsible_unit(project: Project, kind: str) -> Unit:
    """Who answers: the host for a move out or a false report (it reports the statistics,
    Seed 三(二)11), the finding unit for a project that failed to land."""
    return project.host_unit if kind in ("moved_out", "false_report") else project.finding_unit


def proposed_measure(city: Any, kind: str, serious: bool = False) -> str:
    if kind != "false_report":
        return "effectiveness_accountability"
    if serious and settings(city)["rolling_evaluation"]["serious_disqualifies"]:
        return "disqualification"
    return "criticism"


def case_event_data(case: AccountabilityCase) -> dict[str, Any]:
    return {"case_id": case.id, "kind": case.kind, "project_id": case.project_id,
            "unit": case.unit_code, "opened_on": case.opened_on, "detail": case.detail,
            "proposed_measure": case.proposed_measure, "measure": case.measure,
            "decided_on": case.decided_on}


def open_case(session: Any, city: Any, *, kind: str, unit: Unit, opened_on: dt.date,
              detail: str, actor: str, project: Project | None = None, serious: bool = False,
              rolling_check_id: int | None = None) -> AccountabilityCase:
    """Open an accountability case (and its event) in the caller's transaction."""
    case = AccountabilityCase(
        kind=kind, project_id=project.id if project else None, unit=unit, opened_on=opened_on,
        detail=detail, proposed_measure=proposed_measure(city, kind, serious),
        rolling_check_id=rolling_check_id, opened_by=actor)
    session.add(case)
    session.flush()
    record_event(session, city, "sanming_accountability", case.id, "opened",
                 case_event_data(case))
    return case


def after_lost(city: Any, project: Project, target: str, actor: str, session: Any) -> None:
    """``after_transition``: a non-objective loss or a move out opens a case."""
    if target != "lost":
        return
    category = (project.attributes or {}).get("reason_category")
    kind = CASE_FOR_CATEGORY.get(category or "")
    if kind is None:
        return
    # The transition row is in the session already; its reason is the user's own words.
    move = session.scalar(sa.select(StageTransition).where(
        StageTransition.project_id == project.id).order_by(StageTransition.id.desc()).limit(1))
    why = f"；{move.reason}" if move is not None and move.reason else ""
    open_case(session, city, kind=kind, unit=responsible_unit(project, kind),
              opened_on=project.lost_on or city.clock.today(), actor=actor, project=project,
              detail=f"项目“{project.name}”终止（{REASON_CATEGORIES[category]}）{why}")


def record_case(session: Any, city: Any, data: dict[str, Any], actor: Any) -> AccountabilityCase:
    """A case the office opens itself (e.g. a completed project that moved out)."""
    project = session.get(Project, data["project_id"])
    if project is None:
        raise invalid_input([FieldProblem("project_id", "project.unknown",
                                          f"项目 {data['project_id']} 不存在")])
    if data["kind"] == "moved_out" and project.signed_on is None:
        raise refused([Refusal("sanming.moved_out.not_landed", "项目尚未签约落地，不存在迁出")])
    return open_case(session, city, kind=data["kind"], unit=responsible_unit(project, data["kind"]),
                     opened_on=data["opened_on"], detail=data["detail"], actor=actor.user,
                     project=project, serious=data.get("serious", False))


def decide_case(session: Any, city: Any, case: AccountabilityCase, data: dict[str, Any],
                actor: Any) -> AccountabilityCase:
    """The office's decision on a case: the measure taken and why."""
    if case.measure is not None:
        raise refused([Refusal("sanming.case.decided",
                               f"案件已于 {case.decided_on} 决定（{MEASURES[case.measure]}）")])
    case.measure = data["measure"]
    case.decision_note = data.get("note")
    case.decided_by = actor.user
    case.decided_on = data["decided_on"]
    session.flush()
    record_event(session, city, "sanming_accountability", case.id, "decided",
                 case_event_data(case))
    return case


def cases(session: Any, kind: str | None = None, unit: str | None = None,
          start: dt.date | None = None, end: dt.date | None = None) -> list[AccountabilityCase]:
    query = sa.select(AccountabilityCase).order_by(AccountabilityCase.opened_on,
                                                   AccountabilityCase.id)
    if kind:
        query = query.where(AccountabilityCase.kind == kind)
    if unit:
        query = query.join(AccountabilityCase.unit).where(Unit.code == unit)
    if start:
        query = query.where(AccountabilityCase.opened_on >= start)
    if end:
        query = query.where(AccountabilityCase.opened_on <= end)
    return list(session.scalars(query))


def case_rows(found: list[AccountabilityCase]) -> list[dict[str, Any]]:
    """The accountability report (问责案件): one row per case."""
    return [{
        "case_id": case.id, "kind": ACCOUNTABILITY_KINDS[case.kind],
        "project": case.project.name if case.project else None, "unit": case.unit.name,
        "opened_on": case.opened_on, "detail": case.detail,
        "measure": MEASURES[case.effective_measure],
        "decided": "已决定" if case.measure else "待决定",
    } for case in found]


CASE_COLUMNS = (
    ("case_id", "案件编号"), ("kind", "类别"), ("project", "项目"), ("unit", "责任单位"),
    ("opened_on", "立案日期"), ("detail", "情况"), ("measure", "问责措施"), ("decided", "状态"),
)


def summons_rows(session: Any, city: Any, scheme: str | None = None) -> list[dict[str, Any]]:
    """约谈名单: the lowest-ranked units of the latest published run (of ``scheme``)."""
    run = latest_published_run(session, scheme)
    if run is None:
        return []
    bottom = settings(city)["assessment"]["summons_bottom"]
    return [{"unit": result.unit_code, "unit_name": result.unit_name, "rank": result.rank,
             "total": result.total, "run_id": run.id,
             "period": f"{run.scheme_name} {run.period_label}",
             "reason": f"招商引资成效落后（第 {result.rank} 名，后 {bottom} 位），由市领导小组指挥部约谈"}
            for result in reversed(ranking_end(run, bottom, "bottom"))]


SUMMONS_COLUMNS = (
    ("unit", "单位编码"), ("unit_name", "单位"), ("rank", "排名"), ("total", "得分"),
    ("period", "考核期"), ("reason", "约谈事由"),
)
