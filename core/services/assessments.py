"""Assessment runs: compute a frozen ranking, publish it, take objections, export it.

A run stores everything it used — the scheme (rules version = its year), each
unit's metric values, points, adjustments and rank — and is never recomputed:
running the same period again makes a new run, so a published ranking stays
what was published whatever happens to projects afterwards.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.assessments import (
    AssessmentContext,
    UnitScore,
    compute_metrics,
    exact,
    find_scheme,
    not_computed_summary,
    scheme_snapshot,
    score_units,
)
from core.clock import utcnow
from core.events import record_event
from core.identity import Actor
from core.models import (
    AssessmentAdjustment,
    AssessmentObjection,
    AssessmentResult,
    AssessmentRun,
    Unit,
)
from core.periods import PERIOD_KINDS, period_bounds
from core.policy import Adjustment, FieldProblem, NotComputable, Refusal
from core.problems import invalid_input, refused
from core.services.office import ensure_office, ensure_unit
from core.services.warnings import judge_deferred
from core.xlsx import table_workbook

if TYPE_CHECKING:
    from core.city import City

RUN_STATUS_LABELS = {"draft": "草稿", "published": "已公布", "superseded": "已被更正取代"}


def run_event_data(run: AssessmentRun) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "scheme_code": run.scheme_code,
        "scheme_name": run.scheme_name,
        "period_kind": run.period_kind,
        "period": run.period_label,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "rules_year": run.rules_year,
        "status": run.status,
        "published_on": run.published_on,
        "published_at": run.published_at,
        "published_by": run.published_by,
        "objection_deadline": run.objection_deadline,
        "supersedes_run_id": run.supersedes_run_id,
        "superseded_by_run_id": run.superseded_by_run_id,
        "superseded_at": run.superseded_at,
        "superseded_by": run.superseded_by,
        "supersession_reason": run.supersession_reason,
        "not_computed": list(run.not_computed or []),
        "ranking": [{"unit": r.unit_code, "rank": r.rank, "total": r.total} for r in run.results],
    }


def create_run(session: Session, city: City, data: dict[str, Any], actor: Actor,
               today: dt.date | None = None) -> AssessmentRun:
    """Compute scheme ``data["scheme"]`` over ``data["period"]`` and store it as a draft run."""
    ensure_office(actor, "进行考核")
    schemes = {s.code: s for s in city.call("assessment_schemes")}
    if data["scheme"] not in schemes:
        raise invalid_input([FieldProblem(
            "scheme", "scheme.unknown",
            f"考核方案 {data['scheme']} 不存在，可选：{', '.join(schemes) or '（本市未配置考核方案）'}")])
    kind = schemes[data["scheme"]].period
    try:
        start, end = period_bounds(kind, data["period"])
    except ValueError as exc:
        raise invalid_input([FieldProblem("period", "period.format", str(exc))]) from None
    scheme = find_scheme(city, data["scheme"], start.year)
    if scheme is None:
        raise invalid_input([FieldProblem("period", "scheme.no_version",
                                          f"考核方案 {data['scheme']} 没有适用于 {start.year} 年的版本")])
    # A city's adjustments may count warnings: those of writes whose judgement is held (the
    # demo, core.services.warnings.refreshes_deferred) are judged first.
    judge_deferred(session, city)
    units = list(session.scalars(sa.select(Unit).where(Unit.kind.in_(scheme.unit_kinds))
                                 .order_by(Unit.code)))
    context = AssessmentContext(session=session, city=city, scheme=scheme, start=start, end=end,
                                units=units, today=today or city.clock.today())
    try:
        metrics = compute_metrics(context)
    except KeyError as exc:
        raise invalid_input([FieldProblem("scheme", "scheme.unknown_metric",
                                          f"考核方案引用的指标无人计算：{exc.args[0]}")], 422) from None
    codes = set(context.unit_codes)
    items = [item for item in city.call("assessment_adjustments", context=context)
             if item.unit_code in codes
             or (isinstance(item, NotComputable) and item.unit_code is None)]
    adjustments = [item for item in items if isinstance(item, Adjustment)]
    scores = score_units(scheme, metrics, context.unit_codes, items, context.not_computed)
    run = AssessmentRun(
        scheme_code=scheme.code, scheme_name=scheme.name, period_kind=kind,
        period_label=data["period"].strip(), period_start=start, period_end=end,
        rules_year=scheme.year or start.year, scheme=scheme_snapshot(scheme), status="draft",
        computed_by=actor.user, not_computed=not_computed_summary(scores))
    session.add(run)
    session.flush()
    _store_results(session, run, units, scores, adjustments)
    session.refresh(run, ["results", "adjustments"])
    record_event(session, city, "assessment", run.id, "computed", run_event_data(run))
    return run


def _store_results(session: Session, run: AssessmentRun, units: list[Unit],
                   scores: list[UnitScore], adjustments: list[Adjustment]) -> None:
    """Write a run's results and adjustment items in bulk: one multi-row INSERT per table
    (``insertmanyvalues``) rather than one per unit — a city assesses hundreds of units."""
    units_by_code = {unit.code: unit for unit in units}
    results = []
    for position, score in enumerate(scores, start=1):
        unit = units_by_code[score.unit_code]
        results.append({
            "run_id": run.id, "unit_id": unit.id, "unit_code": unit.code,
            "unit_name": unit.name, "position": position, "rank": score.rank,
            "values": {k: format(v, "f") for k, v in score.values.items()},
            "points": {k: format(v, "f") for k, v in score.points.items()},
            "indicator_total": score.indicator_total,
            "adjustment_uncapped": score.adjustment_uncapped,
            "adjustment_total": score.adjustment_total, "total": score.total,
            "not_computed": score.not_computed})
    if results:
        session.execute(sa.insert(AssessmentResult), results)
    items = [{"run_id": run.id, "unit_code": item.unit_code, "points": exact(item.points),
              "reason": item.reason, "source": item.source, "exempted": item.exempted,
              "exemption_reason": item.exemption_reason, "approver": item.approver}
             for item in adjustments]
    if items:
        session.execute(sa.insert(AssessmentAdjustment), items)


def current_published_run(session: Session, scheme_code: str, start: dt.date,
                          end: dt.date) -> AssessmentRun | None:
    """The run currently published for a scheme and period (at most one), if any."""
    return session.scalar(sa.select(AssessmentRun).where(
        AssessmentRun.scheme_code == scheme_code, AssessmentRun.period_start == start,
        AssessmentRun.period_end == end, AssessmentRun.status == "published"))


def _not_computed_text(run: AssessmentRun) -> str:
    return "；".join(f"{item['name']}（{item['reason']}）" for item in run.not_computed)


def publish_run(session: Session, city: City, run: AssessmentRun, data: dict[str, Any],
                actor: Actor) -> AssessmentRun:
    """Publish a draft run, at the server's time, once its period is over.

    One published result per scheme and period: a run already published for them is
    superseded — only with a ``reason`` — and stays readable. A run with items not computed is
    published only with ``acknowledge_incomplete``. The objection window runs
    ``objection_window_days`` working days from the day of publication in the city's zone.
    """
    ensure_office(actor, "公布考核结果")
    if run.status == "published":
        raise refused([Refusal("assessment.published",
                               f"考核结果已于 {run.published_on} 公布，不能重复公布；如需更正请重新考核")],
                      "不能公布")
    if run.status == "superseded":
        raise refused([Refusal("assessment.superseded",
                               f"该考核结果已被第 {run.superseded_by_run_id} 号考核取代，不能再次公布")],
                      "不能公布")
    today = city.clock.today()
    if run.period_end >= today:
        raise refused([Refusal("assessment.period_not_ended",
                               f"考核期 {run.period_label} 至 {run.period_end} 结束，"
                               f"考核期结束后（{run.period_end + dt.timedelta(days=1)} 起）方可公布")],
                      "不能公布")
    refusals = []
    if run.not_computed and not data.get("acknowledge_incomplete"):
        refusals.append(Refusal("assessment.not_computable",
                                f"以下考核项目无法计算：{_not_computed_text(run)}；"
                                "确认按不完整结果公布的，请勾选“确认公布不完整的结果”"))
    previous = current_published_run(session, run.scheme_code, run.period_start, run.period_end)
    reason = (data.get("reason") or "").strip()
    if previous is not None and not reason:
        refusals.append(Refusal("assessment.already_published",
                                f"{run.scheme_name}{run.period_label} 已于 {previous.published_on} "
                                f"公布第 {previous.id} 号考核结果；如需更正，请说明理由后重新公布"
                                "（原结果将标记为已被取代）"))
    if refusals:
        raise refused(refusals, "不能公布")
    now = utcnow()
    if previous is not None:
        previous.status = "superseded"
        previous.superseded_by_run_id = run.id
        previous.superseded_at = now
        previous.superseded_by = actor.user
        previous.supersession_reason = reason
        run.supersedes_run_id = previous.id
        session.flush()  # the previous one leaves "published" before this one enters it
    run.status = "published"
    run.published_at = now
    run.published_on = city.clock.day_of(now)
    run.published_by = actor.user
    run.objection_deadline = city.calendar.add_workdays(
        run.published_on, city.policy["objection_window_days"])
    session.flush()
    if previous is not None:
        record_event(session, city, "assessment", previous.id, "superseded",
                     run_event_data(previous))
    record_event(session, city, "assessment", run.id, "published",
                 run_event_data(run) | {"acknowledged_incomplete": bool(run.not_computed)})
    return run


def objection_event_data(objection: AssessmentObjection) -> dict[str, Any]:
    return {"objection_id": objection.id, "run_id": objection.run_id,
            "unit": objection.unit_code, "text": objection.text, "filed_on": objection.filed_on,
            "filed_by": objection.filed_by, "status": objection.status,
            "answer": objection.answer, "answered_by": objection.answered_by}


def file_objection(session: Session, city: City, run: AssessmentRun, data: dict[str, Any],
                   actor: Actor, today: dt.date | None = None) -> AssessmentObjection:
    """A unit disputes its result; only on a published run, only within the window."""
    today = today or city.clock.today()
    unit_codes = {result.unit_code for result in run.results}
    if data["unit"] not in unit_codes:
        raise invalid_input([FieldProblem("unit", "objection.unit_not_assessed",
                                          f"单位 {data['unit']} 不在本次考核范围内")])
    ensure_unit(session, actor, [data["unit"]])
    if run.status == "superseded":
        raise refused([Refusal("objection.superseded",
                               f"该考核结果已于 {city.clock.day_of(run.superseded_at)} 被第 "
                               f"{run.superseded_by_run_id} 号考核更正取代，请对现行结果提出异议")],
                      "不能提出异议")
    if run.status != "published":
        raise refused([Refusal("objection.not_published", "考核结果尚未公布，不能提出异议")],
                      "不能提出异议")
    if today > run.objection_deadline:
        raise refused([Refusal("objection.window_closed",
                               f"异议期已于 {run.objection_deadline} 截止（{run.published_on} 公布后 "
                               f"{city.policy['objection_window_days']} 个工作日内可提出异议）")],
                      "不能提出异议")
    objection = AssessmentObjection(run_id=run.id, unit_code=data["unit"], text=data["text"],
                                    filed_on=today, filed_by=actor.user, status="open")
    session.add(objection)
    session.flush()
    record_event(session, city, "assessment", run.id, "objection_filed",
                 objection_event_data(objection))
    return objection


def answer_objection(session: Session, city: City, objection: AssessmentObjection,
                     data: dict[str, Any], actor: Actor) -> AssessmentObjection:
    """The office answers an objection once."""
    ensure_office(actor, "答复考核异议")
    if objection.status == "answered":
        raise refused([Refusal("objection.answered",
                               f"该异议已由 {objection.answered_by} 答复，不能重复答复")], "不能答复")
    objection.answer = data["answer"]
    objection.answered_by = actor.user
    objection.answered_at = utcnow()
    objection.status = "answered"
    session.flush()
    record_event(session, city, "assessment", objection.run_id, "objection_answered",
                 objection_event_data(objection))
    return objection


def ranking_rows(run: AssessmentRun) -> list[dict[str, Any]]:
    """The run's ranking: each unit with its values, points, adjustment items and total."""
    items: dict[str, list[AssessmentAdjustment]] = {}
    for item in run.adjustments:
        items.setdefault(item.unit_code, []).append(item)
    return [{
        "rank": result.rank,
        "unit": result.unit_code,
        "unit_name": result.unit_name,
        "values": result.values,
        "points": result.points,
        "indicator_total": result.indicator_total,
        "adjustment_uncapped": result.adjustment_uncapped,
        "adjustment_total": result.adjustment_total,
        "total": result.total,
        "adjustments": items.get(result.unit_code, []),
        "complete": not result.not_computed,
        "items": [{"code": indicator["code"], "name": indicator["name"],
                   "points": result.points.get(indicator["code"]),
                   "computable": indicator["code"] not in result.not_computed,
                   "reason": (result.not_computed.get(indicator["code"]) or {}).get("reason")}
                  for indicator in run.scheme["indicators"]]
        + [{"code": code, "name": entry["name"], "points": None, "computable": False,
            "reason": entry["reason"]} for code, entry in result.not_computed.items()
           if code not in {indicator["code"] for indicator in run.scheme["indicators"]}],
    } for result in run.results]


