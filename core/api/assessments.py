"""``/api/v1/assessments``: schemes, runs, rankings, publication, objections, export."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from sqlalchemy.orm import Session

from core.api.exports import wants_xlsx
from core.api.record_units import ASSESSMENT_RUN, OBJECTION
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
from core.models import AssessmentObjection, AssessmentRun
from core.permissions import OFFICE, OWN_UNIT, READER, body_units
from core.problems import not_found
from core.schemas.assessments import (
    ObjectionAnswer,
    ObjectionCreate,
    ObjectionSchema,
    RankingSchema,
    RunCreate,
    RunPublish,
    RunQuery,
    RunSchema,
    SchemeSchema,
)
from core.services import assessments as assessment_service
from core.services.lookups import get_or_404
from core.xlsx import xlsx_download

blueprint = Blueprint("assessments", __name__)


@operation(blueprint, "/assessments/schemes", summary="考核方案（指标、分值、封顶、周期）",
           response=SchemeSchema, many=True, who=READER)
def list_schemes():
    return jsonify(SchemeSchema(many=True).dump(city().call("assessment_schemes")))


@operation(blueprint, "/assessments/runs", "POST", summary="按方案对一个考核期进行考核（生成草稿）",
           body=RunCreate, response=RunSchema, status=201, errors=(400, 403, 422), who=OFFICE)
def create_run():
    """Computes and stores a frozen run; re-running a period makes a new run."""
    data = load_body(RunCreate)
    with transaction() as session:
        run = assessment_service.create_run(session, city(), data, current_actor())
        return respond(RunSchema, run, 201)


@operation(blueprint, "/assessments/runs", summary="考核记录", query=RunQuery, response=RunSchema,
           many=True, who=READER)
def list_runs():
    params = load_query(RunQuery)
    with transaction() as session:
        query = sa.select(AssessmentRun)
        if params.get("scheme"):
            query = query.where(AssessmentRun.scheme_code == params["scheme"])
        if params.get("status"):
            query = query.where(AssessmentRun.status == params["status"])
        if not params.get("sort"):
            query = query.order_by(AssessmentRun.id.desc())
        return paginate(session, query, params,
                        {"period_start": AssessmentRun.period_start,
                         "computed_at": AssessmentRun.computed_at}, RunSchema, AssessmentRun.id)


def _run(session: Session, run_id: int) -> AssessmentRun:
    run = session.get(AssessmentRun, run_id)
    if run is None:
        raise not_found("考核", run_id)
    return run


@operation(blueprint, "/assessments/runs/<int:run_id>", summary="考核详情（含所用规则）",
           response=RunSchema, errors=(404,), record=ASSESSMENT_RUN,
           who=READER)
def get_run(run_id: int):
    with transaction() as session:
        return respond(RunSchema, _run(session, run_id))


@operation(blueprint, "/assessments/runs/<int:run_id>/publish", "POST", summary="公布考核结果",
           body=RunPublish, response=RunSchema, errors=(400, 403, 404, 409), record=ASSESSMENT_RUN,
           who=OFFICE)
def publish_run(run_id: int):
    """Publishes the run and opens its objection window (working days)."""
    data = load_body(RunPublish)
    with transaction() as session:
        run = assessment_service.publish_run(session, city(), _run(session, run_id), data,
                                             current_actor())
        return respond(RunSchema, run)


@operation(blueprint, "/assessments/runs/<int:run_id>/ranking", summary="考核排名",
           response=RankingSchema, errors=(404,), export=True, who=READER)
def get_ranking(run_id: int):
    """``format=xlsx`` gives the ranking workbook (the same as ``export.xlsx``)."""
    if wants_xlsx():
        return export_run(run_id)
    with transaction() as session:
        run = _run(session, run_id)
        return respond(RankingSchema, {"run": run, "rows": assessment_service.ranking_rows(run)})


@operation(blueprint, "/assessments/runs/<int:run_id>/export.xlsx", summary="导出考核排名（Excel）",
           errors=(404,), who=READER)
def export_run(run_id: int):
    with transaction() as session:
        run = _run(session, run_id)
        content = assessment_service.export_run(run)
        return xlsx_download(content, f"{run.scheme_name}-{run.period_label}.xlsx",
                             f"assessment-{run.id}-{run.period_label}.xlsx")


@operation(blueprint, "/assessments/runs/<int:run_id>/objections", "POST", summary="对考核结果提出异议",
           body=ObjectionCreate, response=ObjectionSchema, status=201,
           errors=(400, 403, 404, 409), record=ASSESSMENT_RUN,
           who=OWN_UNIT.of(body_units("unit")))
def file_objection(run_id: int):
    """Only on a published run and within its objection window (409 with the reason otherwise)."""
    data = load_body(ObjectionCreate)
    with transaction() as session:
        objection = assessment_service.file_objection(session, city(), _run(session, run_id), data,
                                                      current_actor())
        return respond(ObjectionSchema, objection, 201)


@operation(blueprint, "/assessments/runs/<int:run_id>/objections", summary="考核异议",
           response=ObjectionSchema, many=True, errors=(404,), who=READER)
def list_objections(run_id: int):
    with transaction() as session:
        _run(session, run_id)
        rows = session.scalars(sa.select(AssessmentObjection).where(
            AssessmentObjection.run_id == run_id).order_by(AssessmentObjection.id)).all()
        return jsonify(ObjectionSchema(many=True).dump(rows))


@operation(blueprint, "/assessments/objections/<int:objection_id>/answer", "POST",
           summary="答复考核异议", body=ObjectionAnswer, response=ObjectionSchema,
           errors=(400, 403, 404, 409), record=OBJECTION,
           who=OFFICE)
def answer_objection(objection_id: int):
    data = load_body(ObjectionAnswer)
    with transaction() as session:
        objection = get_or_404(session, AssessmentObjection, objection_id)
        return respond(ObjectionSchema, assessment_service.answer_objection(
            session, city(), objection, data, current_actor()))
