"""The event catalogue is complete and true: every event a full demo run writes matches its
documented shape, every ``record_event`` call in the code names a catalogued type, each city
plugin owns its types (declared through its ``event_types`` hook, named with its prefix), and
docs/events.md shows the current catalogue."""

from __future__ import annotations

import ast
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.app import create_app
from core.cli import load_demo, prepare_database
from core.config import built_in_config_path
from core.db import unit_of_work
from core.event_catalogue import (
    CATALOGUE,
    CATALOGUE_BEGIN,
    CATALOGUE_END,
    check_event,
    json_schema,
    markdown,
)
from core.events import EVENT_TYPE_PREFIX
from core.models import OutboxEvent
from core.plugin_events import installed_aliases, installed_catalogue, suite_catalogue
from core.snapshot import record_snapshot

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN_CITIES = ("lanzhou", "pingliang", "ziyang", "sanming", "changsha")


@pytest.fixture(scope="module")
def demo_events(tmp_path_factory) -> dict[str, list[OutboxEvent]]:
    """Every outbox row of a full demo run of each built-in city, plus its snapshot."""
    base = tmp_path_factory.mktemp("demo")
    events: dict[str, list[OutboxEvent]] = {}
    for code in BUILT_IN_CITIES:
        app = create_app(built_in_config_path(code), database_url=f"sqlite:///{base / code}.db")
        prepare_database(app)
        load_demo(app)
        runtime = app.extensions["zhaoshang"]
        with unit_of_work(runtime.sessions) as session:
            record_snapshot(session, runtime.city)
        with runtime.sessions() as session:
            events[code] = list(session.scalars(sa.select(OutboxEvent)))
        runtime.engine.dispose()
    return events


def test_every_event_of_a_full_demo_run_matches_the_catalogue(demo_events):
    problems: dict[str, list[str]] = defaultdict(list)
    for code, rows in demo_events.items():
        assert rows, f"{code}: the demo wrote no events"
        for row in rows:
            found = check_event(row.type, row.data, row.schema_version)
            if found:
                problems[row.type].append(f"{code}: {found[:3]}")
    assert not problems, "\n".join(f"{t}: {p[0]} (and {len(p) - 1} more)"
                                   for t, p in sorted(problems.items()))


def test_the_demo_shows_the_core_event_types(demo_events):
    seen = {row.type for rows in demo_events.values() for row in rows}
    for fact in ("reported", "assigned", "rejected"):
        assert f"zhaoshang.lead.{fact}" in seen
    for fact in ("created", "stage_changed", "funds_reported", "milestone_set", "transferred"):
        assert f"zhaoshang.project.{fact}" in seen
    assert "zhaoshang.city.snapshot" in seen


def record_event_calls() -> list[tuple[str, int, str | None, str | None]]:
    """``(file, line, aggregate, fact)`` of every record_event call in the code (None where
    the argument is not a literal)."""
    calls = []
    for folder in ("core", "plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event"
                        and len(node.args) >= 5):
                    literal = [a.value if isinstance(a, ast.Constant) else None
                               for a in (node.args[2], node.args[4])]
                    calls.append((str(path.relative_to(ROOT)), node.lineno, *literal))
    return calls


def test_every_record_event_call_names_a_catalogued_type():
    calls = record_event_calls()
    assert len(calls) > 20
    catalogue = suite_catalogue()
    aggregates = {entry.aggregate for entry in catalogue.values()}
    missing = []
    for path, line, aggregate, fact in calls:
        if aggregate is not None and fact is not None:
            if f"{EVENT_TYPE_PREFIX}.{aggregate}.{fact}" not in catalogue:
                missing.append(f"{path}:{line} {aggregate}.{fact}")
        elif aggregate not in aggregates:  # a computed fact: the aggregate at least is known
            missing.append(f"{path}:{line} {aggregate}.<computed>")
    assert not missing, "not in the event catalogue: " + ", ".join(missing)


