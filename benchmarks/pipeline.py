"""Events per second through outbox → relay → Kafka → province, and the end-to-end lag.

Everything runs on this machine the way it runs in production: one real Kafka broker
(``infra.kafka_cluster``), the relay as ``zhaoshang relay`` and the province consumer as
``zhaoshang province consume``, each its own process, over a city database and the
province database (SQLite files, or a local PostgreSQL with ``--backend postgresql``).

1. **Throughput.** ``--events`` realistic events (copies of the core demo's lead and project
   events, spread over many aggregates) are committed to the outbox at once; the clock runs
   from that commit until the province has applied the last one.
2. **Lag at a rate.** A writer commits events at a steady fraction of that throughput for
   ``--duration`` seconds (one small transaction every 20 ms); each event's lag is the
   province's receive time minus the event's own time (its outbox commit).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.app import create_app
from core.cli import prepare_database
from core.clock import CHINA, utcnow
from core.db import make_engine, unit_of_work
from core.demo import DemoBuilder, generic_records
from core.events import wire_value
from core.models import OutboxEvent
from infra.kafka_cluster import KafkaCluster
from province.migrate import upgrade as upgrade_province
from province.models import InboxEvent
from tests.support.cities import city_config
from tests.support.toml import toml_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CITY = "benchcity"


@dataclass
class Setup:
    work: Path
    servers: str
    city_url: str
    province_url: str
    city_file: Path
    province_file: Path


@contextlib.contextmanager
def databases(backend: str, work: Path) -> Iterator[tuple[str, str]]:
    if backend == "sqlite":
        yield f"sqlite:///{work / 'city.db'}", f"sqlite:///{work / 'province.db'}"
        return
    from infra.postgres import PostgresServer

    work.chmod(0o755)  # as root the server runs as the postgres user, who must reach its dir
    server = PostgresServer(work / "pg")
    server.start()
    try:
        yield server.create_database("bench_city"), server.create_database("bench_province")
    finally:
        server.stop()


def prepare_city(url: str, prefix: str, work: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A migrated plugin-free city with the core demo loaded; its deployment file and the
    demo's events (the templates the benchmark copies)."""
    raw = city_config(city={"code": CITY, "name": "基准市"}, database={"url": url},
                      events={"topic_prefix": prefix, "partitions": 3, "replication": 1})
    path = work / "city.toml"
    path.write_text(toml_text(raw))
    app = create_app(path)
    prepare_database(app)
    runtime = app.extensions["zhaoshang"]
    with unit_of_work(runtime.sessions) as session:
        generic_records(DemoBuilder(runtime, session, CHINA.today()))
    with runtime.sessions() as session:
        templates = [
            {"source": r.source, "type": r.type, "subject": r.subject, "city": r.city,
             "schema_version": r.schema_version, "aggregate_type": r.aggregate_type,
             "data": r.data}
            for r in session.scalars(sa.select(OutboxEvent).where(
                OutboxEvent.aggregate_type.in_(["lead", "project"])))
        ]
    runtime.engine.dispose()
    return path, templates


def event_rows(templates: list[dict[str, Any]], count: int, first_id: int,
               now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """``count`` outbox rows copied from the templates, for aggregates ``first_id`` on."""
    rows = []
    for n in range(count):
        template = templates[n % len(templates)]
        aggregate = template["aggregate_type"]
        number = first_id + n // 4  # a few events per aggregate, as in real life
        data = copy.deepcopy(template["data"])
        data[f"{aggregate}_id"] = number
        rows.append({
            "id": str(uuid.uuid4()), "source": template["source"], "type": template["type"],
            "subject": f"{aggregate}/{number}", "time": now or utcnow(),
            "city": template["city"], "schema_version": template["schema_version"],
            "aggregate_type": aggregate, "aggregate_id": f"{CITY}:{aggregate}:{number}",
            "wire": wire_value(data), "sent_at": None,  # as record_event writes
        })
    return rows


def write(engine: sa.Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(OutboxEvent.__table__), rows)


def count(engine: sa.Engine, query: sa.Select) -> int:
    with engine.connect() as connection:
        return connection.scalar(query) or 0


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "core.cli", *args], cwd=PROJECT_ROOT,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
                            env=os.environ | {"PYTHONUNBUFFERED": "1"})


