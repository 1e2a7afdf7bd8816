"""``/api/v1/ziyang/…``: the six ones, group worklists, incentives, fulfilment, transfers,
meetings and the arena year."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, jsonify

from core.toolkit import (
    OFFICE,
    READER,
    FieldProblem,
    Lead,
    Project,
    current_actor,
    current_city,
    get_or_404,
    invalid_input,
    is_judgement_overdue,
    load_body,
    load_query,
    not_found,
    operation,
    respond,
    transaction,
    unit_by_code,
)
from plugins.ziyang import (
    arena,
    fulfilment,
    incentives,
    organisation,
    signing,
    six_ones,
    transfers,
)
from plugins.ziyang.access import HOST_UNIT
from plugins.ziyang.models import GroupOne, Meeting
from plugins.ziyang.schemas import (
    ArenaYearSchema,
    CadenceSchema,
    FulfilmentInput,
    FulfilmentSchema,
    GroupOneEnd,
    GroupOneInput,
    GroupOneSchema,
    GroupSchema,
    IncentivePolicySchema,
    IncentiveQuery,
    MeetingInput,
    MeetingSchema,
    RoutedLeadSchema,
    RoutedProjectSchema,
    SigningRecordSchema,
    SigningRecordsQuery,
    TransferSplitQuery,
    TransferSplitSchema,
    YearQuery,
)

blueprint = Blueprint("ziyang", __name__)


def _group(session, code: str) -> dict:
    for group in six_ones.group_status(current_city(), session):
        if group["code"] == code:
            return group
    raise not_found("产业招商小组", code)


# -- industry groups and their six ones ----------------------------------------------------------


@operation(blueprint, "/groups", summary="七个产业招商小组及其“六个一”（不完整或重复的列出问题）",
           response=GroupSchema, many=True, who=READER)
def list_groups():
    with transaction() as session:
        return jsonify(GroupSchema(many=True).dump(six_ones.group_status(current_city(), session)))


@operation(blueprint, "/groups/<code>", summary="产业招商小组详情", response=GroupSchema,
           errors=(404,), who=READER)
def get_group(code: str):
    with transaction() as session:
        return respond(GroupSchema, _group(session, code))


@operation(blueprint, "/groups/<code>/ones", "POST", summary="登记“六个一”中的一项",
           body=GroupOneInput, response=GroupOneSchema, status=201, errors=(400, 403, 404),
           who=OFFICE)
def add_group_one(code: str):
    """A second item of the same kind is accepted and reported as doubled on the group."""
    data = load_body(GroupOneInput)
    actor = current_actor()
    with transaction() as session:
        city = current_city()
        problems = six_ones.check_one(city, session, code, data)
        if problems:
            if problems[0].code == "group.unknown":
                raise not_found("产业招商小组", code)
            raise invalid_input(problems)
        return respond(GroupOneSchema, six_ones.add_one(city, session, code, data, actor.user), 201)


@operation(blueprint, "/groups/<code>/ones/<int:one_id>/end", "POST",
           summary="结束“六个一”中的一项（人员调整、地图更新等）", body=GroupOneEnd,
           response=GroupOneSchema, errors=(400, 403, 404), who=OFFICE)
def end_group_one(code: str, one_id: int):
    data = load_body(GroupOneEnd)
    actor = current_actor()
    with transaction() as session:
        one = session.get(GroupOne, one_id)
        if one is None or one.group_code != code:
            raise not_found("“六个一”事项", one_id)
        if one.ended_on is not None:
            raise invalid_input([FieldProblem("ended_on", "six_ones.already_ended",
                                                       f"该项已于 {one.ended_on} 结束")])
        if data["ended_on"] < one.appointed_on:
            raise invalid_input([FieldProblem("ended_on", "six_ones.end_before_start",
                                                       f"结束日期不能早于 {one.appointed_on}")])
        return respond(GroupOneSchema, six_ones.end_one(current_city(), session, one,
                                                        data["ended_on"], actor.user))


@operation(blueprint, "/groups/<code>/projects", summary="按产业分派到本小组的项目",
           response=RoutedProjectSchema, many=True, errors=(404,), who=READER)
def group_projects(code: str):
    with transaction() as session:
        _group(session, code)
        rows = session.scalars(six_ones.group_projects_query(current_city(), code)).all()
        return jsonify(RoutedProjectSchema(many=True).dump(rows))


@operation(blueprint, "/groups/<code>/leads", summary="分派到本小组研判的线索（含是否超期）",
           response=RoutedLeadSchema, many=True, errors=(404,), who=READER)
def group_leads(code: str):
    with transaction() as session:
        _group(session, code)
        unit = unit_by_code(session, code, "code")
        leads = session.scalars(sa.select(Lead).where(Lead.routed_to_unit_id == unit.id)
                                .order_by(Lead.id)).all()
        today = current_city().clock.today()
        body = [RoutedLeadSchema().dump(lead) | {"overdue": is_judgement_overdue(lead, today)}
                for lead in leads]
        return jsonify(body)


# -- incentives -------------------------------------------------------------------------------------


@operation(blueprint, "/incentive-policies", summary="“1+N”招商引资优惠政策清单",
           query=IncentiveQuery, response=IncentivePolicySchema, many=True, who=READER)
def list_incentive_policies():
    params = load_query(IncentiveQuery)
    city = current_city()
    if params.get("industry"):
        policies = incentives.applicable_policies(city, params["industry"])
    else:
        policies = incentives.incentive_policies(city)
    return jsonify(IncentivePolicySchema(many=True).dump(policies))


# -- signing records (Seed 五) ----------------------------------------------------------------------


@operation(blueprint, "/signing-records", summary="项目签约前置记录（合法性审查、签署主体、常务会议）",
           query=SigningRecordsQuery, response=SigningRecordSchema, many=True, errors=(400, 404),
           who=READER)
def list_signing_records():
    """The project page's 签约前置 section (plugins/ziyang/pages.py); recorded by PATCH."""
    params = load_query(SigningRecordsQuery)
    with transaction() as session:
        project = get_or_404(session, Project, params["project_id"])
        rows = signing.signing_records(current_city(), project)
        return jsonify(SigningRecordSchema(many=True).dump(rows))


