"""The anti-gaming signals query and answer."""

from __future__ import annotations

from marshmallow import fields, validate

from core.schemas.base import BaseSchema
from core.schemas.ranges import DateRange
from core.signals import DEFAULT_BACKDATE_DAYS


class SignalQuery(DateRange):
    backdate_days = fields.Integer(load_default=DEFAULT_BACKDATE_DAYS,
                                   validate=validate.Range(min=0, max=365),
                                   metadata={"description": "日期早于录入日超过此天数视为倒签"})


class SignalsSchema(BaseSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    rush = fields.List(fields.Dict(), metadata={"description": "突击上报"})
    backdating = fields.List(fields.Dict(), metadata={"description": "倒签：日期早于录入日"})
    duplicate_enterprises = fields.List(fields.Dict(), metadata={"description": "同一企业多单位报送"})
