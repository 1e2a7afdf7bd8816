"""``/api/v1/todos``: the signed-in person's to-do list (待办), computed from the record."""

from __future__ import annotations

from flask import Blueprint, jsonify

from core.api.registry import operation
from core.api.support import city, current_actor, dumper, load_query, transaction
from core.permissions import READER
from core.schemas.reminders import TodoListSchema, TodoQuery
from core.todos import URGENT, Identity, todo_items

blueprint = Blueprint("todos", __name__)


@operation(blueprint, "/todos", summary="我的待办（按紧急程度与期限排列）", query=TodoQuery,
           response=TodoListSchema, who=READER)
def list_todos():
    """Whatever waits for the caller today: each item with its link, urgency and due date."""
    params = load_query(TodoQuery)
    today = city().clock.today()
    with transaction() as session:
        items = todo_items(session, city(), Identity.of(current_actor(), params.get("name")),
                           today)
    return jsonify(dumper(TodoListSchema).dump({
        "today": today, "total": len(items),
        "urgent": sum(1 for item in items if item.urgency in URGENT),
        "items": [item.as_dict() for item in items]}))
