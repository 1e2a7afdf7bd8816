"""The investment map (招商地图) and its target list: query, input and output."""

from __future__ import annotations

from marshmallow import fields, validate

from core.models.chains import TARGET_STATUSES
from core.models.enterprises import ENTERPRISE_TAGS
from core.schemas.base import BaseSchema, CreditCode, Money, Name, Page

CODE = validate.Length(min=1, max=64)


class MapQuery(BaseSchema):
    chain = fields.String(validate=CODE, metadata={"description": "只看这条产业链（编码）"})


class CodeName(BaseSchema):
    code = fields.String(metadata={"title": "编码"})
    name = fields.String(allow_none=True, metadata={"title": "名称"})


class MapEnterprise(BaseSchema):
    enterprise_id = fields.Integer(metadata={"title": "企业编号"})
    name = fields.String(metadata={"title": "企业名称"})
    tags = fields.List(fields.String(), metadata={"title": "企业标签"})
    projects = fields.Integer(metadata={"title": "项目数"})
    amount = Money(metadata={"title": "投资额（万元）"})
    units = fields.List(fields.String(), metadata={"title": "落户单位"})


class MapTargetRow(BaseSchema):
    name = fields.String(metadata={"title": "目标企业"})
    source = fields.String(metadata={"title": "来源清单"})
    status_label = fields.String(allow_none=True, metadata={"title": "对接状态"})
    reference = fields.String(allow_none=True, metadata={"description": "来源清单中的记录"})


class MapLink(BaseSchema):
    code = fields.String()
    name = fields.String()
    position = fields.String(metadata={"description": "upstream 上游, midstream 中游, downstream 下游"})
    position_label = fields.String()
    industries = fields.List(fields.Nested(CodeName))
    products = fields.List(fields.String(), metadata={"description": "主要产品或细分领域"})
    enterprises_present = fields.List(fields.Nested(MapEnterprise),
                                      metadata={"description": "已签约、开工或竣工项目的投资企业"})
    project_count = fields.Integer()
    amount = Money()
    targets = fields.List(fields.Nested(MapTargetRow), metadata={"description": "招商目标企业"})
    gap = fields.Boolean(metadata={"description": "缺链：尚无企业落地"})


class MapGap(BaseSchema):
    code = fields.String()
    name = fields.String()
    position = fields.String()
    position_label = fields.String()
    targets = fields.Integer(metadata={"description": "已列入的目标企业数"})


class ChainSummary(BaseSchema):
    links = fields.Integer()
    gaps = fields.Integer()
    enterprises = fields.Integer()
    projects = fields.Integer()
    amount = Money()
    targets = fields.Integer()


class MapPark(BaseSchema):
    code = fields.String(metadata={"title": "园区编码"})
    name = fields.String(metadata={"title": "园区"})
    enterprises = fields.Integer(metadata={"title": "已落地企业数"})


class MapArea(BaseSchema):
    code = fields.String(metadata={"title": "行政区划代码", "description": "GB/T 2260 县级区划"})
    name = fields.String(metadata={"title": "县（区、市）"})
    enterprises = fields.Integer(metadata={"title": "已落地企业数"})
    targets = fields.Integer(metadata={"title": "目标企业数", "description": "按信用代码登记地"})
    parks = fields.List(fields.Nested(MapPark), metadata={"description": "其中各园区"})


class MapUnplaced(BaseSchema):
    enterprises = fields.Integer()
    targets = fields.Integer()


class MapGeography(BaseSchema):
    areas = fields.List(fields.Nested(MapArea), metadata={"description": "本市各县（区、市）"})
    parks = fields.List(fields.Nested(MapPark),
                        metadata={"description": "不属于某一县（区）的园区（如跨县的新区）"})
    targets_elsewhere = fields.Integer(metadata={"description": "登记地在市外的目标企业数"})
    unplaced = fields.Nested(MapUnplaced, metadata={"description": "无法定位到县（区）的企业与目标"})


class MapChain(BaseSchema):
    code = fields.String()
    name = fields.String()
    office = fields.Nested(CodeName, allow_none=True, metadata={"description": "产业链专班"})
    links = fields.List(fields.Nested(MapLink), metadata={"description": "上游 → 中游 → 下游"})
    unplaced = fields.List(fields.Nested(MapEnterprise), metadata={
        "description": "产业属于本链多个环节、未指明环节（attributes.chain_link）的企业"})
    chain_targets = fields.List(fields.Nested(MapTargetRow),
                                metadata={"description": "未指明环节的目标企业"})
    gaps = fields.List(fields.Nested(MapGap))
    summary = fields.Nested(ChainSummary)
    geography = fields.Nested(MapGeography, allow_none=True,
                              metadata={"description": "按县（区）和园区的企业与目标分布（地图）"})


class InvestmentMap(BaseSchema):
    city = fields.String()
    city_name = fields.String()
    chains = fields.List(fields.Nested(MapChain))


class ChainTargetCreate(BaseSchema):
    chain = fields.String(required=True, validate=CODE,
                          metadata={"title": "产业链", "description": "产业链编码"})
    link = fields.String(load_default=None, allow_none=True, validate=CODE,
                         metadata={"title": "环节", "description": "环节编码；不填表示整条链"})
    name = Name(required=True, validate=validate.Length(min=2, max=200),
                         metadata={"title": "目标企业"})
    credit_code = CreditCode(load_default=None, allow_none=True,
                             metadata={"title": "统一社会信用代码"})
    tags = fields.List(fields.String(validate=validate.OneOf(ENTERPRISE_TAGS)), load_default=list,
                       metadata={"title": "企业标签"})
    status = fields.String(load_default="tracking", validate=validate.OneOf(list(TARGET_STATUSES)),
                           metadata={"title": "对接状态代码"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                         metadata={"title": "备注"})


class ChainTargetSchema(ChainTargetCreate):
    id = fields.Integer(dump_only=True, metadata={"title": "编号"})
    status_label = fields.Function(lambda t: TARGET_STATUSES.get(t.status), dump_only=True,
                                   metadata={"title": "对接状态"})
    created_by = fields.String(dump_only=True, metadata={"title": "录入人"})
    created_at = fields.DateTime(dump_only=True, metadata={"title": "录入时间"})


class ChainTargetQuery(Page):
    chain = fields.String(validate=CODE)
    link = fields.String(validate=CODE)
    status = fields.String(validate=validate.OneOf(list(TARGET_STATUSES)))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "企业名称"})
