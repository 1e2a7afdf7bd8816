"""``event_types``: a plugin declares its own event types; the city writes only catalogued ones."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.config import ConfigError
from core.db import unit_of_work
from core.event_catalogue import CATALOGUE, EventType, loose
from core.events import UncataloguedEvent, record_event
from tests.support.cities import make_city
from tests.support.records import events_of, lead_body, row_counts

VISIT = EventType("visits_lead", "visited", "the office visited the investor of a lead",
                  loose(lead_id="integer", visited_by="string"), owner="visits")


class Visits:
    @hookimpl
    def event_types(self):
        return [VISIT]

    @hookimpl
    def after_lead_reported(self, city, lead, session):
        record_event(session, city, "visits_lead", lead.id, "visited",
                     {"lead_id": lead.id, "visited_by": "office"})


class Declares:
    """A plugin named ``name`` declaring ``event_types`` as given."""

    def __init__(self, *event_types: EventType) -> None:
        self.declared = list(event_types)

    @hookimpl
    def event_types(self):
        return self.declared


def test_hook_event_types_adds_the_plugin_s_types_to_its_city_s_catalogue(client_for):
    city = make_city(extra_plugins=[("visits", Visits())])
    assert city.event_catalogue["zhaoshang.visits_lead.visited"] is VISIT
    assert CATALOGUE.items() <= city.event_catalogue.items()  # the core's types, untouched
    assert "zhaoshang.visits_lead.visited" not in make_city().event_catalogue
    client = client_for(city)
    lead = client.post("/leads", json=lead_body()).json
    [event] = events_of(client.flask.application, "zhaoshang.visits_lead.visited")
    assert event.data == {"lead_id": lead["id"], "visited_by": "office"}


class Undeclared:
    @hookimpl
    def after_lead_reported(self, city, lead, session):
        record_event(session, city, "undeclared_lead", lead.id, "noted", {"lead_id": lead.id})


def test_hook_event_types_writing_an_undeclared_type_fails_and_writes_nothing(client_for):
    client = client_for(make_city(extra_plugins=[("undeclared", Undeclared())]))
    app = client.flask.application
    before = row_counts(app, "leads", "outbox")
    with pytest.raises(UncataloguedEvent, match="zhaoshang.undeclared_lead.noted"):
        client.post("/leads", json=lead_body())
    assert row_counts(app, "leads", "outbox") == before  # the report rolled back with it


def test_hook_event_types_a_city_writes_only_its_enabled_plugins_types(app_for):
    # Lanzhou's types are installed but not enabled in the test city: refused like any other.
    city = make_city()
    assert "zhaoshang.lanzhou_promotion.recorded" not in city.event_catalogue
    app = app_for(city)
    with pytest.raises(UncataloguedEvent), unit_of_work(app.extensions["zhaoshang"].sessions) as s:
        record_event(s, city, "lanzhou_promotion", 1, "recorded", {"promotion_id": 1})


def test_hook_event_types_two_plugins_declaring_one_type_stop_startup():
    # City codes ``park`` and ``park_a``: both prefixes admit ``zhaoshang.park_a_note.*``.
    first = EventType("park_a_note", "written", "a note", loose(text="string"), owner="park")
    second = EventType("park_a_note", "written", "a note", loose(text="string"), owner="park_a")
    with pytest.raises(ConfigError, match="zhaoshang.park_a_note.written is declared by both"):
        make_city(extra_plugins=[("park", Declares(first)), ("park_a", Declares(second))])
    changed = EventType("park_a_note", "written", "another note", {}, owner="park")
    with pytest.raises(ConfigError, match="declared by both park and park"):
        make_city(extra_plugins=[("park", Declares(first, changed))])


@pytest.mark.parametrize("event_type, why", [
    (EventType("note", "written", "no prefix", {}, owner="notes"), "zhaoshang.notes_"),
    (EventType("project", "noted", "a core aggregate", {}, owner="notes"), "zhaoshang.notes_"),
    (EventType("other_note", "written", "another plugin's", {}, owner="other"), "owned by it"),
])
def test_hook_event_types_a_type_without_the_plugin_s_prefix_stops_startup(event_type, why):
    with pytest.raises(ConfigError, match=why):
        make_city(extra_plugins=[("notes", Declares(event_type))])