def latest_published_run(session: Session, scheme_code: str | None = None,
                         ending_from: dt.date | None = None,
                         ending_to: dt.date | None = None) -> AssessmentRun | None:
    """The published run (of ``scheme_code``) with the latest period end, within the bounds."""
    query = sa.select(AssessmentRun).where(AssessmentRun.status == "published")
    if scheme_code is not None:
        query = query.where(AssessmentRun.scheme_code == scheme_code)
    if ending_from is not None:
        query = query.where(AssessmentRun.period_end >= ending_from)
    if ending_to is not None:
        query = query.where(AssessmentRun.period_end <= ending_to)
    return session.scalar(query.order_by(AssessmentRun.period_end.desc(),
                                         AssessmentRun.id.desc()).limit(1))


def ranking_end(run: AssessmentRun, count: int, end: str) -> list[AssessmentResult]:
    """The ``count`` units at the ``top`` or ``bottom`` of a run's ranking, best first.

    Units tied with the last one taken share its rank, so they are taken too: a commendation
    or a summons never depends on the order ties happen to be listed in.
    """
    ordered = sorted(run.results, key=lambda result: result.position)
    if count <= 0 or not ordered:
        return []
    if end == "top":
        boundary = ordered[min(count, len(ordered)) - 1].rank
        return [result for result in ordered if result.rank <= boundary]
    if end == "bottom":
        boundary = ordered[-min(count, len(ordered))].rank
        return [result for result in ordered if result.rank >= boundary]
    raise ValueError(f"end must be top or bottom, not {end!r}")


