"""``after_lead_reported``: effects inside the report's transaction."""

from __future__ import annotations

from core import hookimpl
from core.event_catalogue import EventType, loose
from core.events import record_event
from core.problems import Problem
from tests.support.cities import make_city
from tests.support.records import events_of, lead_body, row_counts


class Points:
    @hookimpl
    def event_types(self):
        return [EventType("points_lead", "awarded", "a reported lead earned points",
                          loose(unit="string", points="integer"), owner="points")]

    @hookimpl
    def after_lead_reported(self, city, lead, session):
        record_event(session, city, "points_lead", lead.id, "awarded",
                     {"unit": lead.reporting_unit.code, "points": 1})


class Blacklist:
    @hookimpl
    def after_lead_reported(self, city, lead, session):
        if "失信" in lead.enterprise.name:
            raise Problem(422, "lead.blacklisted", "不符合本市规定", "失信企业不予受理")


def test_hook_after_lead_reported_writes_with_the_lead(client_for):
    client = client_for(make_city(extra_plugins=[("points", Points())]))
    lead = client.post("/leads", json=lead_body()).json
    [event] = events_of(client.flask.application, "zhaoshang.points_lead.awarded")
    assert event.aggregate_id == f"testcity:points_lead:{lead['id']}"
    assert event.data == {"unit": "east", "points": 1}


def test_hook_after_lead_reported_can_undo_the_report(client_for):
    client = client_for(make_city(extra_plugins=[("blacklist", Blacklist())]))
    app = client.flask.application
    before = row_counts(app, "leads", "enterprises")
    response = client.post("/leads", json=lead_body(enterprise={"name": "某失信科技有限公司"}))
    assert response.status_code == 422
    assert response.json["detail"] == "失信企业不予受理"
    assert row_counts(app, "leads", "enterprises") == before
