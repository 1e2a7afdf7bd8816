"""``/api/v1/matters``: 一事一议 requests, proposals, work orders, decisions, conditions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint

from core.api.record_units import (
    CONDITION,
    MATTER,
    WORK_ORDER,
    matter_owner,
    project_units,
    work_order_unit,
)
from core.api.registry import operation
from core.api.support import (
    city,
    current_actor,
    load_body,
    load_query,
    paginate,
    respond,
    transaction,
)
from core.models import Matter, Unit
from core.models.matters import AWAITING_DECISION, MatterStatus
from core.permissions import DECIDER, OFFICE, OWN_UNIT, READER
from core.schemas.matters import (
    ConditionCheck,
    ConditionSchema,
    DecisionInput,
    MatterCreate,
    MatterQuery,
    MatterSchema,
    ProposalInput,
    WorkOrderCreate,
    WorkOrderDone,
    WorkOrderSchema,
)
from core.services import matters as matter_service
from core.services.lookups import get_or_404

blueprint = Blueprint("matters", __name__)


@operation(blueprint, "/matters", "POST", summary="提出协调事项（一事一议）", body=MatterCreate,
           response=MatterSchema, status=201, errors=(400, 403, 422), who=OWN_UNIT.of(project_units))
def request_matter():
    """The decision level comes from the city's rule; the first unit asked owns the matter."""
    data = load_body(MatterCreate)
    with transaction() as session:
        matter = matter_service.request_matter(session, city(), data, current_actor())
        return respond(MatterSchema, matter, 201)


@operation(blueprint, "/matters", summary="协调事项列表", query=MatterQuery, response=MatterSchema,
           many=True, who=READER)
def list_matters():
    params = load_query(MatterQuery)
    with transaction() as session:
        query = sa.select(Matter)
        for key, column in (("project_id", Matter.project_id), ("status", Matter.status),
                            ("kind", Matter.kind), ("level", Matter.decision_level)):
            if params.get(key) is not None:
                query = query.where(column == params[key])
        if params.get("awaiting_decision") is not None:
            awaiting = Matter.status.in_([status.value for status in AWAITING_DECISION])
            query = query.where(awaiting if params["awaiting_decision"] else sa.not_(awaiting))
        if params.get("awaiting"):
            # What that level can decide now: a proposal is made (the office drafts it first).
            query = query.where(Matter.status == MatterStatus.PROPOSED.value,
                                Matter.decision_level == params["awaiting"])
        if params.get("owner_unit"):
            query = query.join(Unit, Matter.owner_unit_id == Unit.id).where(
                Unit.code == params["owner_unit"])
        return paginate(session, query, params,
                        {"requested_on": Matter.requested_on, "decided_on": Matter.decided_on,
                         "requested_amount": Matter.requested_amount, "title": Matter.title,
                         "kind": Matter.kind, "project_id": Matter.project_id,
                         "status": Matter.status, "decision_level": Matter.decision_level},
                        MatterSchema, Matter.id)


@operation(blueprint, "/matters/<int:matter_id>", summary="协调事项详情", response=MatterSchema,
           errors=(404,), record=MATTER,
           who=READER)
def get_matter(matter_id: int):
    with transaction() as session:
        return respond(MatterSchema, get_or_404(session, Matter, matter_id))


@operation(blueprint, "/matters/<int:matter_id>/proposal", "POST", summary="拟定办理意见",
           body=ProposalInput, response=MatterSchema, errors=(400, 403, 404, 409),
           record=MATTER,
           who=OWN_UNIT.of(matter_owner))
def propose(matter_id: int):
    """The decision level is asked again with the proposal and may rise (escalation)."""
    data = load_body(ProposalInput)
    with transaction() as session:
        matter = get_or_404(session, Matter, matter_id)
        return respond(MatterSchema,
                       matter_service.propose(session, city(), matter, data, current_actor()))


@operation(blueprint, "/matters/<int:matter_id>/work-orders", "POST", summary="工作派单",
           body=WorkOrderCreate, response=WorkOrderSchema, status=201,
           errors=(400, 403, 404, 409), record=MATTER,
           who=OWN_UNIT.of(matter_owner))
def issue_work_order(matter_id: int):
    """Due on a date, or ``due_workdays`` working days after issue on the official calendar."""
    data = load_body(WorkOrderCreate)
    with transaction() as session:
        matter = get_or_404(session, Matter, matter_id)
        order = matter_service.issue_work_order(session, city(), matter, data, current_actor())
        return respond(WorkOrderSchema, order, 201)


@operation(blueprint, "/matters/<int:matter_id>/work-orders/<int:order_id>/done", "POST",
           summary="派单办结", body=WorkOrderDone, response=WorkOrderSchema,
           errors=(400, 403, 404, 409), record=WORK_ORDER,
           who=OWN_UNIT.of(work_order_unit))
def complete_work_order(matter_id: int, order_id: int):
    data = load_body(WorkOrderDone)
    with transaction() as session:
        matter = get_or_404(session, Matter, matter_id)
        order = matter_service.complete_work_order(session, city(), matter, order_id, data,
                                                   current_actor())
        return respond(WorkOrderSchema, order)


@operation(blueprint, "/matters/<int:matter_id>/decision", "POST",
           summary="作出决定（按决策层级；常务会议须填会议纪要）", body=DecisionInput,
           response=MatterSchema, errors=(400, 404, 409, 422), record=MATTER,
           who=DECIDER)
def decide(matter_id: int):
    """409 when the actor cannot decide at the matter's level, with the reason."""
    data = load_body(DecisionInput)
    with transaction() as session:
        matter = get_or_404(session, Matter, matter_id)
        return respond(MatterSchema,
                       matter_service.decide(session, city(), matter, data, current_actor()))


@operation(blueprint, "/matters/<int:matter_id>/conditions/<int:condition_id>/check", "POST",
           summary="核查条件落实情况", body=ConditionCheck, response=ConditionSchema,
           errors=(400, 403, 404, 409), record=CONDITION,
           who=OFFICE)
def check_condition(matter_id: int, condition_id: int):
    data = load_body(ConditionCheck)
    with transaction() as session:
        matter = get_or_404(session, Matter, matter_id)
        condition = matter_service.check_condition(session, city(), matter, condition_id, data,
                                                   current_actor())
        return respond(ConditionSchema, condition)