def names_of(run: AssessmentRun) -> dict[str, str]:
    return {result.unit_code: result.unit_name for result in run.results}


def export_run(run: AssessmentRun) -> bytes:
    """The ranking as ``.xlsx``: 排名, 单位, each indicator, 加减分, 总分."""
    indicators = run.scheme["indicators"]
    headings = ["排名", "单位", *[i["name"] for i in indicators], "加减分", "总分"]
    rows = [[result.rank, result.unit_name,
             *[Decimal(result.points[i["code"]]) if i["code"] in result.points else "无法计算"
               for i in indicators],
             result.adjustment_total, result.total] for result in run.results]
    notes = [("考核方案", run.scheme_name),
             ("考核期", f"{run.period_label}（{PERIOD_KINDS[run.period_kind]}）"),
             ("起止日期", f"{run.period_start} 至 {run.period_end}"),
             ("规则版本", f"{run.rules_year} 年"), ("状态", RUN_STATUS_LABELS[run.status]),
             ("公布日期", run.published_on), ("异议截止", run.objection_deadline),
             ("计算时间", run.computed_at)]
    if run.status == "superseded":
        notes.append(("已被取代", f"被第 {run.superseded_by_run_id} 号考核取代（{run.superseded_by}，"
                                 f"{run.superseded_at}）：{run.supersession_reason}"))
    if run.supersedes_run_id:
        notes.append(("取代", f"第 {run.supersedes_run_id} 号考核"))
    for item in run.not_computed:
        units = "、".join(names_of(run).get(code, code) for code in item["units"])
        notes.append((f"无法计算：{item['name']}", f"{item['reason']}（{units}）"))
    names = names_of(run)
    for item in run.adjustments:
        counted = (f"免责不计（{item.exemption_reason or '未注明理由'}，批准人：{item.approver or '未注明'}）"
                   if item.exempted else "计入")
        notes.append((f"加减分：{names.get(item.unit_code, item.unit_code)}",
                      f"{item.points:+} 分，{item.reason}（来源：{item.source}），{counted}"))
    return table_workbook(f"{run.scheme_name}{run.period_label}", headings, rows, notes)
