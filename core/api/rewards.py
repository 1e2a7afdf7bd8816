"""``/api/v1/rewards``: the reward ledger — compute the rules for a period (proposed lines), list
and export the lines, approve or reject each, record its payment."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint

from core.api.record_units import REWARD
from core.api.registry import operation
from core.api.support import city, current_actor, load_body, load_query, paginate, respond, transaction
from core.models import Reward
from core.permissions import OFFICE, READER
from core.problems import not_found
from core.schemas.rewards import (
    RewardCompute,
    RewardDecision,
    RewardDetailSchema,
    RewardPayment,
    RewardQuery,
    RewardRunSchema,
    RewardSchema,
)
from core.services import rewards as reward_service

blueprint = Blueprint("rewards", __name__)


@operation(blueprint, "/rewards", "POST", summary="核定一个期间的奖励（封顶、资格审查）",
           body=RewardCompute, response=RewardRunSchema, status=201, errors=(400, 403), who=OFFICE)
def compute_rewards():
    """Runs the city's reward rules; each reward names its basis and projects."""
    data = load_body(RewardCompute)
    with transaction() as session:
        run = reward_service.compute_rewards(session, city(), data, current_actor())
        return respond(RewardRunSchema, run, 201)


@operation(blueprint, "/rewards", summary="奖励台账", query=RewardQuery, response=RewardSchema,
           many=True, who=READER)
def list_rewards():
    params = load_query(RewardQuery)
    with transaction() as session:
        query = sa.select(Reward)
        for key, column in (("run", Reward.run_id), ("rule", Reward.rule_code),
                            ("recipient_type", Reward.recipient_type),
                            ("recipient_id", Reward.recipient_id), ("state", Reward.state),
                            ("year", Reward.year), ("eligible", Reward.eligible)):
            if params.get(key) is not None:
                query = query.where(column == params[key])
        if params.get("recipient"):
            query = query.where(Reward.recipient_name.contains(params["recipient"].strip(),
                                                               autoescape=True))
        return paginate(session, query, params,
                        {"amount": Reward.amount, "recipient_name": Reward.recipient_name,
                         "id": Reward.id, "paid_on": Reward.paid_on, "year": Reward.year,
                         "state": Reward.state},
                        RewardSchema, Reward.id)


def _reward(session, reward_id: int) -> Reward:
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise not_found("奖励", reward_id)
    return reward


@operation(blueprint, "/rewards/<int:reward_id>", summary="奖励明细（依据、核减、审批记录）",
           response=RewardDetailSchema, errors=(404,), who=READER, record=REWARD)
def get_reward(reward_id: int):
    with transaction() as session:
        return respond(RewardDetailSchema, _reward(session, reward_id))


@operation(blueprint, "/rewards/<int:reward_id>/approve", "POST", summary="批准奖励",
           body=RewardDecision, response=RewardDetailSchema, errors=(400, 403, 404, 409, 412),
           who=OFFICE, record=REWARD)
def approve_reward(reward_id: int):
    """Checked again against everything approved or paid: a cap holds, an item is paid once."""
    data = load_body(RewardDecision)
    with transaction() as session:
        reward = reward_service.approve(session, city(), _reward(session, reward_id), data,
                                        current_actor())
        return respond(RewardDetailSchema, reward)


@operation(blueprint, "/rewards/<int:reward_id>/reject", "POST", summary="驳回奖励",
           body=RewardDecision, response=RewardDetailSchema, errors=(400, 403, 404, 409, 412),
           who=OFFICE, record=REWARD)
def reject_reward(reward_id: int):
    data = load_body(RewardDecision)
    with transaction() as session:
        reward = reward_service.reject(session, city(), _reward(session, reward_id), data,
                                       current_actor())
        return respond(RewardDetailSchema, reward)


@operation(blueprint, "/rewards/<int:reward_id>/payment", "POST", summary="登记奖励支付",
           body=RewardPayment, response=RewardDetailSchema,
           errors=(400, 403, 404, 409, 412, 422), who=OFFICE, record=REWARD)
def pay_reward(reward_id: int):
    """The voucher is unique in the city; the day is neither in the future nor before approval."""
    data = load_body(RewardPayment)
    with transaction() as session:
        reward = reward_service.pay(session, city(), _reward(session, reward_id), data,
                                    current_actor())
        return respond(RewardDetailSchema, reward)
