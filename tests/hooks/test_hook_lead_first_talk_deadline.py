"""``lead_first_talk_deadline``: when the first-talk location must be named."""

from __future__ import annotations

import datetime as dt

from core import hookimpl
from tests.support.cities import make_city
from tests.support.records import enterprise, lead_body


class FastForTop500:
    @hookimpl
    def lead_first_talk_deadline(self, city, lead):
        if "世界500强" in lead.enterprise.tags:
            return city.calendar.add_workdays(lead.reported_on, 1)
        return None


def test_hook_lead_first_talk_deadline_overrides_the_working_days(client_for):
    client = client_for(make_city(extra_plugins=[("fast", FastForTop500())]))
    top = client.post("/leads", json=lead_body(1, reported_on="2024-03-08", enterprise=enterprise(
        1, tags=["世界500强"]))).json
    assert top["first_talk_due"] == "2024-03-11"  # Friday + 1 working day
    ordinary = client.post("/leads", json=lead_body(2, reported_on="2024-03-08")).json
    assert ordinary["first_talk_due"] == "2024-03-12"  # the core's 2 working days


class FarFuture:
    @hookimpl
    def lead_first_talk_deadline(self, city, lead):
        return dt.date(2099, 1, 5)


def test_hook_lead_first_talk_deadline_past_the_known_calendar_is_an_estimate(client_for):
    client = client_for(make_city(extra_plugins=[("far", FarFuture())]))
    lead = client.post("/leads", json=lead_body()).json
    assert lead["first_talk_due"] == "2099-01-05"
    assert lead["first_talk_due_estimated"] is True
