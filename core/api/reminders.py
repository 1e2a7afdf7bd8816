"""``/api/v1/reminders``: how one is reminded of one's to-dos, and what was sent.

A person manages their own subscriptions (``SIGNED_IN``: the view only ever touches the
caller's); the office manages a unit's (the unit's clerks' to-dos, to the unit's group robot or
mailbox) and reads every delivery with its attempts (the reminders' audit log).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from core.api.registry import operation
from core.api.support import (
    current_actor,
    dumper,
    load_body,
    load_query,
    paginate,
    respond,
    transaction,
)
from core.models.reminders import ReminderDelivery, ReminderSubscription
from core.permissions import OFFICE, READER, SIGNED_IN
from core.problems import Problem
from core.schemas.reminders import (
    DeliveryQuery,
    DeliverySchema,
    SubscriptionCreate,
    SubscriptionList,
    SubscriptionQuery,
    SubscriptionSchema,
    UnitSubscriptionCreate,
)
from core.services.lookups import unit_by_code
from core.todos import OFFICE_ROLES

blueprint = Blueprint("reminders", __name__)


def _subscription(data: dict, **who: object) -> ReminderSubscription:
    return ReminderSubscription(channel=data["channel"], address=data["address"],
                                secret_env=data.get("secret_env"), mode=data["mode"],
                                active=True, created_by=current_actor().user, **who)


@operation(blueprint, "/reminders/subscriptions", summary="我的提醒方式（办公室另见各单位的）",
           query=SubscriptionQuery, response=SubscriptionList, who=READER)
def list_subscriptions():
    params = load_query(SubscriptionQuery)
    actor = current_actor()
    mine = sa.and_(ReminderSubscription.scope == "person", ReminderSubscription.user == actor.user)
    seen = sa.or_(mine, ReminderSubscription.scope == "unit") \
        if actor.role in OFFICE_ROLES else mine
    query = sa.select(ReminderSubscription).where(seen, ReminderSubscription.active.is_(True))
    if params.get("scope"):
        query = query.where(ReminderSubscription.scope == params["scope"])
    with transaction() as session:
        rows = session.scalars(query.order_by(ReminderSubscription.id)).all()
        return jsonify(dumper(SubscriptionList).dump({"items": rows}))


@operation(blueprint, "/reminders/subscriptions", "POST", summary="订阅本人待办提醒（邮件或群机器人）",
           body=SubscriptionCreate, response=SubscriptionSchema, status=201, errors=(400, 403),
           who=SIGNED_IN)
def subscribe():
    """Always for the caller: their user, role and unit (and a leader's name) as signed."""
    data = load_body(SubscriptionCreate)
    actor = current_actor()
    with transaction() as session:
        row = _subscription(data, scope="person", user=actor.user, role=actor.role,
                            unit_code=actor.unit, leader_name=data.get("name"))
        session.add(row)
        session.flush()
        return respond(SubscriptionSchema, row, 201)


@operation(blueprint, "/reminders/unit-subscriptions", "POST",
           summary="为单位订阅待办提醒（该单位经办人的待办）", body=UnitSubscriptionCreate,
           response=SubscriptionSchema, status=201, errors=(400, 403), who=OFFICE)
def subscribe_unit():
    data = load_body(UnitSubscriptionCreate)
    with transaction() as session:
        unit = unit_by_code(session, data["unit"], "unit")
        row = _subscription(data, scope="unit", user=None, role="clerk", unit_code=unit.code,
                            leader_name=None)
        session.add(row)
        session.flush()
        return respond(SubscriptionSchema, row, 201)


@operation(blueprint, "/reminders/subscriptions/<int:subscription_id>", "DELETE",
           summary="取消提醒（本人的；单位的由市招商部门取消）", status=204, errors=(403, 404),
           who=SIGNED_IN)
def unsubscribe(subscription_id: int):
    """Stops the reminders; the subscription stays with its deliveries (their history)."""
    actor = current_actor()
    with transaction() as session:
        row = session.get(ReminderSubscription, subscription_id)
        if row is None or not row.active:
            raise Problem(404, "not_found", "未找到", f"提醒 {subscription_id} 不存在")
        own = row.scope == "person" and row.user == actor.user
        if not own and not (row.scope == "unit" and actor.role in OFFICE_ROLES):
            raise Problem(403, "forbidden_owner", "无权操作",
                          "只能取消本人的提醒；单位的提醒由市招商部门取消")
        row.active = False
    return "", 204


@operation(blueprint, "/reminders/deliveries", summary="提醒发送记录（每次尝试及结果）",
           query=DeliveryQuery, response=DeliverySchema, many=True, who=OFFICE)
def list_deliveries():
    params = load_query(DeliveryQuery)
    query = sa.select(ReminderDelivery)
    if params.get("status"):
        query = query.where(ReminderDelivery.status == params["status"])
    with transaction() as session:
        return paginate(session, query, params,
                        {"day": ReminderDelivery.day, "attempts": ReminderDelivery.attempts},
                        DeliverySchema, ReminderDelivery.id.desc())
