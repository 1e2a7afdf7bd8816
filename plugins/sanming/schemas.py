"""Input and output of Sanming's own API (``/api/v1/sanming/…``)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from core.toolkit import BaseSchema, CodedMessage, MoneyField, Name, Page, city_today
from plugins.sanming.models import (
    ACCOUNTABILITY_KINDS,
    LEGAL_FINDINGS,
    MEASURES,
    MEETING_KINDS,
    RESOURCE_KINDS,
    RESOURCE_STATUSES,
)


class DateRangeQuery(BaseSchema):
    date_from = fields.Date(load_default=None, data_key="from")
    date_to = fields.Date(load_default=None, data_key="to")

    @validates_schema
    def _ordered(self, data: dict, **_: object) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(CodedMessage("range.order", "起始日期不能晚于截止日期"), "from")


# -- chains and maps ---------------------------------------------------------


class ChainSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    industry = fields.String()
    industry_name = fields.String(allow_none=True)
    tier = fields.String(allow_none=True, metadata={"description": "主导/优势/扶持产业"})
    maps = fields.List(fields.Dict())
    projects = fields.Integer()
    landed_projects = fields.Integer()
    landed_amount = MoneyField()


class MapSummarySchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    chain = fields.String()
    chain_name = fields.String()
    targets = fields.Integer()
    gaps = fields.Integer()


class LinkProjectSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    enterprise = fields.String()
    amount = MoneyField()
    stage = fields.String()
    stage_label = fields.String()


class LinkSchema(BaseSchema):
    position = fields.String()
    position_label = fields.String()
    name = fields.String()
    present = fields.List(fields.String(), metadata={"description": "已有企业"})
    targets = fields.List(fields.String(), metadata={"description": "招引目标"})
    gaps = fields.List(fields.String(), metadata={"description": "缺失环节"})
    gap_being_filled = fields.Boolean()
    projects = fields.List(fields.Nested(LinkProjectSchema))


class MapSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    chain = fields.String()
    chain_name = fields.String()
    industry = fields.String()
    industry_name = fields.String(allow_none=True)
    links = fields.List(fields.Nested(LinkSchema))


class IndustryTierSchema(BaseSchema):
    tier = fields.String()
    industries = fields.List(fields.Dict())


# -- key projects and lead points --------------------------------------------


class KeyProjectSchema(BaseSchema):
    project_id = fields.Integer()
    name = fields.String()
    enterprise = fields.String()
    industry = fields.String(allow_none=True)
    amount = MoneyField()
    basis = fields.String(metadata={"description": "认定依据"})
    commissioner = fields.String(allow_none=True, metadata={"description": "招商专员"})
    stage = fields.String()
    finding_unit = fields.String()
    host_unit = fields.String()
    matters = fields.Integer(metadata={"description": "一事一议事项数"})


class LeadPointsQuery(DateRangeQuery):
    unit = fields.String(load_default=None)


class PointsRowSchema(BaseSchema):
    unit = fields.String()
    unit_name = fields.String(allow_none=True)
    reported = fields.Integer()
    valid = fields.Integer()
    signed = fields.Integer()
    started = fields.Integer()
    linked_reports = fields.Integer(metadata={"description": "关联报送（不计分）条数"})
    points = fields.Integer()


class PointEntrySchema(BaseSchema):
    unit = fields.String(attribute="unit_code")
    lead_id = fields.Integer()
    enterprise = fields.String()
    event = fields.String()
    event_label = fields.String()
    on = fields.Date()
    points = fields.Integer()
    project_id = fields.Integer(allow_none=True)


class LeadPointsSchema(BaseSchema):
    date_from = fields.Date(allow_none=True, data_key="from")
    date_to = fields.Date(allow_none=True, data_key="to")
    units = fields.List(fields.Nested(PointsRowSchema))
    entries = fields.List(fields.Nested(PointEntrySchema))


class BattleQuery(BaseSchema):
    month = fields.String(load_default=None, metadata={"description": "月份，如 2024-05"})


class BattleRowSchema(BaseSchema):
    rank = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    unit_name = fields.String()
    leads_reported = fields.Integer()
    leads_linked = fields.Integer()
    lead_points = fields.Decimal(as_string=True)
    signed_count = fields.Decimal(as_string=True)
    signed_amount = MoneyField()
    key_signed = fields.Integer()
    started_count = fields.Decimal(as_string=True)
    arrived_amount = MoneyField()
    legal_failed = fields.Integer(metadata={"description": "当月法规账审查不通过的项目数"})


class BattleReportSchema(BaseSchema):
    month = fields.String()
    rows = fields.List(fields.Nested(BattleRowSchema))
    export = fields.String(metadata={"description": "Excel 导出地址"})


# -- rolling evaluation and discipline ------------------------------------------


class RollingCheckInput(BaseSchema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                          metadata={"description": "开工后第几年"})
    checked_on = fields.Date(load_default=city_today)
    in_statistics = fields.Boolean(required=True, metadata={"description": "有没有入统"})
    paying_tax = fields.Boolean(required=True, metadata={"description": "有没有税收"})
    investment_as_declared = fields.Boolean(required=True,
                                            metadata={"description": "投资额对不对"})
    verified_amount = MoneyField(load_default=None, allow_none=True)
    serious = fields.Boolean(load_default=False,
                             metadata={"description": "弄虚作假情节严重"})
    note = fields.String(load_default=None, allow_none=True)


class RollingCheckSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    year = fields.Integer(attribute="year_index")
    due_on = fields.Date()
    checked_on = fields.Date()
    in_statistics = fields.Boolean()
    paying_tax = fields.Boolean()
    investment_as_declared = fields.Boolean()
    declared_amount = MoneyField()
    verified_amount = MoneyField(allow_none=True)
    false_report = fields.Boolean()
    serious = fields.Boolean()
    note = fields.String(allow_none=True)
    checked_by = fields.String()


class LegalReviewInput(BaseSchema):
    """One item of the 法规账: its finding, the reviewing department and the reviewer."""

    finding = fields.String(required=True, validate=validate.OneOf(list(LEGAL_FINDINGS)),
                            metadata={"description": "审查结论：pass 通过、fail 不通过、"
                                                     "not_applicable 不涉及（须说明理由）"})
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(min=2, max=2000),
                           metadata={"description": "不通过或不涉及的理由"})
    department = fields.String(load_default=None, allow_none=True,
                               validate=validate.Length(min=2, max=100),
                               metadata={"description": "审查部门（默认为该事项配置的部门）"})
    reviewer = fields.String(required=True, validate=validate.Length(min=2, max=100),
                             metadata={"description": "审查人"})
    reviewed_on = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "审查日期（默认今天，不能晚于今天）"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    change_reason = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(min=2, max=2000),
                                  metadata={"description": "重新登记（更正）的理由"})


class LegalReviewRecordSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    item = fields.String()
    finding = fields.String()
    finding_label = fields.Function(lambda r: LEGAL_FINDINGS[r.finding])
    reason = fields.String(allow_none=True)
    department = fields.String()
    reviewer = fields.String()
    reviewed_on = fields.Date()
    note = fields.String(allow_none=True)
    supersedes_id = fields.Integer(allow_none=True)
    change_reason = fields.String(allow_none=True)
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class LegalReviewItemSchema(BaseSchema):
    item = fields.String()
    item_name = fields.String()
    finding = fields.String(allow_none=True)
    finding_label = fields.String()
    reason = fields.String(allow_none=True)
    department = fields.String()
    reviewer = fields.String(allow_none=True)
    reviewed_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    versions = fields.Integer(metadata={"description": "登记次数（重新登记不覆盖，保留历史）"})
    history = fields.List(fields.Nested(LegalReviewRecordSchema))


class LegalReviewSchema(BaseSchema):
    project_id = fields.Integer()
    project_name = fields.String()
    status = fields.String(metadata={"description": "passed、failed 或 incomplete"})
    status_label = fields.String()
    missing = fields.List(fields.String())
    failed = fields.List(fields.String())
    items = fields.List(fields.Nested(LegalReviewItemSchema))


class LegalReviewQuery(BaseSchema):
    project_id = fields.Integer(required=True, metadata={"description": "项目编号"})


class RollingQuery(BaseSchema):
    as_of = fields.Date(load_default=city_today)


class RollingYearSchema(BaseSchema):
    year = fields.Integer()
    due_on = fields.Date()
    status = fields.String()
    status_label = fields.String()
    check_id = fields.Integer(allow_none=True)
    failed = fields.List(fields.String())


class RollingScheduleSchema(BaseSchema):
    project_id = fields.Integer()
    name = fields.String()
    host_unit = fields.String()
    started_on = fields.Date()
    years = fields.List(fields.Nested(RollingYearSchema))


class CaseQuery(DateRangeQuery):
    kind = fields.String(load_default=None, validate=validate.OneOf(list(ACCOUNTABILITY_KINDS)))
    unit = fields.String(load_default=None)


class CaseCreate(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(ACCOUNTABILITY_KINDS)))
    project_id = fields.Integer(required=True, strict=True)
    opened_on = fields.Date(load_default=city_today)
    detail = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    serious = fields.Boolean(load_default=False)


class CaseDecision(BaseSchema):
    measure = fields.String(required=True, validate=validate.OneOf(list(MEASURES)))
    decided_on = fields.Date(load_default=city_today)
    note = fields.String(load_default=None, allow_none=True)


class CaseSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda c: ACCOUNTABILITY_KINDS[c.kind])
    project_id = fields.Integer(allow_none=True)
    unit = fields.Function(lambda c: c.unit_code)
    opened_on = fields.Date()
    detail = fields.String()
    proposed_measure = fields.String()
    measure = fields.String(allow_none=True)
    measure_label = fields.Function(lambda c: MEASURES[c.effective_measure])
    decision_note = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    rolling_check_id = fields.Integer(allow_none=True)


# -- park resources --------------------------------------------------------------


class ResourceQuery(Page):
    kind = fields.String(validate=validate.OneOf(list(RESOURCE_KINDS)))
    park = fields.String(metadata={"description": "园区单位编码"})
    status = fields.String(validate=validate.OneOf(list(RESOURCE_STATUSES)))


class ResourceCreate(BaseSchema):
    park = fields.String(required=True, metadata={"description": "园区单位编码"})
    kind = fields.String(required=True, validate=validate.OneOf(list(RESOURCE_KINDS)))
    name = Name(required=True, validate=validate.Length(min=2, max=200))
    location = fields.String(load_default=None, allow_none=True)
    area = fields.Decimal(load_default=None, allow_none=True, as_string=True, places=2,
                          validate=validate.Range(min=0, min_inclusive=False))
    area_unit = fields.String(load_default=None, allow_none=True,
                              validate=validate.OneOf(["亩", "平方米"]))
    reference_price = MoneyField(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _area_with_unit(self, data: dict, **_: object) -> None:
        if data.get("area") is not None and not data.get("area_unit"):
            raise ValidationError(CodedMessage("area.unit", "填写面积时须注明单位（亩或平方米）"),
                                  "area_unit")


class ResourceOffer(BaseSchema):
    offered_to = fields.String(required=True, validate=validate.Length(min=2, max=200),
                               metadata={"description": "推介对象（投资方）"})
    offered_on = fields.Date(load_default=city_today)


class ResourceTake(BaseSchema):
    project_id = fields.Integer(required=True, strict=True)
    taken_on = fields.Date(load_default=city_today)


class ResourceSchema(BaseSchema):
    id = fields.Integer()
    park = fields.Function(lambda r: r.park_code)
    kind = fields.String()
    kind_label = fields.Function(lambda r: RESOURCE_KINDS[r.kind])
    name = fields.String()
    location = fields.String(allow_none=True)
    area = fields.Decimal(as_string=True, allow_none=True)
    area_unit = fields.String(allow_none=True)
    reference_price = MoneyField(allow_none=True)
    description = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.Function(lambda r: RESOURCE_STATUSES[r.status])
    offered_to = fields.String(allow_none=True)
    offered_on = fields.Date(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    taken_on = fields.Date(allow_none=True)


class ResourceSummarySchema(BaseSchema):
    park = fields.String()
    park_name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    available = fields.Integer()
    offered = fields.Integer()
    taken = fields.Integer()


# -- tax settlements and meetings --------------------------------------------------


class SettlementCreate(BaseSchema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2021, max=2100))
    local_tax = MoneyField(required=True, metadata={"description": "地方级税收（万元）"})


class SettlementConfirm(BaseSchema):
    confirmed_on = fields.Date(load_default=city_today)


class SettlementSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    year = fields.Integer()
    local_tax = MoneyField()
    from_unit = fields.Function(lambda s: s.from_unit_code, metadata={"description": "招商方"})
    to_unit = fields.Function(lambda s: s.to_unit_code, metadata={"description": "落户方"})
    from_share = fields.Decimal(as_string=True)
    from_amount = MoneyField()
    to_amount = MoneyField()
    confirmed_by_from = fields.String(allow_none=True)
    confirmed_by_to = fields.String(allow_none=True)
    settled_on = fields.Date(allow_none=True)


class MeetingCreate(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(MEETING_KINDS)))
    group = fields.String(load_default=None, allow_none=True,
                          metadata={"description": "工作组单位编码（工作组推进会）"})
    held_on = fields.Date(required=True)
    chair = Name(required=True, validate=validate.Length(min=2, max=100))
    topics = fields.String(load_default=None, allow_none=True)
    decisions = fields.String(load_default=None, allow_none=True)


class MeetingSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    group = fields.Function(lambda m: m.group_code)
    held_on = fields.Date()
    chair = fields.String()
    topics = fields.String(allow_none=True)
    decisions = fields.String(allow_none=True)


class ComplianceQuery(BaseSchema):
    year = fields.Integer(load_default=lambda: city_today().year,
                          validate=validate.Range(min=2021, max=2100))
