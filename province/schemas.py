"""Query and answer schemas of the province API (validation and OpenAPI)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from core.problems import CodedMessage
from core.schemas.base import BaseSchema, Money, Page
from core.schemas.stats import FiguresSchema
from province.dead_letters import MAX_REASON, STATUSES
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
    out_of_province = fields.Nested(FiguresSchema, metadata={
        "description": "省外项目的指标（签约、开工、到位及其比率），口径与市级省外统计相同"})
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
    dead_letters = fields.Integer(metadata={"description": "被搁置、待处理的消息数（未计入 events）"})
    last_dead_letter_at = fields.DateTime(allow_none=True,
                                          metadata={"description": "最近一条死信的收到时间"})


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
    status = fields.String(metadata={"description": "complete, behind, dead_letters, "
                                                    "changed_since_snapshot, mismatch, no_snapshot"})
    snapshot = fields.Nested(SnapshotSchema, allow_none=True)
    province = fields.Nested(HoldingsSchema)
    differences = fields.List(fields.Nested(DifferenceSchema))
    missing_events = fields.Integer(allow_none=True, metadata={
        "description": "快照前市里写出、省里既未应用也未搁置的事件数"})
    events_after_snapshot = fields.Integer(allow_none=True)
    received_before_snapshot = fields.Integer(allow_none=True, metadata={
        "description": "快照前的事件中省里已应用的数量（含已清理的收件记录）"})
    dead_letters_before_snapshot = fields.Integer(allow_none=True, metadata={
        "description": "快照前的事件中被搁置、待处理的数量"})
    discarded_before_snapshot = fields.Integer(allow_none=True, metadata={
        "description": "快照前的事件中被搁置后已放弃的数量（不计为缺失）"})


class CompletenessSchema(BaseSchema):
    cities = fields.List(fields.Nested(CompletenessRowSchema))


# --------------------------------------------------------------------------- dead letters


def _city_name(code: str) -> str:
    """A city's name as the serving province configures it (its code outside a request)."""
    from flask import current_app, has_app_context

    runtime = current_app.extensions.get("zhaoshang_province") if has_app_context() else None
    return runtime.config.city_name(code) if runtime is not None else code


class DeadLetterQuery(Page):
    city = fields.String(metadata={"description": "城市编码（死信来自该市的主题）"})
    status = fields.String(validate=validate.OneOf(STATUSES),
                           metadata={"description": "held（待处理）/ replayed（已重放）/ "
                                                    "discarded（已放弃）"})


class DeadLetterSchema(BaseSchema):
    id = fields.Integer(metadata={"title": "编号"})
    city = fields.String(metadata={"title": "城市编码", "description": "死信所在主题的城市"})
    city_name = fields.Method("_name", metadata={"title": "城市"})
    topic = fields.String(metadata={"title": "主题"})
    partition = fields.Integer(metadata={"title": "分区"})
    offset = fields.Integer(metadata={"title": "偏移量"})
    reason = fields.String(metadata={"title": "原因代码"})
    detail = fields.String(metadata={"title": "原因说明"})
    event_id = fields.String(allow_none=True, metadata={"title": "事件编号（如可读）"})
    event_type = fields.String(allow_none=True, metadata={"title": "事件类型（如可读）"})
    sequence = fields.Integer(allow_none=True, metadata={"title": "序号（如可读）"})
    record_time = fields.DateTime(allow_none=True, metadata={"title": "Kafka 记录时间"})
    received_at = fields.DateTime(metadata={"title": "收到时间"})
    status = fields.String(metadata={"title": "状态", "description": "held / replayed / discarded"})
    status_label = fields.Function(lambda letter: STATUSES.get(letter.status, letter.status),
                                   metadata={"title": "状态说明"})
    attempts = fields.Integer(metadata={"title": "重放次数"})
    resolved_at = fields.DateTime(allow_none=True, metadata={"title": "处理时间"})
    resolved_by = fields.String(allow_none=True, metadata={"title": "处理人"})
    resolution = fields.String(allow_none=True, metadata={"title": "处理结果"})
    published_at = fields.DateTime(allow_none=True,
                                   metadata={"title": "写入死信主题时间（空：尚未写入）"})

    def _name(self, letter: object) -> str:
        return _city_name(letter.city)  # type: ignore[attr-defined]


class RawBytesSchema(BaseSchema):
    encoding = fields.String(metadata={"description": "utf-8（data 为原文）或 base64"})
    data = fields.String(allow_none=True)
    hex = fields.String(allow_none=True, metadata={"description": "非 UTF-8 时的十六进制"})
    size = fields.Integer(metadata={"description": "字节数"})


class RawHeaderSchema(RawBytesSchema):
    name = fields.String()
    encoding = fields.String(allow_none=True, metadata={"description": "utf-8、base64；空值为 null"})


class DeadLetterDetailSchema(DeadLetterSchema):
    key = fields.Nested(RawBytesSchema, allow_none=True)
    headers = fields.List(fields.Nested(RawHeaderSchema))
    value = fields.Nested(RawBytesSchema, allow_none=True)
    value_text = fields.String(allow_none=True,
                               metadata={"description": "消息体的可读文本（JSON 缩进显示）"})


class DiscardBody(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(max=MAX_REASON),
                           metadata={"description": "放弃的理由"})


class ReplaySchema(BaseSchema):
    outcome = fields.String(metadata={"description": "applied（已应用）或 duplicate（已应用过）"})
    letter = fields.Nested(DeadLetterSchema)
