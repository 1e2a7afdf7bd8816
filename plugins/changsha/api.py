"""``/api/v1/changsha/…``: the target library, the industrial map and park positioning."""

from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import fields, validate

from core.toolkit import (
    OFFICE,
    READER,
    BaseSchema,
    Name,
    Page,
    Project,
    current_actor,
    current_city,
    get_or_404,
    load_body,
    load_query,
    operation,
    paginate,
    respond,
    transaction,
)
from plugins.changsha import chain_map, parks, targets
from plugins.changsha.models import TARGET_STATUSES, ChangshaTarget
from plugins.changsha.settings import CHAIN_LINKS

blueprint = Blueprint("changsha", __name__)


class TargetCreate(BaseSchema):
    name = Name(required=True, validate=validate.Length(min=2, max=200))
    library = fields.String(load_default=None, allow_none=True,
                            metadata={"description": "目标库：世界500强、中国500强、民营500强、行业前20强"})
    headquarters_type = fields.String(
        load_default=None, allow_none=True,
        metadata={"description": "总部、区域总部、研发中心、技术中心、采购中心、结算中心"})
    xiangshang = fields.Boolean(load_default=False, metadata={"description": "湘商回归"})
    chain = fields.String(load_default=None, allow_none=True, metadata={"description": "产业链编码"})
    link = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(list(CHAIN_LINKS)),
                         metadata={"description": "strengthen 强链, fill 补链, extend 延链, grow 育链"})
    segment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                            metadata={"description": "所补环节（与产业地图的缺失环节同名）"})
    industry = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default="tracking", validate=validate.OneOf(list(TARGET_STATUSES)))
    intermediary_id = fields.Integer(load_default=None, allow_none=True,
                                     metadata={"description": "跟进的招商大使或中介"})
    note = fields.String(load_default=None, allow_none=True)


class TargetSchema(TargetCreate):
    id = fields.Integer(dump_only=True)
    link_label = fields.Function(lambda t: CHAIN_LINKS.get(t.link or ""), dump_only=True)
    status_label = fields.Function(lambda t: TARGET_STATUSES.get(t.status), dump_only=True)
    created_by = fields.String(dump_only=True, allow_none=True)


class TargetQuery(Page):
    library = fields.String()
    headquarters_type = fields.String()
    xiangshang = fields.Boolean()
    chain = fields.String()
    link = fields.String(validate=validate.OneOf(list(CHAIN_LINKS)))
    status = fields.String(validate=validate.OneOf(list(TARGET_STATUSES)))


class LibrarySchema(BaseSchema):
    library = fields.String()
    kind = fields.String(
        metadata={"description": "top 500强/前20强, headquarters 总部经济, xiangshang 湘商回归"})
    count = fields.Integer()


class MapSchema(BaseSchema):
    chains = fields.List(fields.Dict(), metadata={
        "description": "每条产业链：推进办公室、强链/补链/延链/育链环节、已落地企业、目标企业、缺失环节"})


class ParkSchema(BaseSchema):
    unit = fields.String()
    name = fields.String(allow_none=True)
    level = fields.String(allow_none=True)
    level_label = fields.String(allow_none=True)
    leading = fields.List(fields.String(), metadata={"description": "主导产业"})
    specialty = fields.List(fields.String(), metadata={"description": "特色产业"})
    required = fields.Dict(allow_none=True, metadata={"description": "该级别应有的主导/特色产业数"})
    shared = fields.Dict(metadata={"description": "与其他园区相同的主导产业（同质化提示）"})
    status = fields.String()
    problems = fields.List(fields.Dict())


@operation(blueprint, "/targets", summary="招商目标企业库", query=TargetQuery, response=TargetSchema,
           many=True, who=READER)
def list_targets():
    params = load_query(TargetQuery)
    with transaction() as session:
        return paginate(session, targets.filtered_targets(params), params,
                        {"name": ChangshaTarget.name, "library": ChangshaTarget.library},
                        TargetSchema, ChangshaTarget.id)


@operation(blueprint, "/targets", "POST", summary="加入招商目标企业", body=TargetCreate,
           response=TargetSchema, status=201, errors=(400, 403, 422), who=OFFICE)
def add_target():
    """Only the city office adds targets; every target belongs to at least one library."""
    data = load_body(TargetCreate)
    with transaction() as session:
        target = targets.add_target(session, current_city(), data, current_actor().user)
        return respond(TargetSchema, target, 201)


@operation(blueprint, "/targets/libraries", summary="各目标库企业数", response=LibrarySchema,
           many=True, who=READER)
def list_libraries():
    with transaction() as session:
        return jsonify(LibrarySchema(many=True).dump(
            targets.library_counts(session, current_city())))


@operation(blueprint, "/map", summary="产业数字地图：产业链、环节、已落地企业、目标与缺口",
           response=MapSchema, who=READER)
def industrial_map():
    with transaction() as session:
        return jsonify({"chains": chain_map.industrial_map(session, current_city())})


class ParkFitQuery(BaseSchema):
    project_id = fields.Integer(required=True, validate=validate.Range(min=1))


class ParkFitSchema(BaseSchema):
    park = fields.String()
    positioning = fields.String(metadata={"description": "园区产业定位与项目产业的不符之处"})
    justification = fields.String(metadata={"description": "落户理由（签约前须记录）"})
    ready = fields.Boolean(metadata={"description": "是否已满足签约要求"})


@operation(blueprint, "/park-fit", summary="项目与落户园区产业定位是否相符（不符的须记录落户理由）",
           query=ParkFitQuery, response=ParkFitSchema, many=True, errors=(400, 404), who=READER)
def project_park_fit():
    params = load_query(ParkFitQuery)
    with transaction() as session:
        project = get_or_404(session, Project, params["project_id"])
        return jsonify(ParkFitSchema(many=True).dump(parks.park_fit_rows(current_city(), project)))


@operation(blueprint, "/parks", summary="园区产业定位（两主一特、一主一特）核对", response=ParkSchema,
           many=True, who=READER)
def park_positioning():
    return jsonify(ParkSchema(many=True).dump(parks.positioning_report(current_city())))
