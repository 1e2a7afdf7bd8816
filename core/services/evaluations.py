"""Evaluations: start one, assign reviewers, record scores and hard refusals, walk the steps.

Plain functions ``(session, city, obj, data, actor)``. Every change writes its
event (``evaluation.created``, ``reviewers_assigned``, ``scored``,
``step_completed``, ``decided``) in the caller's transaction. All input is
checked before anything is written, so bad input writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.evaluation_rules import (
    DECISIONS,
    SUBJECTS,
    Outcome,
    city_forms,
    form_from_rules,
    form_rules,
    level_of,
    outcome,
    step_label,
)
from core.events import record_event
from core.identity import Actor
from core.lifecycle import STAGE_LABELS, Stage
from core.models import (
    EnterpriseRating,
    Evaluation,
    EvaluationHardRefusal,
    EvaluationReviewer,
    EvaluationScore,
    EvaluationStep,
    Expert,
    Project,
)
from core.permissions import DECIDER, OFFICE, ensure_permission
from core.policy import EvaluationForm, FieldProblem, Refusal
from core.problems import Problem, invalid_input, refused
from core.services.lookups import unit_by_code
from core.time_order import business_date_problems, not_before

if TYPE_CHECKING:
    from core.city import City
    from core.models import Enterprise

# The city's own people, the office and its leaders (core.permissions.DECIDER).
CITY_ROLES = DECIDER.roles


# -- reading ------------------------------------------------------------------------


def evaluation_outcome(evaluation: Evaluation) -> Outcome:
    """What the evaluation's scores and ticked hard refusals add up to, under its own rules."""
    return outcome(form_from_rules(evaluation.rules),
                   [(s.dimension, s.score) for s in evaluation.scores],
                   [(t.code, t.note) for t in evaluation.hard_refusals])


def next_step(evaluation: Evaluation) -> str | None:
    """The step to complete next, or None once the evaluation is decided."""
    if evaluation.closed:
        return None
    done = {step.step for step in evaluation.steps}
    return next((step for step in evaluation.rules["steps"] if step not in done), None)


def latest_decided(
    session: Session, form_code: str, *, project_id: int | None = None,
    enterprise_id: int | None = None,
) -> Evaluation | None:
    """The most recently decided evaluation of a form on a project or an enterprise."""
    return _latest(session, form_code, project_id, enterprise_id, decided=True)


def _latest(session: Session, form_code: str, project_id: int | None,
            enterprise_id: int | None, decided: bool) -> Evaluation | None:
    query = sa.select(Evaluation).where(Evaluation.form_code == form_code)
    if project_id is not None:
        query = query.where(Evaluation.project_id == project_id)
    else:
        query = query.where(Evaluation.enterprise_id == enterprise_id)
    if decided:
        query = query.where(Evaluation.decision.is_not(None))
        query = query.order_by(Evaluation.decided_at.desc(), Evaluation.id.desc())
    else:
        query = query.order_by(Evaluation.id.desc())
    return session.scalars(query.limit(1)).first()


def gate_refusals(session: Session, form: EvaluationForm, project: Project,
                  target: str) -> list[Refusal]:
    """Why ``project`` may not enter ``target`` under ``form``; empty when it passed.

    The latest decided evaluation counts (a re-evaluation replaces an earlier
    verdict); an investor form is looked up on the project's enterprise.
    """
    keys: dict[str, Any] = ({"enterprise_id": project.enterprise_id}
                            if form.subject == "enterprise" else {"project_id": project.id})
    stage = STAGE_LABELS[Stage(target)]
    decided = latest_decided(session, form.code, **keys)
    if decided is not None:
        if decided.passed:
            return []
        return [Refusal(f["rule"], f["message"]) for f in decided.failures] or [
            Refusal(f"evaluation.{form.code}", f"《{form.name}》未通过，不能进入“{stage}”")]
    pending = _latest(session, form.code, keys.get("project_id"), keys.get("enterprise_id"),
                      decided=False)
    if pending is not None:
        return [Refusal(f"evaluation.{form.code}.pending",
                        f"《{form.name}》尚未作出决定（当前：{status_label(pending)}），"
                        f"不能进入“{stage}”")]
    whose = "投资方" if form.subject == "enterprise" else "项目"
    return [Refusal(f"evaluation.{form.code}.missing",
                    f"进入“{stage}”前，{whose}须通过《{form.name}》")]


