"""Assessment schemes, runs, rankings and objections."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from core.periods import PERIOD_KINDS
from core.problems import CodedMessage
from core.schemas.base import BaseSchema, Page


def _points(**kwargs: object) -> fields.Decimal:
    return fields.Decimal(as_string=True, **kwargs)


class IndicatorSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    metric = fields.String()
    points = _points()
    target = _points(allow_none=True)
    cap = _points(allow_none=True)
    basis = fields.String(allow_none=True, metadata={"title": "说明", "description": "指标计算口径"})


class SchemeSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    period = fields.String()
    period_label = fields.Function(lambda s: PERIOD_KINDS.get(s.period))
    unit_kinds = fields.List(fields.String())
    indicators = fields.List(fields.Nested(IndicatorSchema))
    adjustment_cap = _points(allow_none=True)
    total_cap = _points(allow_none=True)
    year = fields.Integer(allow_none=True)


class RunCreate(BaseSchema):
    scheme = fields.String(required=True, metadata={"description": "考核方案编码"})
    period = fields.String(required=True, validate=validate.Length(min=4, max=16),
                           metadata={"description": "考核期：2024-W19、2024-05、2024-Q2、2024-H1 或 2024"})


class RunQuery(Page):
    scheme = fields.String()
    status = fields.String(validate=validate.OneOf(["draft", "published", "superseded"]))


class RunPublish(BaseSchema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "更正理由：同一方案同一考核期已公布过结果时必填，"
                                                    "原结果标记为已被取代"})
    acknowledge_incomplete = fields.Boolean(load_default=False, metadata={
        "description": "确认公布含无法计算项目的（不完整的）结果"})
    # Publication time is the server's: a date sent by the client is refused, never used.
    published_on = fields.Raw(allow_none=True, metadata={
        "description": "不接受：公布时间由服务器记录，异议期自公布当日起按工作日计算"})

    @validates("published_on")
    def _server_time_only(self, value: Any, **kwargs: Any) -> None:
        raise ValidationError(CodedMessage(
            "published_on.server_time", "公布时间由服务器记录，不能指定公布日期"))


class RunSchema(BaseSchema):
    id = fields.Integer()
    version = fields.Integer(dump_only=True)  # the ETag's version (core.api.versions)
    scheme_code = fields.String()
    scheme_name = fields.String()
    period_kind = fields.String()
    period = fields.String(attribute="period_label")
    period_start = fields.Date()
    period_end = fields.Date()
    rules_year = fields.Integer()
    scheme = fields.Dict(metadata={"description": "本次考核所用规则（冻结）"})
    status = fields.String()
    computed_at = fields.DateTime()
    computed_by = fields.String()
    published_on = fields.Date(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    published_by = fields.String(allow_none=True)
    objection_deadline = fields.Date(allow_none=True)
    supersedes_run_id = fields.Integer(allow_none=True, metadata={"title": "取代的考核批次"})
    superseded_by_run_id = fields.Integer(allow_none=True, metadata={"title": "被取代于批次"})
    superseded_at = fields.DateTime(allow_none=True, metadata={"title": "被取代时间"})
    superseded_by = fields.String(allow_none=True, metadata={"title": "取代操作人"})
    supersession_reason = fields.String(allow_none=True, metadata={"title": "取代原因"})
    not_computed = fields.List(fields.Dict(), metadata={
        "title": "无法计算的考核项目",
        "description": "无法计算的考核项目：[{item, name, reason, units}]；非空即排名不完整"})
    complete = fields.Boolean(metadata={"title": "考核项目是否全部计算",
                                        "description": "全部考核项目均已计算"})


class AdjustmentSchema(BaseSchema):
    points = _points()
    reason = fields.String()
    source = fields.String()
    exempted = fields.Boolean()
    exemption_reason = fields.String(allow_none=True)
    approver = fields.String(allow_none=True)
    counted = fields.Boolean()


class RankingItemSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    points = fields.String(allow_none=True)
    computable = fields.Boolean()
    reason = fields.String(allow_none=True)


class RankingRowSchema(BaseSchema):
    rank = fields.Integer()
    unit = fields.String()
    unit_name = fields.String()
    values = fields.Dict(keys=fields.String(), values=fields.String())
    points = fields.Dict(keys=fields.String(), values=fields.String())
    indicator_total = _points()
    adjustment_uncapped = _points()
    adjustment_total = _points()
    total = _points()
    adjustments = fields.List(fields.Nested(AdjustmentSchema))
    complete = fields.Boolean()
    items = fields.List(fields.Nested(RankingItemSchema), metadata={
        "description": "各考核项目：得分，或无法计算（computable: false）及原因"})


class RankingSchema(BaseSchema):
    run = fields.Nested(RunSchema)
    rows = fields.List(fields.Nested(RankingRowSchema))


class ObjectionCreate(BaseSchema):
    unit = fields.String(required=True, metadata={"description": "提出异议的单位编码"})
    text = fields.String(required=True, validate=validate.Length(min=2, max=4000))


class ObjectionAnswer(BaseSchema):
    answer = fields.String(required=True, validate=validate.Length(min=2, max=4000))


class ObjectionSchema(BaseSchema):
    id = fields.Integer()
    version = fields.Integer(dump_only=True)  # the ETag's version (core.api.versions)
    run_id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    text = fields.String()
    filed_on = fields.Date()
    filed_at = fields.DateTime()
    filed_by = fields.String()
    status = fields.String()
    answer = fields.String(allow_none=True)
    answered_by = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
