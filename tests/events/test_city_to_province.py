"""From a city's API through the outbox, the relay and a real broker to the province."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.db import unit_of_work
from core.event_catalogue import check_event
from core.identity import SYSTEM
from core.schemas.leads import LeadCreate
from core.services.leads import report_lead
from tests.events.support import city_node, province, topic_messages, unique
from tests.support.records import lead_body

pytestmark = pytest.mark.kafka


def test_a_reported_lead_appears_in_the_province_figures_and_kcat_reads_it(kafka, kcat, tmp_path):
    prefix = unique()
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    response = alpha.client.post("/leads", json=lead_body(7), as_=("clerk", "east"))
    assert response.status_code == 201, response.json
    lead_id = response.json["id"]
    relay = alpha.relay(kafka.bootstrap_servers)
    relay.drain()
    relay.close()

    hub = province(prefix, ["alpha"], kafka.bootstrap_servers, tmp_path, names={"alpha": "甲市"})
    consumer = hub.consumer()
    consumer.consume_until(lambda: hub.inbox_ids() == alpha.outbox_ids())
    consumer.close()
    (figures,) = hub.get("/cities?from=2024-01-01&to=2024-12-31")["cities"]
    assert (figures["key"], figures["label"], figures["leads_reported"]) == ("alpha", "甲市", 1)
    assert hub.get("/cities?from=2025-01-01&to=2025-12-31")["cities"][0]["leads_reported"] == 0
    (fresh,) = hub.get("/freshness")["cities"]  # consumer lag asked of the broker
    assert (fresh["events"], fresh["consumer_lag"]) == (len(alpha.outbox_ids()), 0)
    assert fresh["lag_seconds"] >= 0

    # An independent client reads the same event, CloudEvents attributes in its headers.
    messages = topic_messages(kcat, kafka.bootstrap_servers, alpha.city.topic)
    reported = [m for m in messages if m["headers"].get("ce_type") == "zhaoshang.lead.reported"]
    assert len(reported) == 1
    message = reported[0]
    headers = message["headers"]
    assert message["key"] == f"alpha:lead:{lead_id}"
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_source"] == "/zhaoshang/cities/alpha"
    assert headers["ce_id"] in alpha.outbox_ids()
    assert headers["ce_subject"] == f"lead/{lead_id}"
    assert headers["ce_city"] == "alpha"
    assert headers["content-type"] == "application/json"
    assert dt.datetime.fromisoformat(headers["ce_time"]).tzinfo is not None
    data = json.loads(message["payload"])
    assert data["lead_id"] == lead_id and data["title"] == "新材料投资线索7"
    # Every message on the topic is catalogued and matches its documented shape.
    for each in messages:
        assert check_event(each["headers"]["ce_type"], json.loads(each["payload"]),
                           int(each["headers"]["ce_schemaversion"])) == []


def test_a_rolled_back_city_transaction_publishes_nothing(kafka, kcat, tmp_path):
    prefix = unique()
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    with alpha.app.app_context():
        lead = LeadCreate().load(lead_body(1))  # checked against the city's own vocabularies
    with pytest.raises(RuntimeError, match="after the lead"), unit_of_work(alpha.sessions) as session:
        report_lead(session, alpha.city, lead, SYSTEM)
        raise RuntimeError("the request failed after the lead and its event were written")
    refused = alpha.client.post("/leads", json=lead_body(2, reporting_unit="nowhere"))
    assert refused.status_code == 400
    accepted = alpha.client.post("/leads", json=lead_body(3))
    assert accepted.status_code == 201
    relay = alpha.relay(kafka.bootstrap_servers)
    relay.drain()
    relay.close()

    messages = topic_messages(kcat, kafka.bootstrap_servers, alpha.city.topic)
    assert {m["headers"]["ce_id"] for m in messages} == alpha.outbox_ids()
    # Only the accepted lead's events (and what they caused, such as a deadline warning).
    leads = {m["key"] for m in messages if m["key"].startswith("alpha:lead:")}
    assert leads == {f"alpha:lead:{accepted.json['id']}"}
    titles = {json.loads(m["payload"]).get("title") for m in messages} - {None}
    assert titles == {"新材料投资线索3"}
