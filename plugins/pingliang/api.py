"""``/api/v1/pingliang/…``: the four lists, task forces, the five mechanisms, targets,
assessment points, summons and the figures Pingliang reports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from core.toolkit import (
    OFFICE,
    READER,
    Project,
    Unit,
    current_actor,
    current_city,
    get_or_404,
    load_body,
    load_query,
    not_found,
    operation,
    record_event,
    respond,
    to_json_value,
    transaction,
    unit_by_code,
)
from plugins.pingliang import (
    access,
    agency,
    assessment,
    baozhua,
    information,
    lists,
    scheduling,
    statistics,
    targets,
    task_forces,
)
from plugins.pingliang.models import PointItem, ServiceRequest, SharedInformation
from plugins.pingliang.schemas import (
    AsOfQuery,
    FollowUpInput,
    InformationInput,
    InformationQuery,
    InformationSchema,
    ListQuery,
    MaturingSchema,
    MonthQuery,
    PointItemInput,
    PointItemSchema,
    PointQuery,
    RangeQuery,
    SchedulingInput,
    SchedulingSchema,
    SchemeQuery,
    ServiceRequestInput,
    ServiceRequestQuery,
    ServiceRequestSchema,
    ServiceStepInput,
    TargetInput,
    TargetProgressSchema,
    YearQuery,
)

blueprint = Blueprint("pingliang", __name__)


# -- the four lists ----------------------------------------------------------------------


def _page(session, spec, params):
    query = lists.list_query(spec, params, current_city())
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page, per_page = params["page"], params["per_page"]
    rows = list(session.scalars(query.order_by(spec.model.id).limit(per_page)
                                .offset((page - 1) * per_page)).unique())
    items = spec.item_schema(many=True).dump(lists.shown(session, current_city(), spec, rows))
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page,
                    "export": f"/api/v1/reports/pingliang_{spec.code}.xlsx"})


def _item(session, spec, item_id):
    row = session.get(spec.model, item_id)
    if row is None:
        raise not_found(spec.name, item_id)
    return row


def _shown(session, spec, row, status=200):
    return respond(spec.item_schema, lists.shown(session, current_city(), spec, [row])[0], status)


def _register_list_routes(spec: lists.ListSpec) -> None:
    """GET/POST ``/<list>``, GET/PATCH/DELETE ``/<list>/<id>`` for one of the four lists."""

    def list_items():
        params = load_query(ListQuery)
        with transaction() as session:
            return _page(session, spec, params)

    def add_item():
        data = load_body(spec.input_schema)
        with transaction() as session:
            row = lists.add_item(session, current_city(), spec, data, current_actor())
            return _shown(session, spec, row, 201)

    def get_item(item_id: int):
        with transaction() as session:
            return _shown(session, spec, _item(session, spec, item_id))

    def change_item(item_id: int):
        data = load_body(spec.input_schema, partial=True)
        with transaction() as session:
            row = lists.update_item(session, current_city(), spec,
                                    _item(session, spec, item_id), data, current_actor())
            return _shown(session, spec, row)

    def remove_item(item_id: int):
        with transaction() as session:
            lists.remove_item(session, current_city(), spec, _item(session, spec, item_id),
                              current_actor())
        return "", 204

    path = f"/{spec.path}"
    who = access.list_rules(spec)
    for view, rule, method, extra in (
        (list_items, path, "GET", {"query": ListQuery, "response": spec.item_schema,
                                   "many": True, "summary": spec.name, "who": who["list"]}),
        (add_item, path, "POST", {"body": spec.input_schema, "response": spec.item_schema,
                                  "status": 201, "errors": (400, 403),
                                  "summary": f"列入{spec.name}", "who": who["add"]}),
        (get_item, f"{path}/<int:item_id>", "GET", {"response": spec.item_schema,
                                                    "errors": (404,),
                                                    "summary": f"{spec.name}条目",
                                                    "who": who["get"]}),
        (change_item, f"{path}/<int:item_id>", "PATCH", {
            "body": spec.input_schema, "response": spec.item_schema,
            "errors": (400, 403, 404), "summary": f"修改{spec.name}条目", "who": who["change"]}),
        (remove_item, f"{path}/<int:item_id>", "DELETE", {
            "status": 204, "errors": (403, 404, 409), "summary": f"移出{spec.name}",
            "who": who["remove"]}),
    ):
        view.__name__ = f"{view.__name__}_{spec.code}"
        operation(blueprint, rule, method, **extra)(view)


for _spec in lists.LISTS.values():
    _register_list_routes(_spec)


@operation(blueprint, "/task-forces", summary="9条重点产业链招商专班", who=READER)
def list_task_forces():
    with transaction() as session:
        rows = task_forces.task_force_rows(current_city(), session)
        return jsonify(rows_json(rows))


def rows_json(rows):
    """Decimals as strings, dates as ISO dates (money never becomes a float)."""
    return to_json_value(rows)


# -- the five mechanisms -----------------------------------------------------------------


@operation(blueprint, "/baozhua", summary="重大招商引资项目包抓（领导包抓项目和企业）",
           who=READER)
def list_baozhua():
    with transaction() as session:
        return jsonify(rows_json(baozhua.leader_rows(session, lists.open_warning_levels)))


@operation(blueprint, "/maturing", summary="趋熟项目调度", query=AsOfQuery, response=MaturingSchema,
           many=True, who=READER)
def list_maturing():
    as_of = load_query(AsOfQuery)["as_of"]
    with transaction() as session:
        rows = scheduling.maturing_rows(session, current_city(), as_of)
        return jsonify(MaturingSchema(many=True).dump(rows))


@operation(blueprint, "/projects/<int:project_id>/schedulings", "POST", summary="登记趋熟项目调度",
           body=SchedulingInput, response=SchedulingSchema, status=201,
           errors=(400, 403, 404, 409), who=access.SCHEDULING)
def record_scheduling(project_id: int):
    data = load_body(SchedulingInput)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        row = scheduling.record_scheduling(session, current_city(), project, data,
                                           current_actor())
        return respond(SchedulingSchema, row, 201)


def _information_row(item):
    return {**{key: getattr(item, key) for key in (
        "id", "title", "content", "enterprise_name", "industry", "shared_on", "lead_id",
        "recorded_by")}, "unit": item.unit.code, "unit_name": item.unit.name}


@operation(blueprint, "/information", summary="招商信息共享", query=InformationQuery,
           response=InformationSchema, many=True, who=READER)
def list_information():
    params = load_query(InformationQuery)
    with transaction() as session:
        query = information.information_query(params)
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        rows = session.scalars(query.order_by(SharedInformation.shared_on.desc(),
                                              SharedInformation.id.desc())
                               .limit(params["per_page"])
                               .offset((params["page"] - 1) * params["per_page"]))
        items = InformationSchema(many=True).dump([_information_row(row) for row in rows])
        return jsonify({"items": items, "total": total, "page": params["page"],
                        "per_page": params["per_page"]})


@operation(blueprint, "/information", "POST", summary="共享招商信息", body=InformationInput,
           response=InformationSchema, status=201, errors=(400, 403), who=access.SHARING)
def share_information():
    data = load_body(InformationInput)
    with transaction() as session:
        item = information.share(session, current_city(), data, current_actor())
        return respond(InformationSchema, _information_row(item), 201)


@operation(blueprint, "/information/<int:item_id>/follow-up", "POST",
           summary="登记据共享信息报送的线索", body=FollowUpInput, response=InformationSchema,
           errors=(400, 403, 404, 409), who=access.FOLLOW_UP)
def follow_up_information(item_id: int):
    data = load_body(FollowUpInput)
    with transaction() as session:
        item = get_or_404(session, SharedInformation, item_id)
        item = information.follow_up(session, current_city(), item, data["lead_id"],
                                     current_actor())
        return respond(InformationSchema, _information_row(item))


# -- 帮办代办 agency service (rule 7) ------------------------------------------------------------


def _service_rows(session, query):
    today = current_city().clock.today()
    return [agency.request_row(row, today) for row in session.scalars(query)]


@operation(blueprint, "/service-requests", summary="帮办代办事项（按期限排列）",
           query=ServiceRequestQuery, response=ServiceRequestSchema, many=True, who=READER)
def list_service_requests():
    params = load_query(ServiceRequestQuery)
    with transaction() as session:
        query = agency.request_query(params)
        total = session.scalar(sa.select(sa.func.count()).select_from(
            query.order_by(None).subquery()))
        rows = _service_rows(session, query.limit(params["per_page"])
                             .offset((params["page"] - 1) * params["per_page"]))
        return jsonify({"items": ServiceRequestSchema(many=True).dump(rows), "total": total,
                        "page": params["page"], "per_page": params["per_page"]})


@operation(blueprint, "/service-requests/mine", summary="本单位承办的帮办代办事项（含期限）",
           response=ServiceRequestSchema, many=True, who=READER)
def my_service_requests():
    actor = current_actor()
    # A clerk's own unit; the office's staff see what the office itself handles.
    unit = actor.unit or (current_city().config["city"]["office_unit"]
                          if actor.role in OFFICE.roles else None)
    with transaction() as session:
        rows = _service_rows(session, agency.request_query({"unit": unit})) if unit else []
        return jsonify({"unit": unit, "items": ServiceRequestSchema(many=True).dump(rows)})


@operation(blueprint, "/service-requests/<int:request_id>", summary="帮办代办事项及其办理步骤",
           response=ServiceRequestSchema, errors=(404,), who=READER)
def get_service_request(request_id: int):
    with transaction() as session:
        row = get_or_404(session, ServiceRequest, request_id, "帮办代办事项")
        return respond(ServiceRequestSchema,
                       agency.request_row(row, current_city().clock.today()))


@operation(blueprint, "/projects/<int:project_id>/service-requests", "POST",
           summary="提出帮办代办事项（指定承办单位，按工作日计期限）", body=ServiceRequestInput,
           response=ServiceRequestSchema, status=201, errors=(400, 403, 404, 409),
           who=access.SERVICE_RAISE)
def raise_service_request(project_id: int):
    data = load_body(ServiceRequestInput)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        row = agency.raise_request(session, current_city(), project, data, current_actor())
        return respond(ServiceRequestSchema,
                       agency.request_row(row, current_city().clock.today()), 201)


@operation(blueprint, "/service-requests/<int:request_id>/steps", "POST",
           summary="登记帮办代办步骤（受理、办理中、办结或退回）", body=ServiceStepInput,
           response=ServiceRequestSchema, errors=(400, 403, 404, 409), who=access.SERVICE_STEP)
def record_service_step(request_id: int):
    data = load_body(ServiceStepInput)
    with transaction() as session:
        row = get_or_404(session, ServiceRequest, request_id, "帮办代办事项")
        row = agency.record_step(session, current_city(), row, data, current_actor())
        return respond(ServiceRequestSchema,
                       agency.request_row(row, current_city().clock.today()))


# -- targets, points, summons ----------------------------------------------------------------


@operation(blueprint, "/targets", summary="招商引资任务目标及完成情况", query=YearQuery,
           response=TargetProgressSchema, many=True, who=READER)
def list_targets():
    year = load_query(YearQuery)["year"]
    with transaction() as session:
        return jsonify(TargetProgressSchema(many=True).dump(targets.progress_rows(session, year)))


@operation(blueprint, "/targets", "POST", summary="下达招商引资任务目标", body=TargetInput,
           response=TargetProgressSchema, status=201, errors=(400, 403, 409), who=OFFICE)
def set_target():
    data = load_body(TargetInput)
    with transaction() as session:
        target = targets.set_target(session, current_city(), data, current_actor())
        row = next(r for r in targets.progress_rows(session, target.year) if r["id"] == target.id)
        return respond(TargetProgressSchema, row, 201)


def _point_row(item):
    return {"id": item.id, "unit": item.unit.code, "unit_name": item.unit.name,
            "occurred_on": item.occurred_on, "points": item.points, "reason": item.reason,
            "recorded_by": item.recorded_by}


@operation(blueprint, "/points", summary="正向加分、反向扣分记录", query=PointQuery,
           response=PointItemSchema, many=True, who=READER)
def list_points():
    params = load_query(PointQuery)
    with transaction() as session:
        query = sa.select(PointItem).order_by(PointItem.occurred_on, PointItem.id)
        if params["date_from"]:
            query = query.where(PointItem.occurred_on >= params["date_from"])
        if params["date_to"]:
            query = query.where(PointItem.occurred_on <= params["date_to"])
        if params["unit"]:
            query = query.join(Unit, Unit.id == PointItem.unit_id).where(
                Unit.code == params["unit"])
        return jsonify(PointItemSchema(many=True).dump(
            [_point_row(item) for item in session.scalars(query)]))


@operation(blueprint, "/points", "POST", summary="登记加分或扣分", body=PointItemInput,
           response=PointItemSchema, status=201, errors=(400, 403), who=OFFICE)
def record_points():
    data = load_body(PointItemInput)
    actor = current_actor()
    with transaction() as session:
        unit = unit_by_code(session, data["unit"], "unit")
        item = PointItem(unit_id=unit.id, occurred_on=data["occurred_on"],
                         points=data["points"], reason=data["reason"], recorded_by=actor.user)
        session.add(item)
        session.flush()
        session.refresh(item)
        record_event(session, current_city(), "pingliang_points", item.id, "recorded",
                     {"item_id": item.id, "unit": unit.code, "occurred_on": item.occurred_on,
                      "points": item.points, "reason": item.reason})
        return respond(PointItemSchema, _point_row(item), 201)


@operation(blueprint, "/summons", summary="约谈问责名单（考核排名靠后）", query=SchemeQuery,
           who=READER)
def list_summons():
    scheme = load_query(SchemeQuery)["scheme"]
    with transaction() as session:
        return jsonify(rows_json(assessment.summons_rows(session, current_city(), scheme)))


# -- figures -------------------------------------------------------------------------------


@operation(blueprint, "/monthly-statistics", summary="月统计（各县区、部门当月招商指标）",
           query=MonthQuery, who=READER)
def monthly_statistics():
    month = load_query(MonthQuery)["month"]
    with transaction() as session:
        rows = statistics.monthly_rows(session, current_city(), month)
    return jsonify({"month": month, "rows": rows_json(rows),
                    "export": f"/api/v1/reports/pingliang_monthly_statistics.xlsx?month={month}"})


@operation(blueprint, "/out-of-province", summary="省外招商引资项目和资金（单独统计）",
           query=RangeQuery, who=READER)
def out_of_province():
    params = load_query(RangeQuery)
    with transaction() as session:
        body = statistics.out_of_province(session, params["date_from"], params["date_to"])
    return jsonify(rows_json(body))


@operation(blueprint, "/channels", summary="各招商方式成效", query=RangeQuery, who=READER)
def channels():
    params = load_query(RangeQuery)
    with transaction() as session:
        rows = statistics.channel_rows(session, current_city(), params["date_from"],
                                       params["date_to"])
    return jsonify(rows_json(rows))

