"""On a real broker: a request's X-Request-Id goes with the events it records (outbox row →
``ce_requestid`` header → the province's JSON log line), and the province consumer's
``--metrics-port`` answers its lag, applied events and dead letters (docs/observability.md)."""

from __future__ import annotations

import json
import logging
import urllib.request

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from core.loopback_ports import free_port
from core.models import OutboxEvent
from core.observability import serve_metrics
from province.consumer import ProvinceConsumer, kafka_consumer
from province.consumer_metrics import EVENTS_LOGGER
from tests.events.support import city_node, province, topic_messages, unique
from tests.events.test_bad_records import letters, produce
from tests.support.records import lead_body

pytestmark = pytest.mark.kafka


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_the_request_id_travels_to_the_province_log_and_the_consumer_metrics_say_so(
        kafka, kcat, tmp_path, caplog):
    prefix, servers = unique(), kafka.bootstrap_servers
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    answer = alpha.client.post("/leads", json=lead_body(1), as_=("clerk", "east"),
                               headers={"X-Request-Id": "abc"})
    assert answer.status_code == 201, answer.json
    for serial in range(2, 7):  # events of requests without an id of the caller's: their own
        assert alpha.client.post("/leads", json=lead_body(serial), as_=("clerk", "east")
                                 ).status_code == 201
    with alpha.sessions() as session:
        ids = dict(session.execute(sa.select(OutboxEvent.id, OutboxEvent.request_id)).all())
        ours = {event_id for event_id, request_id in ids.items() if request_id == "abc"}
    assert ours and all(ids.values())  # every event recorded by a request names it
    relay = alpha.relay(servers)
    relay.drain()
    relay.close()
    on_topic = {m["headers"]["ce_id"]: m["headers"].get("ce_requestid")
                for m in topic_messages(kcat, servers, alpha.city.topic)}
    assert on_topic == ids
    produce(servers, alpha.city.topic, [("headers.missing", b"k", [], b"{}")])

    hub = province(prefix, ["alpha"], servers, tmp_path)
    consumer = ProvinceConsumer(hub.config, hub.sessions)
    # One record per poll, so the lag is seen above zero before it reaches zero.
    consumer.consumer_factory = lambda: kafka_consumer(hub.config, consumer.assignor,
                                                       listener=consumer._listener(),
                                                       max_poll_records=1)
    port = free_port()
    server = serve_metrics(consumer.metrics.registry, port)
    caplog.set_level(logging.INFO, logger=EVENTS_LOGGER)
    lags_seen = []

    def done() -> bool:
        lags_seen.append(sum(consumer.metrics.lags.values()))
        return hub.inbox_ids() == set(ids) and len(letters(hub)) == 1

    try:
        consumer.consume_until(done, timeout=120)
        consumer.poll_once(timeout_ms=500)  # fetch responses up to the end: the lag settles
        samples = scrape(port)
    finally:
        consumer.close()
        server.shutdown()

    lines = [json.loads(record.getMessage()) for record in caplog.records
             if record.name == EVENTS_LOGGER]
    assert {line["event_id"]: line["request_id"] for line in lines} == ids  # one line each
    assert {line["event_id"] for line in lines if line["request_id"] == "abc"} == ours
    assert all(line["event"] == "event_applied" and line["city"] == "alpha" for line in lines)
    assert max(lags_seen) > 0
    lags = {labels: value for (name, labels), value in samples.items()
            if name == "zhaoshang_consumer_lag"}
    assert lags == {(("city", "alpha"), ("partition", str(p))): 0 for p in range(3)}
    assert samples[("zhaoshang_consumer_applied_total", (("city", "alpha"),))] == len(ids)
    assert samples[("zhaoshang_dead_letters_total", (("reason", "headers.missing"),))] == 1