# -- fulfilment --------------------------------------------------------------------------------------


@operation(blueprint, "/projects/<int:project_id>/fulfilment", "POST",
           summary="登记履约评估结论：严格履约兑现、二次招商或清退", body=FulfilmentInput,
           response=FulfilmentSchema, status=201, errors=(400, 403, 404, 409, 422), who=HOST_UNIT)
def record_fulfilment(project_id: int):
    data = load_body(FulfilmentInput)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        result = fulfilment.record_outcome(session, current_city(), project, data,
                                           current_actor())
        return respond(FulfilmentSchema, result, 201)


@operation(blueprint, "/projects/<int:project_id>/fulfilment", summary="项目履约评估结论记录",
           response=FulfilmentSchema, many=True, errors=(404,), who=READER)
def list_fulfilment(project_id: int):
    with transaction() as session:
        get_or_404(session, Project, project_id)
        return jsonify(FulfilmentSchema(many=True).dump(fulfilment.results_of(session,
                                                                               project_id)))


# -- transfers ----------------------------------------------------------------------------------------


@operation(blueprint, "/transfers/split", summary="流转项目指标分享（签约、到位 3:7，税收 1:9）",
           query=TransferSplitQuery, response=TransferSplitSchema, many=True, who=READER)
def transfer_split():
    params = load_query(TransferSplitQuery)
    with transaction() as session:
        rows = [transfers.transfer_split(project, params["on"])
                for project in transfers.transferred_projects(session)]
        return jsonify(TransferSplitSchema(many=True).dump([row for row in rows if row]))


# -- leading group -------------------------------------------------------------------------------------


@operation(blueprint, "/meetings", "POST", summary="登记领导小组例会", body=MeetingInput,
           response=MeetingSchema, status=201, errors=(400, 403), who=OFFICE)
def record_meeting():
    data = load_body(MeetingInput)
    actor = current_actor()
    with transaction() as session:
        unknown = organisation.unknown_projects(session, data["project_ids"])
        if unknown:
            raise invalid_input([FieldProblem(
                "project_ids", "project.unknown",
                f"项目 {'、'.join(str(i) for i in unknown)} 不存在")])
        meeting = organisation.record_meeting(current_city(), session, data, actor.user)
        return respond(MeetingSchema, meeting, 201)


@operation(blueprint, "/meetings", summary="领导小组例会记录", query=YearQuery,
           response=MeetingSchema, many=True, who=READER)
def list_meetings():
    params = load_query(YearQuery)
    year = params["year"]
    with transaction() as session:
        rows = session.scalars(sa.select(Meeting).where(
            Meeting.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
            .order_by(Meeting.held_on, Meeting.id)).all()
        return jsonify(MeetingSchema(many=True).dump(rows))


@operation(blueprint, "/meetings/cadence", summary="例会制度执行情况（组长每季度、副组长每月）",
           query=YearQuery, response=CadenceSchema, many=True, who=READER)
def meeting_cadence():
    params = load_query(YearQuery)
    with transaction() as session:
        rows = organisation.meeting_cadence(current_city(), session, params["year"],
                                            current_city().clock.today())
        return jsonify(CadenceSchema(many=True).dump(rows))


# -- arena ------------------------------------------------------------------------------------------------


@operation(blueprint, "/arena", summary="擂台赛：全年各月公布的排名及带入年终考核的平均得分",
           query=YearQuery, response=ArenaYearSchema, who=READER)
def arena_year():
    params = load_query(YearQuery)
    with transaction() as session:
        return respond(ArenaYearSchema, arena.arena_year(session, params["year"]))
