"""The relay against its client's ceiling: events/s of the relay draining the outbox, of a raw
kafka-python producer, and of Kafka's Java producer, on the same broker and messages.

One real broker (``infra.kafka_cluster``) and a city database (SQLite file, or a local
PostgreSQL with ``--backend postgresql``) holding the core demo. Each repetition commits
``--events`` outbox rows at once, then runs a and b — the relay first in even repetitions,
the raw producer first in odd ones, so what a run leaves the broker and the database to do
afterwards weighs on both sides alike — then c:

a. **relay**: the rows are copies of the demo's lead and project events, spread over many
   aggregates, as ``benchmarks.pipeline`` builds them; the clock runs while
   :meth:`core.relay.Relay.drain` publishes them until none is unsent.
b. **raw**: the same rows' messages (same key, value, headers, timestamp), built in memory
   from the outbox beforehand, sent by a bare ``KafkaProducer`` with the relay's exact settings
   (:func:`core.relay.kafka_producer`) and flushed.
c. **java**: ``org.apache.kafka.tools.ProducerPerformance`` (the kafka-tools jar in
   ``var/kafka/libs``) sending the same values (``--payload-file``) with the same producer
   settings (acks=all, idempotence, linger, batch size, in-flight). It sends no key and no
   headers (the tool cannot), so its records are smaller: an upper bound for a Java client.

Every producer is connected and has the topic's metadata before its clock starts, and each
clock starts after a garbage collection. The report gives the median of the repetitions, the
ratios relay/raw and relay/java (the median of each repetition's ratio), and the CPU each
event cost this process for the relay and the raw producer (steadier than the rates on a
shared machine).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa

from benchmarks.measure import clocked
from benchmarks.pipeline import CITY, databases, event_rows, prepare_city, write
from core.db import make_engine, make_session_factory
from core.models import OutboxEvent
from core.relay import (
    Relay,
    RelaySettings,
    cloudevent_message,
    ensure_topic,
    kafka_producer,
    leadership_for,
    topic_configs,
)
from infra.kafka_cluster import KafkaCluster, _tool_cmd

PARTITIONS = 3
RATE = re.compile(r"(\d+) records sent, ([\d.]+) records/sec")


def relay_settings(servers: str, relay: Relay) -> dict[str, Any]:
    """The relay's producer settings, as the Java tool's ``--producer-props``."""
    client = kafka_producer(servers, **relay.settings.producer)
    producer = dict(client.config)
    client.close(timeout=5)
    names = {"acks": "acks", "enable_idempotence": "enable.idempotence",
             "max_in_flight_requests_per_connection": "max.in.flight.requests.per.connection",
             "linger_ms": "linger.ms", "batch_size": "batch.size",
             "delivery_timeout_ms": "delivery.timeout.ms",
             "request_timeout_ms": "request.timeout.ms", "retries": "retries"}
    return {java: producer[python] for python, java in names.items()}


def new_topic(servers: str, prefix: str) -> str:
    topic = f"{prefix}.{uuid.uuid4().hex[:8]}"
    ensure_topic(servers, topic, PARTITIONS, 1, configs=topic_configs({}))
    return topic


def warm(producer: Any, topic: str) -> None:
    """Connected, with the topic's metadata and a producer id, before the clock starts."""
    producer.send(topic, value=b"{}", key=b"warm-up").get(timeout=30)


class Measured(NamedTuple):
    rate: float  # events per second
    cpu_us: float  # CPU µs per event of this process (all its threads), while the clock ran

    @classmethod
    def of(cls, count: int, work: Callable[[], Any]) -> Measured:
        """``work`` publishing ``count`` events, on :func:`benchmarks.measure.clocked`'s clock."""
        timing = clocked(work)
        return cls(count / timing.seconds, timing.cpu / count * 1e6)


def measure_relay(relay: Relay, count: int) -> Measured:
    """The relay draining the ``count`` rows waiting in its outbox."""
    return Measured.of(count, lambda: relay.drain(timeout=1200))


def messages_of(engine: sa.Engine, first: int) -> list[Any]:
    """The messages the relay built for the rows from position ``first`` on."""
    outbox = OutboxEvent.__table__
    with engine.connect() as connection:
        rows = connection.execute(sa.select(outbox).where(outbox.c.position >= first)
                                  .order_by(outbox.c.position))
        return [cloudevent_message(row) for row in rows]


def measure_raw(servers: str, prefix: str, overrides: dict[str, Any],
                messages: list[Any]) -> Measured:
    topic = new_topic(servers, prefix)
    producer = kafka_producer(servers, **overrides)
    try:
        warm(producer, topic)

        def send_all() -> None:
            for message in messages:
                producer.send(topic, value=message.value, key=message.key,
                              headers=message.headers, timestamp_ms=message.timestamp_ms)
            producer.flush()

        return Measured.of(len(messages), send_all)
    finally:
        producer.close(timeout=5)


def measure_raw_of_rows(engine: sa.Engine, first: int, servers: str, prefix: str,
                        payload: Path | None) -> Measured:
    """The raw producer sending the messages of the outbox rows from position ``first`` on
    (published by the relay or not yet), and their values written to ``payload`` for the Java
    producer. The messages live only for this call: kept alive into the relay's run, the
    relay's garbage collections would walk their 13 objects each."""
    messages = messages_of(engine, first)
    if payload is not None:
        payload.write_bytes(b"\n".join(m.value for m in messages))
    return measure_raw(servers, prefix, {}, messages)


