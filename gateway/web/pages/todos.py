"""The person's to-do list (待办): what the city's records say waits for them, most pressing
first, each a link to its record's page; its count is shown in every page's header
(:func:`todo_count`, cached briefly so a page does not ask the city each time)."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from gateway.expiring import Expiring
from gateway.web.base import api, blueprint, check_city, render

COUNT_SECONDS = 60.0  # how long the header's count is reused before the city is asked again
TODO_ROLES = frozenset({"clerk", "officer", "leader", "admin"})
_counts: Expiring[tuple[str, str, str], int] = Expiring(COUNT_SECONDS)


def _params() -> dict[str, str]:
    """A leader's 包抓 projects carry their name, which only the gateway knows."""
    return {"name": g.claims.name} if g.claims.role == "leader" and g.claims.name else {}


def todo_count(city: str | None) -> int | None:
    """The number of the person's to-dos in ``city`` (None when they have no list there or the
    city does not answer); reused for :data:`COUNT_SECONDS` per person and city."""
    claims = g.get("claims")
    if claims is None or city is None or claims.role not in TODO_ROLES:
        return None
    key = (claims.user, claims.role, city)
    kept = _counts.fresh(key)
    if kept is not None:
        return kept
    answer = api().city(city, "GET", "todos", _params())
    if not answer.ok or not isinstance(answer.body, dict):
        return None
    count = int(answer.body.get("total") or 0)
    _counts.put(key, count)
    return count


@blueprint.route("/c/<city>/todos")
def todos(city: str):
    check_city(city)
    answer = api().city(city, "GET", "todos", _params())
    items: list[dict[str, Any]] = answer.body.get("items", []) if answer.ok else []
    base = url_for("web.todos", city=city).rsplit("/todos", 1)[0]
    for item in items:
        item["href"] = f"{base}/{item['web_path']}"
    if answer.ok:
        # The list just read is the freshest count.
        _counts.put((g.claims.user, g.claims.role, city), len(items))
    return render("todos.html", answer.status, city=city, answer=answer, items=items,
                  today=answer.body.get("today") if answer.ok else None)
