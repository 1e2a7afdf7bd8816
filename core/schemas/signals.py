"""The anti-gaming signals query and answer."""

from __future__ import annotations

from marshmallow import fields, validate

from core.schemas.base import BaseSchema
from core.schemas.ranges import DateRange


class SignalQuery(DateRange):
    backdate_days = fields.Integer(load_default=None, validate=validate.Range(min=0, max=365),
                                   metadata={"description": "日期早于录入日超过此天数视为倒签"
                                                            "（默认本市 policy.backdate_days）"})


class SignalsSchema(BaseSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    rush = fields.List(fields.Dict(), metadata={"description": "突击上报"})
    backdating = fields.List(fields.Dict(), metadata={
        "description": "倒签：日期早于录入日（kind：transition、lead、funds、date_correction）"})
    duplicate_enterprises = fields.List(fields.Dict(), metadata={"description": "同一企业多单位报送"})
    replanning = fields.List(fields.Dict(), metadata={
        "description": "节点调整：原约定、被调整和新的计划日期，理由，审批人"})
