"""Reward computations and the reward ledger (lines, decisions, payments)."""

from __future__ import annotations

from marshmallow import fields, validate

from core.schemas.base import BaseSchema, Money, Page, SortKey
from core.schemas.ranges import DateRange


class RewardCompute(DateRange):
    rules = fields.List(fields.String(), load_default=None, allow_none=True,
                        metadata={"description": "只核定这些奖励规则（默认全部）"})


STATES = ["proposed", "approved", "rejected", "paid", "superseded"]
STATE_LABELS = {"proposed": "待审批", "approved": "已批准", "rejected": "已驳回", "paid": "已支付",
                "superseded": "已被重新核定取代"}


class RewardQuery(Page):
    sort = SortKey("id", "recipient_name", "year", "amount", "state", "paid_on")
    run = fields.Integer(metadata={"description": "核定批次"})
    rule = fields.String()
    recipient_type = fields.String(
        validate=validate.OneOf(["unit", "team", "person", "intermediary", "enterprise"]))
    recipient_id = fields.Integer(metadata={"description": "领取人编号"})
    recipient = fields.String(validate=validate.Length(max=200),
                              metadata={"description": "领取人名称（包含）"})
    state = fields.String(validate=validate.OneOf(STATES),
                          metadata={"description": "状态：proposed 待审批、approved 已批准、"
                                                   "rejected 已驳回、paid 已支付、superseded 已取代"})
    year = fields.Integer(validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "核定期间所在年度"})
    eligible = fields.Boolean()


class RewardItemSchema(BaseSchema):
    key = fields.String(metadata={"title": "依据"})
    amount = Money(metadata={"title": "金额（万元，封顶前）"})


class RewardSchema(BaseSchema):
    id = fields.Integer()
    run_id = fields.Integer(metadata={"title": "核定批次"})
    rule_code = fields.String(metadata={"title": "奖励规则代码"})
    rule_name = fields.String(metadata={"title": "奖励规则"})
    recipient_type = fields.String(metadata={"title": "领取人类别"})
    recipient_id = fields.Integer(allow_none=True, metadata={"title": "领取人编号"})
    recipient_name = fields.String(metadata={"title": "领取人"})
    year = fields.Integer(allow_none=True, metadata={"title": "年度"})
    uncapped_amount = Money(metadata={"description": "按公式计算的应奖金额（万元，封顶前）"})
    amount = Money(metadata={"description": "核定金额（万元，封顶和扣减已核定部分之后）",
                             "title": "核定金额（万元）"})
    cap = Money(allow_none=True)
    capped = fields.Boolean(metadata={"title": "已封顶核减"})
    eligible = fields.Boolean(metadata={"title": "符合领取条件"})
    ineligible_reason = fields.String(allow_none=True, metadata={"title": "不予奖励原因"})
    reductions = fields.List(fields.String(), metadata={"title": "核减与不予奖励说明"})
    basis = fields.String(metadata={"title": "计算依据"})
    project_ids = fields.List(fields.Integer(), metadata={"title": "项目编号"})
    tranche_ids = fields.Method("_tranche_ids", metadata={"title": "到位资金编号"})
    ranking_run_id = fields.Integer(allow_none=True, metadata={"title": "考核结果编号"})
    items = fields.List(fields.Nested(RewardItemSchema),
                        metadata={"title": "依据明细", "export": False})
    scope_key = fields.String(allow_none=True, metadata={"title": "封顶范围", "export": False})
    state = fields.String(metadata={"title": "状态代码"})
    state_label = fields.Method("_state_label", metadata={"title": "状态"})
    superseded_by_id = fields.Integer(allow_none=True, metadata={"title": "被奖励取代"})
    decided_by = fields.String(allow_none=True, metadata={"title": "审批人"})
    decided_at = fields.DateTime(allow_none=True, metadata={"title": "审批时间"})
    decision_reason = fields.String(allow_none=True, metadata={"title": "审批理由"})
    voucher_ref = fields.String(allow_none=True, metadata={"title": "支付凭证号"})
    paid_on = fields.Date(allow_none=True, metadata={"title": "支付日期"})
    paid_by = fields.String(allow_none=True, metadata={"title": "支付登记人"})
    version = fields.Integer(metadata={"export": False})

    def _tranche_ids(self, reward) -> list[int]:
        return [int(item["key"].split(":", 1)[1]) for item in reward.items or []
                if item["key"].startswith("tranche:")]

    def _state_label(self, reward) -> str:
        return STATE_LABELS.get(reward.state, reward.state)


class RewardChangeSchema(BaseSchema):
    action = fields.String(metadata={"title": "操作"})
    actor = fields.String(metadata={"title": "操作人"})
    at = fields.DateTime(metadata={"title": "时间"})
    reason = fields.String(allow_none=True)
    changes = fields.Dict()


class RewardDetailSchema(RewardSchema):
    changes = fields.List(fields.Nested(RewardChangeSchema), metadata={"title": "审批记录"})


class RewardDecision(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "批准或驳回的理由"})


class RewardPayment(BaseSchema):
    voucher_ref = fields.String(required=True, validate=validate.Length(min=1, max=200),
                                metadata={"description": "支付凭证号（本市唯一）"})
    paid_on = fields.Date(required=True, metadata={"description": "支付日期（不晚于今天，不早于批准日期）"})


class RewardRunSchema(BaseSchema):
    id = fields.Integer()
    period_start = fields.Date(data_key="from")
    period_end = fields.Date(data_key="to")
    rules = fields.List(fields.Dict())
    computed_at = fields.DateTime()
    computed_by = fields.String()
    rewards = fields.List(fields.Nested(RewardSchema))
