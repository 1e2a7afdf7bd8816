"""Fulfilment (履约, Seed 六): the host unit evaluates a signed project and acts on the outcome.

* ``fulfilling`` 严格履约 — the agreed incentives are paid (兑现): which "1+N" policy, how much,
  when;
* ``reattraction`` 二次招商 — invested but below the agreement's economic terms: the project's
  status becomes ``reattraction`` and the office helps it find a partner;
* ``clearance`` 清退 — serious breach: the project moves to stage ``cleared``.

The outcome rests on the project's latest decided fulfilment evaluation (the core form
``ziyang_fulfilment``, scored by the host unit): a passed evaluation means fulfilling; a failed
one means re-attraction or clearance, whichever the host unit finds. Each outcome is a
:class:`~plugins.ziyang.models.FulfilmentResult` row with its event, and the project change goes
through the core's services (history and event included).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.toolkit import (
    Actor,
    City,
    Evaluation,
    FieldProblem,
    Project,
    ProjectStatus,
    Refusal,
    Stage,
    invalid_input,
    latest_decided_evaluation,
    record_event,
    refused,
    transition_project,
    update_project,
)
from plugins.ziyang.incentives import applicable_policies
from plugins.ziyang.models import FulfilmentResult
from plugins.ziyang.review import FULFILMENT

OUTCOMES = {"fulfilling": "严格履约，兑现优惠政策", "reattraction": "二次招商", "clearance": "清退"}
SIGNED_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED)


def outcome_problems(city: City, project: Project, data: dict[str, Any]) -> list[FieldProblem]:
    """What a fulfilling outcome needs: a "1+N" policy that applies, an amount, a date."""
    if data["outcome"] != "fulfilling":
        return []
    problems = []
    codes = [policy["code"] for policy in applicable_policies(city, project.industry)]
    if not data.get("incentive_policy"):
        problems.append(FieldProblem("incentive_policy", "fulfilment.policy_required",
                                     "严格履约的项目须写明兑现的优惠政策"))
    elif data["incentive_policy"] not in codes:
        problems.append(FieldProblem("incentive_policy", "fulfilment.policy_not_applicable",
                                     f"政策 {data['incentive_policy']} 不适用于本项目所属产业，"
                                     f"可选：{'、'.join(codes)}"))
    if data.get("incentive_amount") is None:
        problems.append(FieldProblem("incentive_amount", "fulfilment.amount_required",
                                     "严格履约的项目须写明兑现金额（万元）"))
    if data.get("paid_on") is None:
        problems.append(FieldProblem("paid_on", "fulfilment.paid_on_required", "须写明兑现日期"))
    return problems


def evaluation_refusals(evaluation: Evaluation | None, outcome: str) -> list[Refusal]:
    """An outcome must follow the evaluation: passed → fulfilling, failed → the other two."""
    if evaluation is None:
        return [Refusal("ziyang.fulfilment.no_evaluation",
                        "须先由载体单位完成《项目履约评估》并作出结论")]
    if evaluation.passed and outcome != "fulfilling":
        return [Refusal("ziyang.fulfilment.passed",
                        f"履约评估（编号 {evaluation.id}）结论为合格，应按严格履约兑现优惠政策")]
    if not evaluation.passed and outcome == "fulfilling":
        return [Refusal("ziyang.fulfilment.failed",
                        f"履约评估（编号 {evaluation.id}）未通过，不能按严格履约兑现优惠政策；"
                        "应开展二次招商或依约清退")]
    return []


def result_event_data(result: FulfilmentResult, project: Project) -> dict[str, Any]:
    return {"result_id": result.id, "project_id": project.id, "outcome": result.outcome,
            "evaluation_id": result.evaluation_id, "evaluated_on": result.evaluated_on,
            "evaluating_unit": result.evaluating_unit,
            "basis": result.basis, "incentive_policy": result.incentive_policy,
            "incentive_amount": result.incentive_amount, "paid_on": result.paid_on,
            "partner": result.partner, "stage": project.stage, "status": project.status}


def record_outcome(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> FulfilmentResult:
    """Record a fulfilment evaluation's outcome and carry it out on the project.

    Who may (the host unit's clerk, or the office) is the operation's rule,
    :data:`plugins.ziyang.access.HOST_UNIT`, enforced before this runs.
    """
    if project.stage not in SIGNED_STAGES:
        raise refused([Refusal("ziyang.fulfilment.not_signed",
                               "项目尚未签约（或已终止、清退），不能开展履约评估")])
    problems = outcome_problems(city, project, data)
    if problems:
        raise invalid_input(problems, status=422)
    outcome = data["outcome"]
    evaluation = latest_decided_evaluation(session, FULFILMENT, project_id=project.id)
    refusals = evaluation_refusals(evaluation, outcome)
    if refusals:
        raise refused(refusals, "不能登记履约评估结论")
    if outcome == "reattraction":
        update_project(session, city, project, {"status": ProjectStatus.REATTRACTION.value,
                                                "progress_note": f"履约评估：{data['basis']}",
                                                "progress_on": data["evaluated_on"]}, actor)
    elif outcome == "clearance":
        transition_project(session, city, project, {"target": Stage.CLEARED.value,
                                                    "occurred_on": data["evaluated_on"],
                                                    "reason": f"履约评估清退：{data['basis']}"},
                           actor)
    elif project.status == ProjectStatus.REATTRACTION:
        # A project brought back on track by 二次招商 is fulfilling again.
        update_project(session, city, project, {"status": ProjectStatus.ONGOING.value}, actor)
    result = FulfilmentResult(
        project_id=project.id, evaluated_on=data["evaluated_on"],
        evaluating_unit=project.host_unit.code, outcome=outcome, evaluation_id=evaluation.id,
        basis=data["basis"],
        incentive_policy=data.get("incentive_policy") if outcome == "fulfilling" else None,
        incentive_amount=data.get("incentive_amount") if outcome == "fulfilling" else None,
        paid_on=data.get("paid_on") if outcome == "fulfilling" else None,
        partner=data.get("partner") if outcome == "reattraction" else None,
        recorded_by=actor.user,
    )
    session.add(result)
    session.flush()
    record_event(session, city, "ziyang_project", project.id, "fulfilment_evaluated",
                 result_event_data(result, project))
    return result


def results_of(session: Session, project_id: int | None = None) -> list[FulfilmentResult]:
    query = sa.select(FulfilmentResult).order_by(FulfilmentResult.id)
    if project_id is not None:
        query = query.where(FulfilmentResult.project_id == project_id)
    return list(session.scalars(query))
