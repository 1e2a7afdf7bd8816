"""Reward computations and rewards."""

from __future__ import annotations

from marshmallow import fields, validate

from core.schemas.base import BaseSchema, Money, Page
from core.schemas.ranges import DateRange


class RewardCompute(DateRange):
    rules = fields.List(fields.String(), load_default=None, allow_none=True,
                        metadata={"description": "只核定这些奖励规则（默认全部）"})


class RewardQuery(Page):
    run = fields.Integer(metadata={"description": "核定批次"})
    rule = fields.String()
    recipient_type = fields.String(
        validate=validate.OneOf(["unit", "team", "person", "intermediary", "enterprise"]))
    eligible = fields.Boolean()


class RewardSchema(BaseSchema):
    id = fields.Integer()
    run_id = fields.Integer()
    rule_code = fields.String()
    rule_name = fields.String()
    recipient_type = fields.String()
    recipient_id = fields.Integer(allow_none=True)
    recipient_name = fields.String()
    uncapped_amount = Money(metadata={"description": "按公式计算的金额（万元，封顶前）"})
    amount = Money(metadata={"description": "核定金额（万元）"})
    cap = Money(allow_none=True)
    capped = fields.Boolean()
    eligible = fields.Boolean()
    ineligible_reason = fields.String(allow_none=True)
    basis = fields.String()
    project_ids = fields.List(fields.Integer())


class RewardRunSchema(BaseSchema):
    id = fields.Integer()
    period_start = fields.Date(data_key="from")
    period_end = fields.Date(data_key="to")
    rules = fields.List(fields.Dict())
    computed_at = fields.DateTime()
    computed_by = fields.String()
    rewards = fields.List(fields.Nested(RewardSchema))
