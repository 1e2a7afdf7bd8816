"""The broker goes away while two cities keep working; nothing is lost or doubled."""

from __future__ import annotations

import contextlib

import pytest

from core.relay import running
from tests.events.support import city_node, province, unique, wait_until
from tests.support.records import lead_body, project_body

pytestmark = pytest.mark.kafka


def make_changes(node, serial_base: int, count: int) -> int:
    """``count`` successful changes through the API: leads, projects, updates, moves."""
    client, done, project_ids = node.client, 0, []
    serial = serial_base
    while done < count:
        serial += 1
        kind = done % 4
        if kind == 0:
            response = client.post("/leads", json=lead_body(serial), as_=("clerk", "east"))
        elif kind == 1 or not project_ids:
            response = client.post("/projects", json=project_body(serial))
            if response.status_code == 201:
                project_ids.append(response.json["id"])
        elif kind == 2:
            response = client.patch(f"/projects/{project_ids[-1]}",
                                    json={"amount": str(60000 + serial)})
        else:
            response = client.post(f"/projects/{project_ids[-1]}/transitions",
                                   json={"target": "negotiating", "occurred_on": "2024-02-01"})
        assert response.status_code in (200, 201), response.json
        done += 1
    return done


def test_changes_made_while_the_broker_is_down_all_arrive_exactly_once(kafka, tmp_path):
    prefix = unique()
    servers = kafka.bootstrap_servers
    cities = [city_node(code, name, prefix, f"sqlite:///{tmp_path / (code + '.db')}")
              for code, name in (("alpha", "甲市"), ("beta", "乙市"))]
    hub = province(prefix, ["alpha", "beta"], servers, tmp_path)
    consumer = hub.consumer()
    relays = [node.relay(servers) for node in cities]
    with contextlib.ExitStack() as running_relays:
        for relay in relays:
            running_relays.enter_context(running(relay))
        # Warm up: the topics exist and the province has joined its group.
        make_changes(cities[0], 0, 1)
        make_changes(cities[1], 0, 1)
        consumer.consume_until(lambda: hub.inbox_ids() == cities[0].outbox_ids()
                               | cities[1].outbox_ids(), timeout=60)
        before = {node.city.code: node.outbox_ids() for node in cities}

        kafka.stop_node(0)
        try:
            changes = make_changes(cities[0], 1000, 120) + make_changes(cities[1], 2000, 80)
            assert changes == 200
            # The relays keep trying; nothing was published and nothing is marked sent.
            assert all(relay.unsent() > 0 for relay in relays)
        finally:
            kafka.start_node(0)

        during = {node.city.code: node.outbox_ids() - before[node.city.code] for node in cities}
        assert sum(len(ids) for ids in during.values()) >= 200
        everything = cities[0].outbox_ids() | cities[1].outbox_ids()
        # Delivered, then marked sent by the relays' next rounds (a relay backing off after
        # the outage may take up to its longest wait to get there): waited for while they run.
        consumer.consume_until(lambda: hub.inbox_ids() >= everything, timeout=120)
        wait_until(lambda: all(relay.unsent() == 0 for relay in relays))
    consumer.close()

    assert all(relay.unsent() == 0 for relay in relays)
    # Exactly the cities' events: none lost, none doubled (the inbox key is the event id,
    # and every event was counted once per city).
    assert hub.inbox_ids() == everything
    cities_seen = {row["city"]: row["events"] for row in
                   hub.get("/freshness?consumer_lag=false")["cities"]}
    assert cities_seen == {node.city.code: len(node.outbox_ids()) for node in cities}
    for node in cities:
        assert hub.holdings(node.city.code) == node.holdings()
