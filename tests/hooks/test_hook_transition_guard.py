"""``transition_guard``: a city refuses a stage move with readable reasons (409)."""

from __future__ import annotations

from core import hookimpl
from core.policy import Refusal
from tests.support.cities import make_city
from tests.support.records import advance, create_project, fill_gates, row_counts

TABLES = ("stage_transitions", "project_changes", "projects")


class ExecutiveMeeting:
    calls: list = []

    @hookimpl
    def transition_guard(self, city, project, target, actor, session):
        self.calls.append((project.stage, target, actor))
        if target == "signed" and not (project.attributes or {}).get("meeting_approved"):
            return [Refusal("city.executive_meeting", "以市政府名义签约须经市政府常务会议审定")]
        return None


def test_hook_transition_guard_refuses_with_its_reason_and_writes_nothing(client_for):
    client = client_for(make_city(extra_plugins=[("meeting", ExecutiveMeeting())]))
    app = client.flask.application
    project = create_project(client)
    advance(client, project["id"], "negotiating")
    fill_gates(client, project["id"], "signed")
    before = row_counts(app, *TABLES)
    ExecutiveMeeting.calls.clear()
    response = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"},
                           as_=("clerk", "east"))
    assert response.status_code == 409
    assert response.json["refusals"] == [{"rule": "city.executive_meeting",
                                          "message": "以市政府名义签约须经市政府常务会议审定"}]
    assert "市政府常务会议" in response.json["detail"]
    assert ExecutiveMeeting.calls == [("negotiating", "signed", "clerk-east")]
    assert row_counts(app, *TABLES) == before


def test_hook_transition_guard_lets_the_move_go_when_it_has_no_reason(client_for):
    client = client_for(make_city(extra_plugins=[("meeting", ExecutiveMeeting())]))
    project = create_project(client, attributes={"meeting_approved": True})
    assert advance(client, project["id"], "signed")["stage"] == "signed"
