"""``/api/v1/sanming/…``: the campaign's own routes (maps, key list, points, battle report,
rolling evaluation, accountability, park resources, tax settlements, joint meetings)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, jsonify

from core.toolkit import (
    OFFICE,
    READER,
    Project,
    current_actor,
    current_city,
    get_or_404,
    load_body,
    load_query,
    not_found,
    operation,
    paginate,
    respond,
    transaction,
)
from plugins.sanming import (
    battle_report,
    chains,
    discipline,
    lead_points,
    legal_review,
    meetings,
    park_resources,
    rolling_evaluation,
    tax_settlement,
)
from plugins.sanming.access import (
    GROUP_BODY,
    LANDING_SIDE,
    LEGAL_REVIEWER,
    PARK_BODY,
    PARK_OF_RESOURCE,
    SETTLEMENT_SIDES,
)
from plugins.sanming.key_projects import key_list_rows
from plugins.sanming.models import AccountabilityCase, Meeting, ParkResource, TaxSettlement
from plugins.sanming.reports import matter_counts, unit_names
from plugins.sanming.schemas import (
    BattleQuery,
    BattleReportSchema,
    CaseCreate,
    CaseDecision,
    CaseQuery,
    CaseSchema,
    ChainSchema,
    ComplianceQuery,
    IndustryTierSchema,
    KeyProjectSchema,
    LeadPointsQuery,
    LeadPointsSchema,
    LegalReviewInput,
    LegalReviewQuery,
    LegalReviewRecordSchema,
    LegalReviewSchema,
    MapSchema,
    MapSummarySchema,
    MeetingCreate,
    MeetingSchema,
    ResourceCreate,
    ResourceOffer,
    ResourceQuery,
    ResourceSchema,
    ResourceSummarySchema,
    ResourceTake,
    RollingCheckInput,
    RollingCheckSchema,
    RollingQuery,
    RollingScheduleSchema,
    SettlementConfirm,
    SettlementCreate,
    SettlementSchema,
)

blueprint = Blueprint("sanming", __name__)


def _get(session, model, ident: int, what: str):
    row = session.get(model, ident)
    if row is None:
        raise not_found(what, ident)
    return row


# -- "433", chains, maps ---------------------------------------------------------


@operation(blueprint, "/industry-system", summary="“433”现代产业体系（主导、优势、扶持产业及产业链）",
           response=IndustryTierSchema, many=True, who=READER)
def industry_system():
    return jsonify(IndustryTierSchema(many=True).dump(chains.industry_system(current_city())))


@operation(blueprint, "/chains", summary="百亿特色产业链", response=ChainSchema, many=True,
           who=READER)
def list_chains():
    with transaction() as session:
        return jsonify(ChainSchema(many=True).dump(chains.chain_rows(current_city(), session)))


@operation(blueprint, "/maps", summary="招商地图", response=MapSummarySchema, many=True,
           who=READER)
def list_maps():
    return jsonify(MapSummarySchema(many=True).dump(chains.map_rows(current_city())))


@operation(blueprint, "/maps/<code>", summary="招商地图详情（上中下游：已有企业、招引目标、缺失环节）",
           response=MapSchema, errors=(404,), who=READER)
def get_map(code: str):
    with transaction() as session:
        return jsonify(MapSchema().dump(chains.map_detail(current_city(), session, code)))


# -- key projects, lead points, battle report ---------------------------------------


@operation(blueprint, "/key-projects", summary="重点招商项目推介清单（认定依据、招商专员）",
           response=KeyProjectSchema, many=True, who=READER)
def list_key_projects():
    with transaction() as session:
        rows = key_list_rows(current_city(), session, matter_counts(session))
        return jsonify(KeyProjectSchema(many=True).dump(rows))


@operation(blueprint, "/lead-points", summary="线索积分表（首招负责制：积分归首报单位）",
           query=LeadPointsQuery, response=LeadPointsSchema, who=READER)
def get_lead_points():
    params = load_query(LeadPointsQuery)
    with transaction() as session:
        entries = lead_points.point_entries(session, current_city(), params["date_from"],
                                            params["date_to"], include_linked=True)
        if params["unit"]:
            entries = [entry for entry in entries if entry.unit_code == params["unit"]]
        body = {"date_from": params["date_from"], "date_to": params["date_to"],
                "units": lead_points.points_table(entries, unit_names(session)),
                "entries": [entry.__dict__ | {"event_label": lead_points.EVENT_LABELS[entry.event]}
                            for entry in entries]}
        return jsonify(LeadPointsSchema().dump(body))


@operation(blueprint, "/battle-report", summary="每月战报", query=BattleQuery,
           response=BattleReportSchema, errors=(400,), who=READER)
def get_battle_report():
    """The same rows as the report ``sanming_battle``, whose ``.xlsx`` the core exports."""
    params = load_query(BattleQuery)
    city = current_city()
    label, start, end = battle_report.month_bounds(city, params["month"])
    with transaction() as session:
        rows = battle_report.battle_rows(session, city, start, end)
    return jsonify(BattleReportSchema().dump({
        "month": label, "rows": rows,
        "export": f"/api/v1/reports/sanming_battle.xlsx?month={label}"}))


# -- the 法规账 review ------------------------------------------------------------------


@operation(blueprint, "/legal-review", summary="项目法规账审查（环保、安全、用地、林地）",
           query=LegalReviewQuery, response=LegalReviewSchema, errors=(400, 404), who=READER)
def get_legal_review():
    """Read by the project page's section (``project_id``): every item, current and past."""
    params = load_query(LegalReviewQuery)
    with transaction() as session:
        project = get_or_404(session, Project, params["project_id"])
        return jsonify(LegalReviewSchema().dump(legal_review.summary(session, current_city(),
                                                                     project)))