def measure_java(cluster: KafkaCluster, prefix: str, props: dict[str, Any], payload: Path,
                 count: int) -> float:
    topic = new_topic(cluster.bootstrap_servers, prefix)
    settings = {"bootstrap.servers": cluster.bootstrap_servers, "client.id": "bench-java"}
    settings |= {name: str(value).lower() if isinstance(value, bool) else str(value)
                 for name, value in props.items()}
    command = _tool_cmd(cluster.lib_dir, "org.apache.kafka.tools.ProducerPerformance",
                        "--topic", topic, "--num-records", str(count), "--throughput", "-1",
                        "--payload-file", str(payload), "--producer-props",
                        *(f"{name}={value}" for name, value in settings.items()))
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
    found = RATE.findall(done.stdout)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"ProducerPerformance failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return float(found[-1][1])  # the last line is the whole run's


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Measure; the per-repetition rates, their medians and the ratios."""
    events, backend = args.events, args.backend
    repetitions, java = args.repetitions, not getattr(args, "no_java", False)
    work = Path(tempfile.mkdtemp(prefix="zs-bench-relay-"))
    cluster = KafkaCluster(nodes=1, base_dir=work / "kafka", quick_start=False)
    try:
        cluster.start()
        servers = cluster.bootstrap_servers
        prefix = f"bench{uuid.uuid4().hex[:6]}"
        with databases(backend, work) as (city_url, _province_url):
            _, templates = prepare_city(city_url, prefix, work)
            engine = make_engine(city_url)
            topic = f"{prefix}.{CITY}"
            ensure_topic(servers, topic, PARTITIONS, 1, configs=topic_configs({}))
            relay = Relay(make_session_factory(engine), topic, leadership_for(engine, CITY),
                          delivery_factory=lambda: kafka_producer(servers),
                          settings=RelaySettings())
            relay.drain(timeout=120)  # the demo's events: connected, metadata known
            props = relay_settings(servers, relay)
            payload = work / "payload.txt"  # the Java producer's values
            rates: dict[str, list[float]] = {"relay": [], "raw": [], "java": []}
            cpu: dict[str, list[float]] = {"relay": [], "raw": []}
            next_id = 1_000_000
            for number in range(repetitions):
                with engine.connect() as connection:
                    first = (connection.scalar(sa.select(sa.func.max(OutboxEvent.position)))
                             or 0) + 1
                write(engine, event_rows(templates, events, next_id))
                next_id += events
                sides = {"relay": functools.partial(measure_relay, relay, events),
                         "raw": functools.partial(measure_raw_of_rows, engine, first, servers,
                                                  prefix, payload if java else None)}
                # The order alternates, so whatever a run leaves the broker or the database
                # to do afterwards (a segment rolled, a checkpoint) falls on either side alike.
                order = ("relay", "raw") if number % 2 == 0 else ("raw", "relay")
                measured = {side: sides[side]() for side in order}
                for side, (rate, cpu_us) in measured.items():
                    rates[side].append(rate)
                    cpu[side].append(cpu_us)
                if java:
                    rates["java"].append(measure_java(cluster, prefix, props, payload, events))
            relay.close()
            engine.dispose()
        result: dict[str, Any] = {"backend": backend, "events": events,
                                  "repetitions": repetitions, "rates": rates, "cpu_us": cpu,
                                  "producer": props}
        for name, values in rates.items():
            if values:
                result[f"{name}_median"] = statistics.median(values)
        for name, values in cpu.items():
            result[f"{name}_cpu_us_median"] = statistics.median(values)
        result["relay_to_raw"] = statistics.median(
            r / b for r, b in zip(rates["relay"], rates["raw"], strict=True))
        if rates["java"]:
            result["relay_to_java"] = statistics.median(
                r / b for r, b in zip(rates["relay"], rates["java"], strict=True))
        return result
    finally:
        cluster.stop(kill=True)
        if getattr(args, "keep", False):
            print(f"[bench] files kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(result: dict[str, Any]) -> str:
    def rates(name: str) -> str:
        values = result["rates"][name]
        if not values:
            return "not measured"
        return (f"{result[f'{name}_median']:,.0f} events/s "
                f"({', '.join(f'{v:,.0f}' for v in values)})")

    lines = [
        f"Backend: {result['backend']}; {result['events']} events per run, "
        f"{result['repetitions']} repetitions (median; each run in parentheses).",
        "",
        "| producer | events/s |",
        "|---|---|",
        f"| relay: outbox → Kafka, rows marked sent | {rates('relay')} |",
        f"| raw kafka-python producer, same settings and messages | {rates('raw')} |",
        f"| Java producer (ProducerPerformance, same values, no key/headers) | {rates('java')} |",
        "",
        f"relay / raw: {result['relay_to_raw']:.2f}"
        + (f"; relay / java: {result['relay_to_java']:.2f}" if "relay_to_java" in result else ""),
        "",
        cpu_note(result),
    ]
    return "\n".join(lines) + "\n"


def cpu_note(result: dict[str, Any]) -> str:
    """The CPU each event cost the benchmark's process, relay against raw producer: steadier
    than the rates on a shared machine (the broker and, on PostgreSQL, the server apart)."""
    return (f"CPU µs per event in the relay's process: relay {result['relay_cpu_us_median']:.1f}, "
            f"raw producer {result['raw_cpu_us_median']:.1f} (medians)")


def parser() -> argparse.ArgumentParser:
    described = argparse.ArgumentParser(prog="python -m benchmarks.relay", description=__doc__,
                                        formatter_class=argparse.RawDescriptionHelpFormatter)
    described.add_argument("--events", type=int, default=50_000)
    described.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    described.add_argument("--repetitions", type=int, default=3)
    described.add_argument("--no-java", action="store_true", help="skip the Java producer")
    described.add_argument("--json", action="store_true", help="print the result as JSON")
    described.add_argument("--keep", action="store_true", help="keep the work directory")
    return described


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result = run(args)
    sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