def test_the_document_shows_the_current_catalogue():
    text = (ROOT / "docs" / "events.md").read_text()
    assert CATALOGUE_BEGIN in text and CATALOGUE_END in text
    shown = text[text.index(CATALOGUE_BEGIN):text.index(CATALOGUE_END) + len(CATALOGUE_END)]
    assert shown + "\n" == markdown(), (
        "docs/events.md is out of date: run `python -m core.event_catalogue --write`")


def test_a_departure_from_the_catalogue_is_named():
    good = {"projects": 1, "projects_by_stage": {"reserve": 1}, "signed_amount": "10.5",
            "arrived_amount": "0", "leads": 2, "events_before": 3,
            "taken_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC).isoformat()}
    assert check_event("zhaoshang.city.snapshot", good, 1) == []
    bad = good | {"signed_amount": 10.5, "extra": True}
    del bad["leads"]
    found = check_event("zhaoshang.city.snapshot", bad, 2)
    assert any("schema version 2" in p for p in found)
    assert any("data.extra: not catalogued" in p for p in found)
    assert any("data.leads: missing" in p for p in found)
    assert any("data.signed_amount: 10.5 is not a decimal" in p for p in found)
    assert check_event("zhaoshang.nothing.happened", {}) == [
        "zhaoshang.nothing.happened: not in the event catalogue"]
    lead = check_event("zhaoshang.lead.reported", {"lead_id": 1})
    assert "zhaoshang.lead.reported: data.enterprise: missing" in lead


def test_each_type_has_a_json_schema():
    for name in suite_catalogue():
        schema = json_schema(name)
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert set(schema["required"]) <= set(schema["properties"])
    project = json_schema("zhaoshang.project.created")["properties"]
    assert project["amount"]["type"] == "string" and "pattern" in project["amount"]
    assert project["signed_on"]["type"] == ["string", "null"]


def test_the_core_declares_only_its_own_types_and_each_city_declares_its_own():
    assert {entry.owner for entry in CATALOGUE.values()} == {"core"}
    catalogue = suite_catalogue()
    owners = {entry.owner for entry in catalogue.values()}
    assert owners == {"core", *BUILT_IN_CITIES}
    for name, entry in catalogue.items():
        if entry.owner != "core":
            assert name.startswith(f"zhaoshang.{entry.owner}_"), name
            # Declared in the city's own package, not in the core.
            source = (ROOT / "plugins" / entry.owner / "events.py").read_text(encoding="utf-8")
            assert f'"{entry.aggregate}", "{entry.fact}"' in source, name
    # The province reads every installed plugin's: the built-in ones at least.
    assert catalogue.items() <= installed_catalogue().items()


def test_each_city_writes_with_the_core_s_and_its_own_types_only():
    from core.city import load_city

    for code in BUILT_IN_CITIES:
        catalogue = load_city(built_in_config_path(code)).event_catalogue
        assert {entry.owner for entry in catalogue.values()} == {"core", code}


RENAMED = {
    "zhaoshang.industry_group.six_one_added": "zhaoshang.ziyang_industry_group.six_one_added",
    "zhaoshang.industry_group.six_one_ended": "zhaoshang.ziyang_industry_group.six_one_ended",
    "zhaoshang.project.fulfilment_evaluated": "zhaoshang.ziyang_project.fulfilment_evaluated",
    "zhaoshang.meeting.held": "zhaoshang.ziyang_meeting.held",
    "zhaoshang.lead.sanming_first_contact_claimed":
        "zhaoshang.sanming_lead.first_contact_claimed",
    "zhaoshang.lead.sanming_first_contact_linked": "zhaoshang.sanming_lead.first_contact_linked",
}


def test_the_renamed_types_are_read_under_their_old_names_and_documented():
    assert installed_aliases() == RENAMED
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    for old, new in RENAMED.items():
        assert f"| `{old}` | `{new}` |" in text  # the table of "Renamed types"


def test_a_demo_writes_only_the_new_names(demo_events):
    seen = {row.type for rows in demo_events.values() for row in rows}
    assert not seen & set(RENAMED)
    assert {"zhaoshang.sanming_lead.first_contact_claimed",
            "zhaoshang.ziyang_meeting.held"} <= seen