@operation(blueprint, "/projects/<int:project_id>/legal-review/<item>", "POST",
           summary="登记法规账审查事项（结论、审查部门、审查人）", body=LegalReviewInput,
           response=LegalReviewRecordSchema, status=201, errors=(400, 403, 404, 422),
           who=LEGAL_REVIEWER)
def record_legal_review(project_id: int, item: str):
    """Recording an item again supersedes its finding (with the reason), never overwrites."""
    data = load_body(LegalReviewInput)
    city = current_city()
    if item not in legal_review.items(city):
        raise not_found("法规账审查事项", item)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        review = legal_review.record(session, city, project, item, data, current_actor())
        return respond(LegalReviewRecordSchema, review, 201)


# -- rolling evaluation and accountability -------------------------------------------


@operation(blueprint, "/rolling-evaluations", summary="落地项目三年滚动考评安排与结果",
           query=RollingQuery, response=RollingScheduleSchema, many=True, who=READER)
def rolling_schedule():
    params = load_query(RollingQuery)
    with transaction() as session:
        rows = rolling_evaluation.schedule(session, current_city(), params["as_of"])
        return jsonify(RollingScheduleSchema(many=True).dump(rows))


@operation(blueprint, "/projects/<int:project_id>/rolling-evaluations", "POST",
           summary="录入滚动考评（入统、税收、投资额）", body=RollingCheckInput,
           response=RollingCheckSchema, status=201, errors=(400, 403, 404, 409),
           who=OFFICE)
def record_rolling_check(project_id: int):
    """Any "no" flags a false report: a red warning, a case and an assessment penalty."""
    data = load_body(RollingCheckInput)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        check = rolling_evaluation.record_check(session, current_city(), project, data,
                                                current_actor())
        return respond(RollingCheckSchema, check, 201)


@operation(blueprint, "/accountability-cases", summary="问责案件（非客观原因流失、迁出、弄虚作假）",
           query=CaseQuery, response=CaseSchema, many=True, who=READER)
def list_cases():
    params = load_query(CaseQuery)
    with transaction() as session:
        found = discipline.cases(session, params["kind"], params["unit"], params["date_from"],
                                 params["date_to"])
        return jsonify(CaseSchema(many=True).dump(found))


@operation(blueprint, "/accountability-cases", "POST", summary="登记问责案件（如竣工项目迁出）",
           body=CaseCreate, response=CaseSchema, status=201, errors=(400, 403, 409), who=OFFICE)
def create_case():
    data = load_body(CaseCreate)
    with transaction() as session:
        case = discipline.record_case(session, current_city(), data, current_actor())
        return respond(CaseSchema, case, 201)


@operation(blueprint, "/accountability-cases/<int:case_id>/decision", "POST",
           summary="决定问责措施", body=CaseDecision, response=CaseSchema,
           errors=(400, 403, 404, 409), who=OFFICE)
def decide_case(case_id: int):
    data = load_body(CaseDecision)
    with transaction() as session:
        case = _get(session, AccountabilityCase, case_id, "问责案件")
        return respond(CaseSchema, discipline.decide_case(session, current_city(), case, data,
                                                          current_actor()))


# -- park resources -------------------------------------------------------------------


@operation(blueprint, "/park-resources", summary="园区要素资源库（闲置土地、厂房、资产，不良资产，烂尾项目）",
           query=ResourceQuery, response=ResourceSchema, many=True, who=READER)