def wait_for(condition, timeout: float, what: str, processes=()) -> float:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a benchmark process died while waiting for {what}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached in {timeout:.0f}s")
        time.sleep(0.02)
    return time.monotonic()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure_lag(city: sa.Engine, province: sa.Engine, templates: list[dict[str, Any]],
                rate: float, duration: float, first_id: int, processes) -> dict[str, float]:
    """Write at ``rate`` events/s for ``duration`` s; the lag of every event written."""
    received = sa.select(sa.func.count()).select_from(InboxEvent)
    already = count(province, received)
    started = utcnow()
    tick, written, next_id = 0.02, 0, first_id
    begin = time.monotonic()
    while time.monotonic() - begin < duration:
        due = int(rate * (time.monotonic() - begin)) - written
        if due > 0:
            write(city, event_rows(templates, due, next_id))
            written += due
            next_id += due
        time.sleep(tick)
    wait_for(lambda: count(province, received) >= already + written, 300,
             "the province catching up", processes)
    with province.connect() as connection:
        rows = connection.execute(sa.select(InboxEvent.event_time, InboxEvent.received_at)
                                  .where(InboxEvent.event_time >= started)).all()
    lags = [(_aware(got) - _aware(sent)).total_seconds() for sent, got in rows]
    return {"rate": written / duration, "events": len(lags),
            "p50": statistics.median(lags), "p95": percentile(lags, 0.95),
            "p99": percentile(lags, 0.99), "max": max(lags)}


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def run(events: int, duration: float, backend: str, keep: bool) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="zs-bench-"))
    cluster = KafkaCluster(nodes=1, base_dir=work / "kafka", quick_start=False)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        cluster.start()
        prefix = f"bench{uuid.uuid4().hex[:6]}"
        with databases(backend, work) as (city_url, province_url):
            city_file, templates = prepare_city(city_url, prefix, work)
            province_file = work / "province.toml"
            province_file.write_text(toml_text({
                "cities": {"collect": [CITY]},
                "kafka": {"bootstrap_servers": cluster.bootstrap_servers, "topic_prefix": prefix,
                          "group_id": "bench-province"},
                "database": {"url": province_url}}))
            city, province = make_engine(city_url), make_engine(province_url)
            upgrade_province(province)
            processes.append(start(["relay", "--config", str(city_file), "--bootstrap-servers",
                                    cluster.bootstrap_servers], work / "relay.log"))
            processes.append(start(["province", "consume", "--config", str(province_file)],
                                   work / "consumer.log"))
            received = sa.select(sa.func.count()).select_from(InboxEvent)
            total = lambda: count(city, sa.select(sa.func.count()).select_from(OutboxEvent))  # noqa: E731
            # Warm up: the demo's events went through, so both processes are connected.
            wait_for(lambda: count(province, received) >= total(), 120, "warm-up", processes)

            base = count(province, received)
            rows = event_rows(templates, events, 1_000_000)
            began = time.monotonic()
            write(city, rows)
            committed = time.monotonic()
            relayed = wait_for(lambda: count(city, sa.select(sa.func.count()).select_from(
                OutboxEvent).where(OutboxEvent.sent_at.is_(None))) == 0, 600, "relay", processes)
            done = wait_for(lambda: count(province, received) >= base + events, 600,
                            "province", processes)
            throughput = events / (done - committed)
            result: dict[str, Any] = {
                "backend": backend, "events": events,
                "write_seconds": committed - began,
                "relay_rate": events / (relayed - committed),
                "end_to_end_rate": throughput,
                "lag": [],
            }
            next_id = 2_000_000
            for fraction in (0.5, 0.8):
                lag = measure_lag(city, province, templates, throughput * fraction, duration,
                                  next_id, processes)
                result["lag"].append({"fraction": fraction} | lag)
                next_id += 1_000_000
            city.dispose()
            province.dispose()
        return result
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(20)
        cluster.stop(kill=True)
        if keep:
            print(f"[bench] files kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(result: dict[str, Any]) -> str:
    lines = [
        f"Backend: {result['backend']}; {result['events']} events committed at once "
        f"(written in {result['write_seconds']:.2f}s).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| relay: outbox → Kafka (acks=all) | {result['relay_rate']:,.0f} events/s |",
        f"| end to end: outbox → relay → Kafka → province store | "
        f"{result['end_to_end_rate']:,.0f} events/s |",
        "",
        "| steady write rate | events | lag p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|",
    ]
    for lag in result["lag"]:
        lines.append(
            f"| {lag['rate']:,.0f} events/s ({lag['fraction']:.0%} of the end-to-end rate) | "
            f"{lag['events']} | {lag['p50'] * 1000:,.0f} ms | {lag['p95'] * 1000:,.0f} ms | "
            f"{lag['p99'] * 1000:,.0f} ms | {lag['max'] * 1000:,.0f} ms |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--duration", type=float, default=15.0,
                        help="seconds of steady writing per lag measurement")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    sys.stdout.write(report(run(args.events, args.duration, args.backend, args.keep)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
