"""todo_items: a city's own to-dos join the core's in GET /api/v1/todos, for whom they wait."""

from __future__ import annotations

import datetime as dt

from core import hookimpl
from core.todos import TodoItem, urgency
from tests.support.cities import make_city


class ServiceDesk:
    @hookimpl
    def todo_items(self, city, session, identity):
        if identity.unit != "east":
            return None
        today = city.clock.today()
        due = today - dt.timedelta(days=1)
        return [TodoItem(kind="desk", kind_label="帮办事项", key="desk:1", title="帮办事项待办理",
                         due=due, urgency=urgency(due, today), api_path="desk/1",
                         web_path="pages/desk")]


def test_hook_todo_items_adds_the_citys_items_for_their_person(client_for):
    client = client_for(make_city(extra_plugins=[("desk", ServiceDesk())]))
    answer = client.get("/todos", as_=("clerk", "east")).json
    [item] = answer["items"]
    assert (item["kind"], item["kind_label"], item["urgency"], item["web_path"]) == (
        "desk", "帮办事项", "overdue", "pages/desk")
    assert answer["urgent"] == 1
    assert client.get("/todos", as_=("clerk", "west")).json["items"] == []
