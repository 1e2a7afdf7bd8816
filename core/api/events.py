"""``/api/v1/events/status``: the city's outbox figures, for monitoring the event backbone."""

from __future__ import annotations

from flask import Blueprint, jsonify

from core.api.registry import operation
from core.api.support import dumper, transaction
from core.clock import utcnow
from core.outbox_pruning import outbox_status
from core.permissions import OFFICE
from core.schemas.events import OutboxStatusSchema

blueprint = Blueprint("events", __name__)


@operation(blueprint, "/events/status", summary="事件发布状态：积压、最早未发布、已清理",
           response=OutboxStatusSchema, who=OFFICE)
def get_events_status():
    """Operational data (backlog, oldest unsent event, pruning), for the office and the
    administrators who run the service; ``zhaoshang relay status`` prints the same."""
    with transaction() as session:
        return jsonify(dumper(OutboxStatusSchema).dump(outbox_status(session, utcnow())))
