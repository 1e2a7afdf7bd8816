"""``/api/v1/rewards``: compute the reward rules for a period, list what was granted."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint

from core.api.registry import operation
from core.api.support import city, current_actor, load_body, load_query, paginate, respond, transaction
from core.models import Reward
from core.permissions import OFFICE, READER
from core.schemas.rewards import RewardCompute, RewardQuery, RewardRunSchema, RewardSchema
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


@operation(blueprint, "/rewards", summary="奖励清单", query=RewardQuery, response=RewardSchema,
           many=True, who=READER)
def list_rewards():
    params = load_query(RewardQuery)
    with transaction() as session:
        query = sa.select(Reward)
        for key, column in (("run", Reward.run_id), ("rule", Reward.rule_code),
                            ("recipient_type", Reward.recipient_type),
                            ("eligible", Reward.eligible)):
            if params.get(key) is not None:
                query = query.where(column == params[key])
        return paginate(session, query, params,
                        {"amount": Reward.amount, "recipient_name": Reward.recipient_name},
                        RewardSchema, Reward.id)
