"""``after_transition``: effects of a move, in the move's transaction."""

from __future__ import annotations

from core import hookimpl
from core.event_catalogue import EventType, loose
from core.events import record_event
from core.problems import Problem
from tests.support.cities import make_city
from tests.support.records import create_project, events_of, row_counts


class Timetable:
    @hookimpl
    def event_types(self):
        return [EventType("timetable_project", "requested", "a timetable was asked for a move",
                          loose(**{"from": "string", "to": "string", "by": "string",
                                   "stage_now": "string"}), owner="timetable")]

    @hookimpl
    def after_transition(self, city, project, source, target, actor, session):
        record_event(session, city, "timetable_project", project.id, "requested",
                     {"from": source, "to": target, "by": actor, "stage_now": project.stage})


class NoLosing:
    @hookimpl
    def after_transition(self, city, project, target):
        if target == "lost":
            raise Problem(409, "lost.needs_leader", "操作被拒绝", "终止项目须经包抓领导同意")


def test_hook_after_transition_runs_after_the_move_in_its_transaction(client_for):
    client = client_for(make_city(extra_plugins=[("timetable", Timetable())]))
    project = create_project(client)
    client.post(f"/projects/{project['id']}/transitions", json={"target": "negotiating"},
                as_=("clerk", "east"))
    [event] = events_of(client.flask.application, "zhaoshang.timetable_project.requested")
    assert event.data == {"from": "reserve", "to": "negotiating", "by": "clerk-east",
                          "stage_now": "negotiating"}


def test_hook_after_transition_can_undo_the_whole_move(client_for):
    client = client_for(make_city(extra_plugins=[("nolosing", NoLosing())]))
    app = client.flask.application
    project = create_project(client)
    before = row_counts(app, "stage_transitions", "project_changes")
    response = client.post(f"/projects/{project['id']}/transitions", json={"target": "lost"})
    assert response.status_code == 409
    assert row_counts(app, "stage_transitions", "project_changes") == before
    assert client.get(f"/projects/{project['id']}").json["stage"] == "reserve"
