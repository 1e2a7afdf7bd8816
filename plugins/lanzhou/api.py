"""``/api/v1/lanzhou/…``: registration and recognition, reserve depth, penalties and their
exemptions, the target enterprise library and the monthly promotion events."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, jsonify

from core.toolkit import (
    OFFICE,
    READER,
    Lead,
    Project,
    current_actor,
    current_city,
    get_or_404,
    load_body,
    load_query,
    not_found,
    operation,
    respond,
    transaction,
)
from plugins.lanzhou import fault_tolerance, promotions, recognition, reserve, targets
from plugins.lanzhou.access import INTRODUCER
from plugins.lanzhou.models import Penalty, Registration, Target
from plugins.lanzhou.schemas import (
    ExemptionCreate,
    PenaltyCreate,
    PenaltyQuery,
    PenaltySchema,
    PromotionCalendarSchema,
    PromotionCreate,
    PromotionSchema,
    RegistrationChangeCreate,
    RegistrationChangeQuery,
    RegistrationChangeSchema,
    RegistrationCreate,
    RegistrationDecision,
    RegistrationQuery,
    RegistrationSchema,
    ReserveDepthSchema,
    TargetApproachQuery,
    TargetApproachSchema,
    TargetCreate,
    TargetQuery,
    TargetSchema,
    TargetStatus,
    YearQuery,
)

blueprint = Blueprint("lanzhou", __name__)


# -- 报备认定 ------------------------------------------------------------------------------


@operation(blueprint, "/projects/<int:project_id>/registration", "POST",
           summary="项目报备（引进单位、中介人）", body=RegistrationCreate,
           response=RegistrationSchema, status=201, errors=(400, 403, 404, 409), who=INTRODUCER)
def register_project(project_id: int):
    data = load_body(RegistrationCreate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        row = recognition.register(session, current_city(), project, data, current_actor())
        return respond(RegistrationSchema, row, 201)


@operation(blueprint, "/projects/<int:project_id>/registration", summary="项目的报备认定",
           response=RegistrationSchema, errors=(404,), who=READER)
def get_registration(project_id: int):
    with transaction() as session:
        get_or_404(session, Project, project_id)
        row = recognition.registration_of(session, project_id)
        if row is None:
            raise not_found("项目报备", project_id)
        return respond(RegistrationSchema, row)


@operation(blueprint, "/registrations", summary="报备认定台账", query=RegistrationQuery,
           response=RegistrationSchema, many=True, errors=(400,), who=READER)
def list_registrations():
    params = load_query(RegistrationQuery)
    with transaction() as session:
        rows = recognition.registrations(session, params["status"], params["unit"])
        return jsonify(RegistrationSchema(many=True).dump(rows))


@operation(blueprint, "/registrations/<int:registration_id>/decision", "POST",
           summary="认定或不予认定（市招商部门）", body=RegistrationDecision,
           response=RegistrationSchema, errors=(400, 403, 404, 409), who=OFFICE)
def decide_registration(registration_id: int):
    data = load_body(RegistrationDecision)
    with transaction() as session:
        row = get_or_404(session, Registration, registration_id, "项目报备")
        return respond(RegistrationSchema, recognition.decide(session, current_city(), row, data,
                                                              current_actor()))


@operation(blueprint, "/registrations/<int:registration_id>/change", "POST",
           summary="变更认定（引进单位、中介人或认定结论；须说明理由，留痕）",
           body=RegistrationChangeCreate, response=RegistrationChangeSchema, status=201,
           errors=(400, 403, 404, 409), who=OFFICE)
def change_registration(registration_id: int):
    data = load_body(RegistrationChangeCreate)
    with transaction() as session:
        row = get_or_404(session, Registration, registration_id, "项目报备")
        change = recognition.change(session, current_city(), row, data, current_actor())
        return respond(RegistrationChangeSchema, change, 201)


@operation(blueprint, "/registration-changes", summary="认定变更记录",
           query=RegistrationChangeQuery, response=RegistrationChangeSchema, many=True,
           errors=(400,), who=READER)
def list_registration_changes():
    registration_id = load_query(RegistrationChangeQuery)["registration_id"]
    with transaction() as session:
        return jsonify(RegistrationChangeSchema(many=True).dump(
            recognition.changes(session, registration_id)))


# -- 商业计划书深度 ----------------------------------------------------------------------------


@operation(blueprint, "/reserve-depth", summary="储备项目达到商业计划书深度（对照年度目标）",
           query=YearQuery, response=ReserveDepthSchema, errors=(400,), who=READER)
def reserve_depth():
    year = load_query(YearQuery)["year"]
    with transaction() as session:
        return jsonify(ReserveDepthSchema().dump(
            reserve.depth_report(current_city(), session, year)))


# -- 容错免责 ------------------------------------------------------------------------------


@operation(blueprint, "/penalties", "POST", summary="登记考核扣分", body=PenaltyCreate,
           response=PenaltySchema, status=201, errors=(400, 403), who=OFFICE)
def record_penalty():
    data = load_body(PenaltyCreate)
    with transaction() as session:
        row = fault_tolerance.record_penalty(session, current_city(), data, current_actor())
        return respond(PenaltySchema, row, 201)


@operation(blueprint, "/penalties", summary="考核扣分及容错免责记录", query=PenaltyQuery,
           response=PenaltySchema, many=True, errors=(400,), who=READER)
def list_penalties():
    params = load_query(PenaltyQuery)
    year = params["year"]
    with transaction() as session:
        rows = fault_tolerance.penalties(session, dt.date(year, 1, 1), dt.date(year, 12, 31),
                                         params["unit"])
        return jsonify(PenaltySchema(many=True).dump(rows))


@operation(blueprint, "/penalties/<int:penalty_id>/exemption", "POST",
           summary="容错免责（记录在案，不计扣分）", body=ExemptionCreate, response=PenaltySchema,
           errors=(400, 403, 404, 409, 422), who=OFFICE)
def exempt_penalty(penalty_id: int):
    data = load_body(ExemptionCreate)
    with transaction() as session:
        row = get_or_404(session, Penalty, penalty_id, "考核扣分")
        return respond(PenaltySchema, fault_tolerance.exempt(session, current_city(), row, data,
                                                             current_actor()))


# -- 重点目标企业、专题推介 ----------------------------------------------------------------------


@operation(blueprint, "/targets", "POST", summary="重点目标企业入库（含点对点对接方案）",
           body=TargetCreate, response=TargetSchema, status=201, errors=(400, 403), who=OFFICE)
def add_target():
    data = load_body(TargetCreate)
    with transaction() as session:
        row = targets.add_target(session, current_city(), data, current_actor())
        return respond(TargetSchema, targets.with_approach(session, [row])[0], 201)


@operation(blueprint, "/targets", summary="重点目标企业信息库", query=TargetQuery,
           response=TargetSchema, many=True, errors=(400,), who=READER)
def list_targets():
    params = load_query(TargetQuery)
    with transaction() as session:
        rows = targets.targets(session, params["category"], params["region"],
                               params["approach_status"])
        return jsonify(TargetSchema(many=True).dump(rows))


@operation(blueprint, "/target-approaches", summary="目标企业的对接线索和项目（按目标企业、线索或项目）",
           query=TargetApproachQuery, response=TargetApproachSchema, errors=(400, 404),
           who=READER)
def target_approaches():
    params = load_query(TargetApproachQuery)
    with transaction() as session:
        if params["target_id"] is not None:
            target = get_or_404(session, Target, params["target_id"], "目标企业")
        elif params["project_id"] is not None:
            target = targets.target_of(session, get_or_404(session, Project, params["project_id"]))
        elif params["lead_id"] is not None:
            target = targets.target_of(session, get_or_404(session, Lead, params["lead_id"]))
        else:
            target = None
        return jsonify(TargetApproachSchema().dump(targets.approach_page(session, target)))


@operation(blueprint, "/targets/<int:target_id>/status", "POST", summary="更新对接进展",
           body=TargetStatus, response=TargetSchema, errors=(400, 403, 404), who=OFFICE)
def change_target_status(target_id: int):
    status = load_body(TargetStatus)["status"]
    with transaction() as session:
        row = get_or_404(session, Target, target_id, "目标企业")
        row = targets.change_status(session, current_city(), row, status, current_actor())
        return respond(TargetSchema, targets.with_approach(session, [row])[0])


@operation(blueprint, "/promotions", "POST", summary="登记赴外地专题招商推介活动",
           body=PromotionCreate, response=PromotionSchema, status=201, errors=(400, 403),
           who=OFFICE)
def record_promotion():
    data = load_body(PromotionCreate)
    with transaction() as session:
        row = promotions.record_promotion(session, current_city(), data, current_actor())
        return respond(PromotionSchema, row, 201)


@operation(blueprint, "/promotions", summary="专题招商推介活动（每月至少一次）", query=YearQuery,
           response=PromotionCalendarSchema, errors=(400,), who=READER)
def promotion_calendar():
    year = load_query(YearQuery)["year"]
    with transaction() as session:
        body = promotions.calendar(current_city(), session, year,
                                   current_city().clock.today())
        return jsonify(PromotionCalendarSchema().dump(body))
