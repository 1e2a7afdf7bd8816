"""The province reads with the core's and every installed city plugin's event types: a renamed
type's former name is read as its new type, whether an event carries a project's state is the
catalogue's word (never the payload's shape), and a type nobody declares is a dead letter."""

from __future__ import annotations

import datetime as dt
import json
from collections import namedtuple

import pytest
import sqlalchemy as sa

from core.db import unit_of_work
from core.models import OutboxEvent
from province.config import build_config
from province.models import CityProject, CityState, InboxEvent
from province.records import BadRecord, RawRecord, read_event
from province.store import ReceivedEvent, apply_events
from tests.events.support import Province, city_node, province_config
from tests.support.records import create_project

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
Record = namedtuple("Record", "topic partition offset key value headers")


@pytest.fixture
def hub(db_url):
    from province.app import create_app

    config = build_config(province_config("zs", ["alpha"], "127.0.0.1:1", db_url))
    app = create_app(config, migrate=True)
    yield Province(config, app)
    app.extensions["zhaoshang_province"].engine.dispose()


@pytest.fixture
def alpha(tmp_path):
    return city_node("alpha", "甲市", "zs", f"sqlite:///{tmp_path / 'alpha.db'}")


def deliver(hub: Province, records: list[Record]) -> int:
    with unit_of_work(hub.sessions) as session:
        return apply_events(session, [read_event(RawRecord.of(r), hub.config) for r in records])

MEETING = {"meeting_id": 3, "kind": "scheduling", "held_on": "2024-03-01", "chair": "市长",
           "title": "重点项目调度会", "decisions": "加快开工", "project_ids": [1, 2]}


def record(event_type: str, data: dict, event_id: str = "e-1") -> Record:
    headers = {"ce_specversion": "1.0", "ce_id": event_id, "ce_source": "/zhaoshang/cities/alpha",
               "ce_type": event_type, "ce_time": "2024-03-01T02:00:00Z", "ce_city": "alpha",
               "ce_schemaversion": "1", "ce_sequence": "00000000000000000007"}
    return Record("zs.alpha", 0, 7, b"alpha:meeting:3",
                  json.dumps(data, ensure_ascii=False).encode(),
                  [(name, value.encode()) for name, value in headers.items()])


def test_a_record_under_a_former_name_is_read_and_applied_as_its_new_type(hub):
    # Ziyang published its meetings as zhaoshang.meeting.held before they took its prefix.
    event = read_event(RawRecord.of(record("zhaoshang.meeting.held", MEETING)), hub.config)
    assert event.type == "zhaoshang.ziyang_meeting.held"
    assert deliver(hub, [record("zhaoshang.meeting.held", MEETING)]) == 1
    with hub.sessions() as session:
        assert session.get(CityState, "alpha").events == 1
        assert session.scalars(sa.select(InboxEvent.id)).all() == ["e-1"]


def test_a_type_no_installed_plugin_declares_is_uncatalogued(hub):
    with pytest.raises(BadRecord) as caught:
        read_event(RawRecord.of(record("zhaoshang.latecity_note.written", {"text": "x"})),
                   hub.config)
    assert caught.value.reason == "type.uncatalogued"


def received(event_type: str, data: dict, event_id: str) -> ReceivedEvent:
    return ReceivedEvent(id=event_id, source="/zhaoshang/cities/alpha", type=event_type,
                         city="alpha", time=dt.datetime(2024, 3, 1, 2, tzinfo=dt.UTC),
                         data=data, sequence=int(event_id.rsplit("-", 1)[1]))


def test_carrying_a_project_s_state_is_the_catalogue_s_word_not_the_payload_s(hub, alpha):
    project_id = create_project(alpha.client, 1)["id"]
    with alpha.sessions() as session:
        state = session.scalars(sa.select(OutboxEvent).where(
            OutboxEvent.type == "zhaoshang.project.created")).one().data
    # A project's full state under a type that does not carry it: counted, not kept as state.
    with unit_of_work(hub.sessions) as session:
        assert apply_events(session, [received(
            "zhaoshang.ziyang_project.fulfilment_evaluated", state, "e-1")]) == 1
    with hub.sessions() as session:
        assert session.get(CityProject, ("alpha", project_id)) is None
    # The same payload under a type the catalogue says carries it: the project's state.
    with unit_of_work(hub.sessions) as session:
        assert apply_events(session, [received("zhaoshang.project.restated", state, "e-2")]) == 1
    with hub.sessions() as session:
        assert session.get(CityProject, ("alpha", project_id)).name == state["name"]