def list_resources():
    params = load_query(ResourceQuery)
    with transaction() as session:
        return paginate(session, park_resources.resource_query(params), params,
                        {"name": ParkResource.name, "area": ParkResource.area,
                         "reference_price": ParkResource.reference_price},
                        ResourceSchema, ParkResource.id)


@operation(blueprint, "/park-resources/summary", summary="要素资源库汇总（按园区、类别、状态）",
           response=ResourceSummarySchema, many=True, who=READER)
def resource_summary():
    with transaction() as session:
        return jsonify(ResourceSummarySchema(many=True).dump(
            park_resources.inventory_summary(session)))


@operation(blueprint, "/park-resources", "POST", summary="登记要素资源", body=ResourceCreate,
           response=ResourceSchema, status=201, errors=(400, 403), who=PARK_BODY)
def add_resource():
    data = load_body(ResourceCreate)
    with transaction() as session:
        resource = park_resources.add_resource(session, current_city(), data, current_actor())
        return respond(ResourceSchema, resource, 201)


@operation(blueprint, "/park-resources/<int:resource_id>/offer", "POST", summary="对外推介资源",
           body=ResourceOffer, response=ResourceSchema, errors=(400, 403, 404, 409),
           who=PARK_OF_RESOURCE)
def offer_resource(resource_id: int):
    data = load_body(ResourceOffer)
    with transaction() as session:
        resource = _get(session, ParkResource, resource_id, "要素资源")
        return respond(ResourceSchema, park_resources.offer_resource(
            session, current_city(), resource, data, current_actor()))


@operation(blueprint, "/park-resources/<int:resource_id>/take", "POST",
           summary="资源由项目盘活", body=ResourceTake, response=ResourceSchema,
           errors=(400, 403, 404, 409), who=PARK_OF_RESOURCE)
def take_resource(resource_id: int):
    data = load_body(ResourceTake)
    with transaction() as session:
        resource = _get(session, ParkResource, resource_id, "要素资源")
        return respond(ResourceSchema, park_resources.take_resource(
            session, current_city(), resource, data, current_actor()))


# -- tax settlements and meetings ------------------------------------------------------


@operation(blueprint, "/projects/<int:project_id>/tax-settlements", "POST",
           summary="申报异地落户项目年度税收分成（落户方）", body=SettlementCreate,
           response=SettlementSchema, status=201, errors=(400, 403, 404, 409),
           who=LANDING_SIDE)
def propose_settlement(project_id: int):
    data = load_body(SettlementCreate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        settlement = tax_settlement.propose_settlement(session, current_city(), project, data,
                                                       current_actor())
        return respond(SettlementSchema, settlement, 201)


@operation(blueprint, "/projects/<int:project_id>/tax-settlements", summary="项目税收分成记录",
           response=SettlementSchema, many=True, errors=(404,), who=READER)
def list_settlements(project_id: int):
    with transaction() as session:
        get_or_404(session, Project, project_id)
        rows = session.scalars(sa.select(TaxSettlement).where(
            TaxSettlement.project_id == project_id).order_by(TaxSettlement.year))
        return jsonify(SettlementSchema(many=True).dump(list(rows)))


@operation(blueprint, "/tax-settlements/<int:settlement_id>/confirmation", "POST",
           summary="招商方或落户方确认税收分成", body=SettlementConfirm,
           response=SettlementSchema, errors=(400, 403, 404, 409), who=SETTLEMENT_SIDES)
def confirm_settlement(settlement_id: int):
    data = load_body(SettlementConfirm)
    with transaction() as session:
        settlement = _get(session, TaxSettlement, settlement_id, "税收分成")
        return respond(SettlementSchema, tax_settlement.confirm_settlement(
            session, current_city(), settlement, data, current_actor()))


@operation(blueprint, "/meetings", "POST", summary="登记联席会议或工作组推进会",
           body=MeetingCreate, response=MeetingSchema, status=201, errors=(400, 403),
           who=GROUP_BODY)
def record_meeting():
    data = load_body(MeetingCreate)
    with transaction() as session:
        meeting = meetings.record_meeting(session, current_city(), data, current_actor())
        return respond(MeetingSchema, meeting, 201)


@operation(blueprint, "/meetings", summary="会议记录", query=ComplianceQuery,
           response=MeetingSchema, many=True, who=READER)
def list_meetings():
    year = load_query(ComplianceQuery)["year"]
    with transaction() as session:
        rows = session.scalars(sa.select(Meeting).where(Meeting.held_on.between(
            dt.date(year, 1, 1), dt.date(year, 12, 31))).order_by(Meeting.held_on, Meeting.id))
        return jsonify(MeetingSchema(many=True).dump(list(rows)))