def status_label(evaluation: Evaluation) -> str:
    """The Chinese name of where the evaluation stands (its last completed step)."""
    if evaluation.status == "created":
        return "已创建"
    return evaluation.rules["step_labels"].get(evaluation.status, evaluation.status)


# -- who may act ----------------------------------------------------------------------


def ensure_may_act(actor: Actor, level: str, project: Project | None) -> None:
    """City-level evaluations are run by the city; a county-level one also by its units' clerks."""
    if actor.role in CITY_ROLES:
        return
    if (level == "county" and project is not None and actor.role == "clerk"
            and actor.unit in {project.finding_unit.code, project.host_unit.code}):
        return
    raise Problem(403, "forbidden_role", "无权操作",
                  "市级评估由市招商部门组织；县级评估由项目所在单位或市招商部门组织")


def _ensure_open(evaluation: Evaluation) -> None:
    if evaluation.closed:
        raise refused([Refusal("evaluation.closed",
                               f"评估 {evaluation.id} 已作出决定，不能再修改")])


def _acting_on(session: Session, evaluation: Evaluation, actor: Actor) -> None:
    project = session.get(Project, evaluation.project_id) if evaluation.project_id else None
    ensure_may_act(actor, evaluation.level, project)


# -- starting and reviewers --------------------------------------------------------------


def form_for(city: City, code: str, subject: str) -> EvaluationForm:
    """The city's form ``code`` for this kind of subject, or a field problem on ``form``."""
    forms = city_forms(city)
    form = forms.get(code)
    if form is None:
        choices = "、".join(forms) or "（本市未配置评估表）"
        raise invalid_input([FieldProblem("form", "evaluation.form_unknown",
                                          f"评估表 {code} 不存在，可选：{choices}")])
    if form.subject != subject:
        raise invalid_input([FieldProblem(
            "form", "evaluation.form_subject",
            f"《{form.name}》用于评估{SUBJECTS[form.subject]}，不能用于{SUBJECTS[subject]}")])
    return form


def start_evaluation(
    session: Session,
    city: City,
    data: dict[str, Any],
    actor: Actor,
    *,
    project: Project | None = None,
    enterprise: Enterprise | None = None,
) -> Evaluation:
    """Open an evaluation of a project (or an investor) under the form ``data["form"]``.

    The level comes from the form's ``level_for``; one open evaluation per form
    and subject at a time (a new one may follow a decided one: re-evaluation).
    """
    subject = "project" if project is not None else "enterprise"
    form = form_for(city, data["form"], subject)
    level = level_of(form, project if project is not None else enterprise)
    ensure_may_act(actor, level, project)
    reviewers = _new_reviewers(session, data.get("reviewers") or [], set(), "reviewers", actor)
    project_id = project.id if project is not None else None
    enterprise_id = enterprise.id if enterprise is not None else None
    open_one = _latest(session, form.code, project_id, enterprise_id, decided=False)
    if open_one is not None and not open_one.closed:
        raise refused([Refusal("evaluation.open",
                               f"《{form.name}》已有进行中的评估（编号 {open_one.id}）")])
    evaluation = Evaluation(
        form_code=form.code, form_name=form.name, subject=subject, project_id=project_id,
        enterprise_id=enterprise_id, level=level, status="created", rules=form_rules(form),
        created_by=actor.user, reviewers=reviewers,
    )
    session.add(evaluation)
    session.flush()
    record_event(session, city, "evaluation", evaluation.id, "created",
                 _event_data(evaluation) | {"reviewers": [r.name for r in reviewers]})
    return evaluation


