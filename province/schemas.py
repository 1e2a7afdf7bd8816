"""Query and answer schemas of the province API (validation and OpenAPI)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from core.problems import CodedMessage
from core.schemas.base import BaseSchema, Money
from core.schemas.stats import FiguresSchema
from province.reports import RANKABLE


class RangeQuery(BaseSchema):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")

    @validates_schema
    def _ordered(self, data: dict, **_: object) -> None:
        if data["date_from"] > data["date_to"]:
            raise ValidationError(CodedMessage("range.order", "起始日期不能晚于截止日期"), "from")


class RankingQuery(RangeQuery):
    by = fields.String(load_default="signed_amount", validate=validate.OneOf(RANKABLE),
                       metadata={"description": "排名依据的指标"})


class SharedInvestorsQuery(BaseSchema):
    min_cities = fields.Integer(load_default=2, validate=validate.Range(min=2))


class FreshnessQuery(BaseSchema):
    consumer_lag = fields.Boolean(load_default=True,
                                  metadata={"description": "是否向 Kafka 查询未消费的消息数"})


class CityFiguresSchema(FiguresSchema):
    out_of_province_signed_count = fields.Decimal(as_string=True)
    out_of_province_signed_amount = Money()
    out_of_province_share = fields.Decimal(as_string=True, allow_none=True,
                                           metadata={"description": "省外签约额占比"})
    out_of_province_unknown_count = fields.Decimal(as_string=True, metadata={
        "description": "投资方省份未知（既非省外也非省内）的签约项目数"})
    out_of_province_unknown_amount = Money(metadata={
        "description": "投资方省份未知的签约额（万元）"})
    leads_reported = fields.Integer(metadata={"description": "期间报送线索数"})
    projects = fields.Integer(metadata={"description": "省级掌握的项目总数"})


class CitiesSchema(BaseSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    cities = fields.List(fields.Nested(CityFiguresSchema))


class RankedCitySchema(BaseSchema):
    rank = fields.Integer(allow_none=True)
    city = fields.String()
    city_name = fields.String()
    value = fields.Raw(allow_none=True, metadata={"description": "指标值（小数以字符串表示）"})
    figures = fields.Nested(CityFiguresSchema)


class RankingSchema(BaseSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    by = fields.String()
    cities = fields.List(fields.Nested(RankedCitySchema))


class SightingSchema(BaseSchema):
    kind = fields.String(metadata={"description": "project 或 lead"})
    id = fields.Integer()
    title = fields.String()
    state = fields.String()
    amount = Money(allow_none=True)
    name = fields.String()


class InvestorCitySchema(BaseSchema):
    city = fields.String()
    city_name = fields.String()
    records = fields.List(fields.Nested(SightingSchema))


class SharedInvestorSchema(BaseSchema):
    match = fields.String(metadata={"description": "credit_code 或 name"})
    key = fields.String()
    credit_code = fields.String(allow_none=True)
    names = fields.List(fields.String())
    matched_by_name = fields.Boolean()
    city_count = fields.Integer()
    cities = fields.List(fields.Nested(InvestorCitySchema))


class SharedInvestorsSchema(BaseSchema):
    investors = fields.List(fields.Nested(SharedInvestorSchema))


class FreshnessRowSchema(BaseSchema):
    city = fields.String()
    city_name = fields.String()
    events = fields.Integer()
    last_event_time = fields.DateTime(allow_none=True)
    last_event_type = fields.String(allow_none=True)
    last_received_at = fields.DateTime(allow_none=True)
    lag_seconds = fields.Float(allow_none=True, metadata={"description": "当前时间与最新事件时间之差（秒）"})
    consumer_lag = fields.Integer(allow_none=True, metadata={"description": "尚未消费的消息数"})


class FreshnessSchema(BaseSchema):
    now = fields.DateTime()
    consumer_lag_error = fields.String(allow_none=True)
    cities = fields.List(fields.Nested(FreshnessRowSchema))


class HoldingsSchema(BaseSchema):
    projects = fields.Integer()
    projects_by_stage = fields.Dict(keys=fields.String(), values=fields.Integer())
    signed_amount = Money()
    arrived_amount = Money()
    leads = fields.Integer()


class SnapshotSchema(HoldingsSchema):
    event_id = fields.String()
    sequence = fields.Integer(allow_none=True)
    taken_at = fields.String(allow_none=True)


class DifferenceSchema(BaseSchema):
    field = fields.String()
    city = fields.Raw(allow_none=True)
    province = fields.Raw(allow_none=True)


class CompletenessRowSchema(BaseSchema):
    city = fields.String()
    city_name = fields.String()
    status = fields.String(metadata={"description": "complete, behind, changed_since_snapshot, "
                                                    "mismatch, no_snapshot"})
    snapshot = fields.Nested(SnapshotSchema, allow_none=True)
    province = fields.Nested(HoldingsSchema)
    differences = fields.List(fields.Nested(DifferenceSchema))
    missing_events = fields.Integer(allow_none=True)
    events_after_snapshot = fields.Integer(allow_none=True)


class CompletenessSchema(BaseSchema):
    cities = fields.List(fields.Nested(CompletenessRowSchema))
