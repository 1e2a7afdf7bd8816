"""``/api/v1``: evaluation forms, evaluations of projects and investors, the expert pool."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, jsonify
from marshmallow import Schema

from core.api.record_units import EVALUATION, PROJECT, evaluation_units, project_units
from core.api.registry import operation
from core.api.support import (
    city,
    current_actor,
    load_body,
    load_query,
    paginate,
    respond,
    transaction,
)
from core.evaluation_rules import city_forms, form_rules
from core.input_rules import contains
from core.models import Enterprise, Evaluation, Expert, Project
from core.permissions import OFFICE, OWN_UNIT, READER, REVIEWER
from core.schemas.evaluations import (
    EnterpriseRatingSchema,
    EvaluationCreate,
    EvaluationFormSchema,
    EvaluationQuery,
    EvaluationSchema,
    ExpertCreate,
    ExpertQuery,
    ExpertSchema,
    ReviewersAssign,
    ScoresRecord,
    StepComplete,
)
from core.services import evaluations as evaluation_service
from core.services.lookups import get_or_404

blueprint = Blueprint("evaluations", __name__)


@operation(blueprint, "/evaluation-forms", summary="本市评估表（维度、权重、一票否决、流程）",
           response=EvaluationFormSchema, many=True, who=READER)
def list_forms():
    forms = city_forms(city()).values()
    return jsonify(EvaluationFormSchema(many=True).dump([form_rules(form) for form in forms]))


def _list(model: type[Project] | type[Enterprise], subject_id: int):
    """A project's or an investor's evaluations, oldest first, optionally of one form."""
    params = load_query(EvaluationQuery)
    column = Evaluation.project_id if model is Project else Evaluation.enterprise_id
    with transaction() as session:
        get_or_404(session, model, subject_id)
        query = sa.select(Evaluation).where(column == subject_id)
        if params.get("form"):
            query = query.where(Evaluation.form_code == params["form"])
        rows = session.scalars(query.order_by(Evaluation.id)).all()
        return jsonify(EvaluationSchema(many=True).dump(rows))


def _start(model: type[Project] | type[Enterprise], subject_id: int):
    data = load_body(EvaluationCreate)
    with transaction() as session:
        subject = get_or_404(session, model, subject_id)
        key = "project" if model is Project else "enterprise"
        evaluation = evaluation_service.start_evaluation(session, city(), data, current_actor(),
                                                         **{key: subject})
        return respond(EvaluationSchema, evaluation, 201)


def _act(body: type[Schema], evaluation_id: int, action: Callable[..., object]):
    """Load ``body``, apply ``action`` to the evaluation, answer with the evaluation."""
    data = load_body(body)
    with transaction() as session:
        evaluation = get_or_404(session, Evaluation, evaluation_id)
        action(session, city(), evaluation, data, current_actor())
        return respond(EvaluationSchema, evaluation)


@operation(blueprint, "/projects/<int:project_id>/evaluations", "POST", summary="发起项目评估",
           body=EvaluationCreate, response=EvaluationSchema, status=201,
           errors=(400, 403, 404, 409), record=PROJECT,
           who=OWN_UNIT.of(project_units))
def start_project_evaluation(project_id: int):
    """The level (city or county) comes from the form; reviewers may be assigned at once."""
    return _start(Project, project_id)


@operation(blueprint, "/projects/<int:project_id>/evaluations", summary="项目的评估",
           query=EvaluationQuery, response=EvaluationSchema, many=True, errors=(404,), who=READER)
def list_project_evaluations(project_id: int):
    return _list(Project, project_id)


@operation(blueprint, "/enterprises/<int:enterprise_id>/evaluations", "POST",
           summary="发起投资方评估", body=EvaluationCreate, response=EvaluationSchema, status=201,
           errors=(400, 403, 404, 409), who=OFFICE)
def start_enterprise_evaluation(enterprise_id: int):
    return _start(Enterprise, enterprise_id)


@operation(blueprint, "/enterprises/<int:enterprise_id>/evaluations", summary="投资方的评估",
           query=EvaluationQuery, response=EvaluationSchema, many=True, errors=(404,), who=READER)
def list_enterprise_evaluations(enterprise_id: int):
    return _list(Enterprise, enterprise_id)


@operation(blueprint, "/enterprises/<int:enterprise_id>/ratings", summary="投资方的评级",
           response=EnterpriseRatingSchema, many=True, errors=(404,), who=READER)
def list_enterprise_ratings(enterprise_id: int):
    """One current rating per rating form, from the latest decided evaluation."""
    with transaction() as session:
        get_or_404(session, Enterprise, enterprise_id)
        ratings = evaluation_service.enterprise_ratings(session, enterprise_id)
        return jsonify(EnterpriseRatingSchema(many=True).dump(ratings))


@operation(blueprint, "/evaluations/<int:evaluation_id>", summary="评估详情（含目前得分）",
           response=EvaluationSchema, errors=(404,), record=EVALUATION,
           who=READER)
def get_evaluation(evaluation_id: int):
    with transaction() as session:
        return respond(EvaluationSchema, get_or_404(session, Evaluation, evaluation_id))


@operation(blueprint, "/evaluations/<int:evaluation_id>/reviewers", "POST",
           summary="指派评审专家、部门或人员", body=ReviewersAssign, response=EvaluationSchema,
           errors=(400, 403, 404, 409), record=EVALUATION,
           who=OFFICE)
def assign_reviewers(evaluation_id: int):
    return _act(ReviewersAssign, evaluation_id, evaluation_service.assign_reviewers)


@operation(blueprint, "/evaluations/<int:evaluation_id>/scores", "POST",
           summary="录入评审人评分、勾选一票否决事项", body=ScoresRecord, response=EvaluationSchema,
           errors=(400, 403, 404, 409), record=EVALUATION,
           who=REVIEWER.of(evaluation_units))
def record_scores(evaluation_id: int):
    return _act(ScoresRecord, evaluation_id, evaluation_service.record_scores)


@operation(blueprint, "/evaluations/<int:evaluation_id>/steps", "POST",
           summary="完成评审流程的下一步（附意见；最后一步作出决定）", body=StepComplete,
           response=EvaluationSchema, errors=(400, 403, 404, 409), record=EVALUATION,
           who=REVIEWER.of(evaluation_units))
def complete_step(evaluation_id: int):
    """Steps go in the form's order; 409 names the step still due or why approval is refused."""
    return _act(StepComplete, evaluation_id, evaluation_service.complete_step)


@operation(blueprint, "/experts", summary="专家库", query=ExpertQuery, response=ExpertSchema,
           many=True, who=READER)
def list_experts():
    params = load_query(ExpertQuery)
    with transaction() as session:
        query = sa.select(Expert).where(Expert.active.is_(True))
        if params.get("field"):
            query = query.where(Expert.field == params["field"])
        if params.get("q"):
            query = query.where(sa.or_(contains(Expert.name, params["q"]),
                                       contains(Expert.organisation, params["q"])))
        return paginate(session, query, params, {"name": Expert.name, "field": Expert.field},
                        ExpertSchema, Expert.id)


@operation(blueprint, "/experts", "POST", summary="专家入库", body=ExpertCreate,
           response=ExpertSchema, status=201, errors=(400, 403), who=OFFICE)
def add_expert():
    data = load_body(ExpertCreate)
    with transaction() as session:
        return respond(ExpertSchema, evaluation_service.add_expert(session, city(), data,
                                                                   current_actor()), 201)