def assign_reviewers(
    session: Session, city: City, evaluation: Evaluation, data: dict[str, Any], actor: Actor
) -> list[EvaluationReviewer]:
    """Add reviewers (experts from the pool, units, named persons) to an open evaluation."""
    _acting_on(session, evaluation, actor)
    _ensure_open(evaluation)
    taken = {reviewer.name for reviewer in evaluation.reviewers}
    reviewers = _new_reviewers(session, data["reviewers"], taken, "reviewers", actor)
    evaluation.reviewers.extend(reviewers)
    session.flush()
    record_event(session, city, "evaluation", evaluation.id, "reviewers_assigned",
                 _event_data(evaluation) | {"reviewers": [
                     {"id": r.id, "kind": r.kind, "name": r.name, "role": r.role}
                     for r in reviewers]})
    return reviewers


def _new_reviewers(
    session: Session, items: list[dict[str, Any]], taken: set[str], field: str, actor: Actor
) -> list[EvaluationReviewer]:
    problems: list[FieldProblem] = []
    reviewers: list[EvaluationReviewer] = []
    names = set(taken)
    for index, item in enumerate(items):
        where = f"{field}.{index}"
        if item.get("expert_id") is not None:
            expert = session.get(Expert, item["expert_id"])
            if expert is None or not expert.active:
                problems.append(FieldProblem(f"{where}.expert_id", "expert.unknown",
                                             f"专家库中没有编号为 {item['expert_id']} 的在册专家"))
                continue
            reviewer = EvaluationReviewer(kind="expert", expert_id=expert.id,
                                          name=item.get("name") or expert.name)
        elif item.get("unit"):
            try:
                unit = unit_by_code(session, item["unit"], f"{where}.unit")
            except Problem as problem:
                problems.extend(problem.errors)
                continue
            reviewer = EvaluationReviewer(kind="unit", unit_id=unit.id,
                                          name=item.get("name") or unit.name)
        else:
            reviewer = EvaluationReviewer(kind="person", name=item["name"])
        if reviewer.name in names:
            problems.append(FieldProblem(f"{where}.name", "reviewer.duplicate",
                                         f"评审人 {reviewer.name} 已在本次评估中"))
            continue
        names.add(reviewer.name)
        reviewer.role = item.get("role")
        reviewer.assigned_by = actor.user
        reviewers.append(reviewer)
    if problems:
        raise invalid_input(problems)
    return reviewers


# -- scores and hard refusals --------------------------------------------------------------


def record_scores(
    session: Session, city: City, evaluation: Evaluation, data: dict[str, Any], actor: Actor
) -> Evaluation:
    """Record one reviewer's scores and tick (or untick) hard refusals.

    Dimension codes and hard-refusal codes must be the form's; a score lies in
    ``0..max_score``. Scoring a dimension again replaces that reviewer's score.
    """
    _acting_on(session, evaluation, actor)
    _ensure_open(evaluation)
    form = form_from_rules(evaluation.rules)
    problems = _score_problems(evaluation, form, data)
    if problems:
        raise invalid_input(problems)
    reviewer_id = data.get("reviewer_id")
    existing = {(s.reviewer_id, s.dimension): s for s in evaluation.scores}
    for item in data["scores"]:
        score = existing.get((reviewer_id, item["dimension"]))
        if score is None:
            evaluation.scores.append(EvaluationScore(
                reviewer_id=reviewer_id, dimension=item["dimension"], score=item["score"],
                note=item.get("note"), recorded_by=actor.user))
        else:
            score.score, score.note, score.recorded_by = item["score"], item.get("note"), actor.user
            score.recorded_at = utcnow()
    ticks = {t.code: t for t in evaluation.hard_refusals}
    for item in data["hard_refusals"]:
        if item["ticked"] and item["code"] not in ticks:
            evaluation.hard_refusals.append(EvaluationHardRefusal(
                code=item["code"], note=item["note"], ticked_by=actor.user))
        elif not item["ticked"] and item["code"] in ticks:
            evaluation.hard_refusals.remove(ticks[item["code"]])
    session.flush()
    current = evaluation_outcome(evaluation)
    record_event(session, city, "evaluation", evaluation.id, "scored", _event_data(evaluation) | {
        "reviewer_id": reviewer_id,
        "scores": [{"dimension": i["dimension"], "score": i["score"]} for i in data["scores"]],
        "hard_refusals": [{"code": i["code"], "ticked": i["ticked"], "note": i.get("note")}
                          for i in data["hard_refusals"]],
        "current_result": current.result, "current_passed": current.passed,
    })
    return evaluation


