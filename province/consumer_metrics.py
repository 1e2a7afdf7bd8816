"""What the province consumer tells an operator: ``/metrics`` on its ``--metrics-port`` and one
JSON log line per applied event (docs/observability.md).

``zhaoshang_consumer_lag{city,partition}``   the partition's end offset minus the consumer's
                                             position, as of its last poll
``zhaoshang_consumer_applied_total{city}``   events newly applied (a redelivery is not counted)
``zhaoshang_dead_letters_total{reason}``     records set aside, by reason code (docs/events.md)

KafkaConsumer is not thread-safe, so the scrape (the metrics server's thread) never calls it:
the consumer's own thread notes the lags after each poll (:meth:`ConsumerMetrics.note_lag`,
from the client's cached high watermarks, no request to the broker) and the scrape reads that
snapshot. The counters count only what a committed round decided.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from core.observability import json_logger
from province.store import ReceivedEvent

EVENTS_LOGGER = "zhaoshang.province.events"
log = logging.getLogger("zhaoshang.province.consumer")


class _LagCollector:
    def __init__(self, metrics: ConsumerMetrics) -> None:
        self.metrics = metrics

    def describe(self) -> list:
        return []  # collected at scrape only

    def collect(self) -> Iterable[Any]:
        from prometheus_client.core import GaugeMetricFamily

        family = GaugeMetricFamily("zhaoshang_consumer_lag",
                                   "Records of a city partition not yet read by the consumer",
                                   labels=("city", "partition"))
        for (city, partition), lag in sorted(self.metrics.lags.items()):
            family.add_metric([city, str(partition)], lag)
        yield family


class ConsumerMetrics:
    """The consumer's registry, its counters and its lag snapshot."""

    def __init__(self, city_of_topic: Callable[[str], str | None]) -> None:
        self.city_of_topic = city_of_topic
        self.registry = CollectorRegistry()
        self.applied = Counter("zhaoshang_consumer_applied", "Events newly applied, by city",
                               ("city",), registry=self.registry)
        self.dead_letters = Counter("zhaoshang_dead_letters", "Records set aside, by reason",
                                    ("reason",), registry=self.registry)
        self.lags: dict[tuple[str, int], int] = {}  # replaced whole: the scrape reads a snapshot
        self.registry.register(_LagCollector(self))
        self.events_log = json_logger(EVENTS_LOGGER)

    def note_lag(self, consumer: Any) -> None:
        """In the consumer's thread, after a poll: each assigned partition's lag."""
        lags = {}
        try:
            for tp in consumer.assignment():
                end = consumer.highwater(tp)  # from the last fetch response: no round trip
                if end is None:
                    continue
                city = self.city_of_topic(tp.topic) or tp.topic
                lags[(city, tp.partition)] = max(end - consumer.position(tp), 0)
        except Exception as exc:  # noqa: BLE001 - a metric never fails a round
            log.debug("consumer lag not noted: %s", exc)
            return
        self.lags = lags

    def decided(self, applied: list[ReceivedEvent], reasons: list[str]) -> None:
        """After a committed round: one JSON line per applied event, and the counters."""
        written = logging.getLogger(EVENTS_LOGGER).isEnabledFor(logging.INFO)
        for event in applied:
            self.applied.labels(event.city).inc()
            if written:  # rendering JSON only for a line that goes somewhere
                self.events_log.info("event_applied", service="province-consumer",
                                     request_id=event.request_id, event_id=event.id,
                                     type=event.type, city=event.city, topic=event.topic,
                                     partition=event.partition, offset=event.offset)
        for reason in reasons:
            self.dead_letters.labels(reason).inc()