def _score_problems(evaluation: Evaluation, form: EvaluationForm,
                    data: dict[str, Any]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not data["scores"] and not data["hard_refusals"]:
        problems.append(FieldProblem("scores", "evaluation.nothing_to_record",
                                     "请填写评分或一票否决事项"))
    reviewer_ids = {reviewer.id for reviewer in evaluation.reviewers}
    if data["scores"]:
        if data.get("reviewer_id") is None:
            problems.append(FieldProblem("reviewer_id", "required", "评分须注明评审人"))
        elif data["reviewer_id"] not in reviewer_ids:
            problems.append(FieldProblem("reviewer_id", "evaluation.reviewer_unknown",
                                         f"评审人 {data['reviewer_id']} 未被指派参加本次评估"))
    dimensions = {d.code: d for d in form.dimensions}
    seen: set[str] = set()
    for index, item in enumerate(data["scores"]):
        dimension = dimensions.get(item["dimension"])
        if dimension is None:
            problems.append(FieldProblem(
                f"scores.{index}.dimension", "evaluation.dimension_unknown",
                f"评估维度 {item['dimension']} 不在《{form.name}》中，可选：{'、'.join(dimensions)}"))
            continue
        if dimension.code in seen:
            problems.append(FieldProblem(f"scores.{index}.dimension",
                                         "evaluation.dimension_repeated",
                                         f"维度“{dimension.name}”重复评分"))
        seen.add(dimension.code)
        if not 0 <= item["score"] <= dimension.max_score:
            problems.append(FieldProblem(
                f"scores.{index}.score", "evaluation.score_range",
                f"“{dimension.name}”的评分应在 0 到 {dimension.max_score} 之间"))
    codes = {h.code: h for h in form.hard_refusals}
    for index, item in enumerate(data["hard_refusals"]):
        if item["code"] not in codes:
            choices = "、".join(codes) or "（本评估表没有一票否决事项）"
            problems.append(FieldProblem(f"hard_refusals.{index}.code",
                                         "evaluation.hard_refusal_unknown",
                                         f"一票否决事项 {item['code']} 不存在，可选：{choices}"))
        elif item["ticked"] and not (item.get("note") or "").strip():
            problems.append(FieldProblem(f"hard_refusals.{index}.note", "required",
                                         f"勾选“{codes[item['code']].name}”须说明情况"))
    return problems


# -- steps and the decision ------------------------------------------------------------------


def complete_step(
    session: Session, city: City, evaluation: Evaluation, data: dict[str, Any], actor: Actor,
    *, recorded: bool = False,
) -> Evaluation:
    """Complete the next step of the workflow with an opinion.

    Steps go in the form's order. The last step must carry a decision
    (approved/rejected); ``rejected`` at an earlier step ends the evaluation
    there. An evaluation the scores fail cannot be approved: the 409 names why.
    """
    _acting_on(session, evaluation, actor)
    form = form_from_rules(evaluation.rules)
    step, decision = data["step"], data.get("decision")
    if step not in form.steps:
        raise invalid_input([FieldProblem("step", "evaluation.step_unknown",
                                          f"步骤 {step} 不在《{form.name}》的流程中，可选："
                                          f"{'、'.join(form.steps)}")])
    _ensure_open(evaluation)
    if step in form.step_rules and not recorded:  # a recorded one: ``record_decided``
        ensure_permission(form.step_rules[step], actor)
    expected = next_step(evaluation)
    if step != expected:
        done = {s.step for s in evaluation.steps}
        message = (f"“{step_label(form, step)}”已完成" if step in done else
                   f"须先完成“{step_label(form, expected or '')}”，"
                   f"不能直接进行“{step_label(form, step)}”")
        raise refused([Refusal("evaluation.step_order", message)])
    last = step == form.steps[-1]
    if decision == "rejected" or last:
        dated = decided_on_problems(session, city, evaluation, data.get("decided_on"), actor)
        if dated:
            raise invalid_input(dated)
    if last and decision is None:
        raise invalid_input([FieldProblem("decision", "evaluation.decision_required",
                                          f"“{step_label(form, step)}”须作出决定：通过或不通过")])
    current = evaluation_outcome(evaluation)
    if decision == "approved" and last:
        if current.missing:
            names = {d.code: d.name for d in form.dimensions}
            raise refused([Refusal("evaluation.incomplete", "以下维度尚无评分："
                                   + "、".join(names[c] for c in current.missing))])
        if not current.passed:
            raise refused(list(current.failures), f"《{form.name}》未达到通过条件，不能批准")
    evaluation.steps.append(EvaluationStep(step=step, opinion=data.get("opinion"),
                                           decision=decision, actor=actor.user, role=actor.role))
    evaluation.status = step
    session.flush()
    record_event(session, city, "evaluation", evaluation.id, "step_completed",
                 _event_data(evaluation) | {"step": step, "opinion": data.get("opinion"),
                                            "decision": decision, "actor": actor.user})
    if decision == "rejected" or last:
        _decide(session, city, evaluation, form, current, decision or "approved", data, actor)
    return evaluation


def _decide(session: Session, city: City, evaluation: Evaluation, form: EvaluationForm,
            current: Outcome, decision: str, data: dict[str, Any], actor: Actor) -> None:
    evaluation.decision = decision
    evaluation.decided_by = actor.user
    evaluation.decided_at = decided_instant(city, data.get("decided_on"))
    evaluation.result = current.result
    evaluation.rating = current.rating
    evaluation.passed = decision == "approved" and bool(current.passed)
    failures = list(current.failures)
    if not evaluation.passed and not failures:
        opinion = data.get("opinion") or DECISIONS["rejected"]
        failures = [Refusal(f"evaluation.{form.code}.rejected",
                            f"《{form.name}》经“{step_label(form, data['step'])}”未获通过：{opinion}")]
    evaluation.failures = [] if evaluation.passed else [f.as_dict() for f in failures]
    if evaluation.enterprise_id is not None and current.rating is not None:
        _keep_rating(session, evaluation, current.rating, current.result)
    session.flush()
    record_event(session, city, "evaluation", evaluation.id, "decided", _event_data(evaluation) | {
        "decision": decision, "result": evaluation.result, "passed": evaluation.passed,
        "rating": evaluation.rating, "failures": evaluation.failures,
        "decided_by": actor.user})


def decided_instant(city: City, on: dt.date | None) -> dt.datetime:
    """The stored instant of a decision made on ``on`` (now when none is given, or today):
    midday of that day on the city's clock, so its business date is ``on`` in any zone."""
    now = utcnow()
    if on is None or on >= city.clock.day_of(now):
        return now
    midday = dt.datetime.combine(on, dt.time(12), tzinfo=city.clock.zone)
    return midday.astimezone(dt.UTC)


def decided_on_problems(session: Session, city: City, evaluation: Evaluation,
                        on: dt.date | None, actor: Actor) -> list[FieldProblem]:
    """A past decision's date: a business date as any other (not ahead of today, not older
    than ``max_backdate_days`` unless the office enters it), and not before the decision it
    follows on the same form and subject (the latest decided one is the verdict that counts)."""
    if on is None:
        return []
    problems = business_date_problems(city, "decided_on", on, actor, "决定日期")
    earlier = latest_decided(session, evaluation.form_code, project_id=evaluation.project_id,
                             enterprise_id=evaluation.enterprise_id)
    if earlier is not None and earlier.id != evaluation.id and earlier.decided_at is not None:
        problem = not_before("decided_on", on, city.clock.day_of(earlier.decided_at),
                             label="决定日期", other_label=f"此前评估（编号 {earlier.id}）的决定日期")
        problems += [problem] if problem else []
    return problems


def _keep_rating(session: Session, evaluation: Evaluation, letter: str, score: Any) -> None:
    rating = session.scalar(sa.select(EnterpriseRating).where(
        EnterpriseRating.enterprise_id == evaluation.enterprise_id,
        EnterpriseRating.form_code == evaluation.form_code))
    if rating is None:
        rating = EnterpriseRating(enterprise_id=evaluation.enterprise_id,
                                  form_code=evaluation.form_code)
        session.add(rating)
    rating.rating = letter
    rating.score = score
    rating.evaluation_id = evaluation.id
    rating.rated_at = evaluation.decided_at or utcnow()


def record_decided(
    session: Session,
    city: City,
    data: dict[str, Any],
    actor: Actor,
    *,
    project: Project | None = None,
    enterprise: Enterprise | None = None,
) -> Evaluation:
    """A decided evaluation recorded in one go (a ledger's 评价记录 row): started, its evaluator
    assigned as a named reviewer, their ``scores`` ({dimension: score}) recorded, and every step
    of the form completed in order, the last with ``decision`` dated ``decided_on`` — each by the
    same functions as by hand, so their validation, levels and refusals apply. A step reserved
    to a role (``step_rules``) is completed by the office as the record of a decision taken
    elsewhere: only the office may enter such a record (补录, as for other old dates)."""
    form = form_for(city, data["form"], "project" if project is not None else "enterprise")
    reserved = [step for step in form.steps if step in form.step_rules]
    if reserved and actor.role not in OFFICE.roles:
        names = "、".join(step_label(form, step) for step in reserved)
        raise Problem(403, "forbidden_role", "无权操作",
                      f"《{form.name}》的“{names}”须由市招商部门补录")
    subject = Evaluation(form_code=form.code, project_id=getattr(project, "id", None),
                         enterprise_id=getattr(enterprise, "id", None))
    problems = decided_on_problems(session, city, subject, data["decided_on"], actor)
    if problems:
        raise invalid_input(problems)
    evaluation = start_evaluation(session, city, {"form": form.code, "reviewers": [
        {"name": data["evaluator"], "role": data.get("evaluator_role")}]}, actor,
        project=project, enterprise=enterprise)
    scores = [{"dimension": code, "score": score}
              for code, score in (data.get("scores") or {}).items()]
    if scores:
        record_scores(session, city, evaluation, {
            "reviewer_id": evaluation.reviewers[0].id, "scores": scores, "hard_refusals": []}, actor)
    for step in form.steps:
        last = step == form.steps[-1]
        complete_step(session, city, evaluation, {
            "step": step, "opinion": data.get("opinion") if last else None,
            "decision": data["decision"] if last else None,
            "decided_on": data["decided_on"]}, actor, recorded=True)
    return evaluation


def enterprise_ratings(session: Session, enterprise_id: int) -> list[EnterpriseRating]:
    """The investor's current ratings, one per rating form."""
    return list(session.scalars(sa.select(EnterpriseRating).where(
        EnterpriseRating.enterprise_id == enterprise_id).order_by(EnterpriseRating.form_code)))


def _event_data(evaluation: Evaluation) -> dict[str, Any]:
    return {"evaluation_id": evaluation.id, "form": evaluation.form_code,
            "form_name": evaluation.form_name, "subject": evaluation.subject,
            "project_id": evaluation.project_id, "enterprise_id": evaluation.enterprise_id,
            "level": evaluation.level, "status": evaluation.status}


# -- expert pool --------------------------------------------------------------------------------


def add_expert(session: Session, city: City, data: dict[str, Any], actor: Actor) -> Expert:
    """Add an expert to the city's pool (the office keeps it)."""
    if actor.role not in CITY_ROLES:
        raise Problem(403, "forbidden_role", "无权操作", "专家库由市招商部门维护")
    expert = Expert(**{key: data.get(key) for key in
                       ("name", "field", "organisation", "title", "contact")})
    session.add(expert)
    session.flush()
    record_event(session, city, "expert", expert.id, "added",
                 {"expert_id": expert.id, "name": expert.name, "field": expert.field,
                  "organisation": expert.organisation})
    return expert
