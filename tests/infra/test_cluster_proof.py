"""Issue 26's proof on one machine, with real processes only.

A three-broker KRaft Kafka (the city topic: 3 partitions, replication 3, min.insync.replicas 2),
PostgreSQL, Redis; Ziyang as two ``serve`` replicas on one PostgreSQL database with two relays
(one publishes: the advisory lock of core/relay.py), two gateways sharing Redis and one users'
database with both replicas as upstreams, two province consumers in one group on one province
database, and the province API. The processes are ``make up``'s own (:func:`infra.suite.
suite_services` with ``ziyang*2``, ``--postgres`` and an outside broker) run by its runner
(:class:`infra.suite.Suite`); the test adds the second relay, consumer and gateway.

Two client threads stream lead POSTs with unique titles, alternating gateways; the test kills
(SIGKILL) one city replica, then one gateway, then one broker (the leader of the city topic's
partition 0) mid-stream. A client retries a write only when it saw no acknowledgement AND the
request never left it (connection refused: a dead gateway), on the other gateway; a write whose
answer was lost (in flight at a kill) is counted failed and never retried blindly.

What must hold: every acknowledged write (2xx) is in the city's database and, once the
consumers caught up, in the province store; the failed writes are at most one per kill per
client thread (each thread has one request in flight); each city event is applied once by the
province (inbox rows = applied count = the city's outbox); the province's figures for Ziyang
equal the city's own. docs/deployment.md ("Proven on one machine") has a measured run.
"""

from __future__ import annotations

import io
import threading
import time
import tomllib
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from urllib3.exceptions import NewConnectionError

from core.loopback_ports import free_ports
from core.toml_writer import toml_text
from gateway.demo import DEMO_PASSWORD
from infra.kafka_cluster import KafkaCluster
from infra.redis import RedisServer, throwaway_server
from infra.suite import Restarts, Service, Suite, parse_cities, suite_services

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

CITY = "ziyang"
TOPIC = f"zhaoshang.{CITY}"  # the suite's default topic prefix
WRITERS = 2  # client threads; each has at most one write in flight
ACKS_PER_PHASE = 12  # acknowledged writes before each kill, and after the last one
KILLS = ("city replica", "gateway", "broker")
DEADLINE = 180.0  # seconds to wait for anything (a deadline, never an assertion on speed)


def with_option(command: tuple[str, ...], option: str, value: str) -> tuple[str, ...]:
    at = command.index(option)
    return (*command[:at + 1], value, *command[at + 2:])


def rewrite_toml(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(toml_text(raw), encoding="utf-8")


@dataclass
class Stream:
    """What the clients saw: acknowledged writes (title → lead id), failed ones by the kill
    they followed (0: before any), refused requests sent again to the other gateway."""

    acknowledged: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[int, int, str, str]] = field(default_factory=list)  # kills, thread, title, why
    failed_over: int = 0
    kills: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def refused(exc: requests.ConnectionError) -> bool:
    """Whether the request never left the client (nothing listened): safe to send elsewhere."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def write_leads(thread: int, gateways: list[str], token: str, stream: Stream,
                stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    serial = 0
    while not stop.is_set():
        serial += 1
        title = f"集群验证线索{thread}-{serial}"
        body = {"title": title, "enterprise": {"name": f"集群验证企业{thread}-{serial}有限公司"},
                "reporting_unit": "lezhi", "industry": "advanced_manufacturing",
                "intended_amount": "100"}
        first = (serial + thread) % 2
        for attempt in (first, 1 - first):
            try:
                answer = requests.post(f"{gateways[attempt]}/api/v1/cities/{CITY}/leads",
                                       json=body, headers=headers, timeout=30)
            except requests.ConnectionError as exc:
                if refused(exc) and attempt == first:
                    with stream.lock:
                        stream.failed_over += 1
                    continue  # never sent: the other gateway may take it
                outcome = f"{type(exc).__name__}: {exc}"
            except requests.Timeout as exc:
                outcome = f"timeout: {exc}"
            else:
                if 200 <= answer.status_code < 300:
                    with stream.lock:
                        stream.acknowledged[title] = answer.json()["id"]
                    break
                outcome = f"{answer.status_code} {answer.text[:200]}"
            with stream.lock:
                stream.failed.append((stream.kills, thread, title, outcome))
            break
        time.sleep(0.2)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.5)


def rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql))]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """Real Redis (Debian's redis-server, installed when missing): never skipped."""
    with throwaway_server() as server:
        yield server


@pytest.fixture
def kafka_three(tmp_path: Path) -> Iterator[KafkaCluster]:
    """Three KRaft nodes (broker and controller each): replication 3, min.insync.replicas 2."""
    cluster = KafkaCluster(nodes=3, base_dir=tmp_path / "kafka")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop(kill=True)


def test_kills_of_a_replica_a_gateway_and_a_broker_lose_no_acknowledged_write(
        kafka_three, postgres_server, redis_server, tmp_path, today):
    suffix = uuid.uuid4().hex[:8]
    names = {"gateway": f"proof_gateway_{suffix}", "province": f"proof_province_{suffix}"}
    postgres_server.drop_database(f"zhaoshang_{CITY}")  # the suite's name for a replicated city
    urls = {key: postgres_server.create_database(name) for key, name in names.items()}
    city_db = postgres_server.url(f"zhaoshang_{CITY}")
    var = tmp_path / "var"
    var.mkdir()

    ziyang = parse_cities(f"{CITY}*2")[0]
    ziyang = replace(ziyang, raw={**ziyang.raw, "events": {
        **ziyang.raw.get("events", {}), "partitions": 3, "replication": 3,
        "min_insync_replicas": 2}})
    city_port, province_port, gateway_ports = free_ports(2), free_ports(1), free_ports(2)
    services = suite_services(var, [ziyang], first_port=city_port, demo=True,
                              province_port=province_port, gateway_port=gateway_ports,
                              bootstrap_servers=kafka_three.bootstrap_servers,
                              postgres=postgres_server.url("").rstrip("/"))
    # The suite's files, pointed at the shared stores: one province database, one gateway
    # database and the gateways' rate limits in Redis.
    rewrite_toml(var / "province.toml", lambda raw: raw["database"].update(url=urls["province"]))
    rewrite_toml(var / "gateway.toml", lambda raw: raw.update(
        gateway={**raw["gateway"], "database_url": urls["gateway"]},
        upstream={"health_interval": 0.5},
        limits={"storage_uri": redis_server.url(0), "per_user": "100000/minute",
                "per_address": "100000/minute", "login": "10000/minute"}))
    by_name = {service.name: service for service in services}
    second_port = str(gateway_ports + 1)
    seconds: list[Service] = [
        replace(by_name[f"relay-{CITY}"], name=f"relay-{CITY}-2"),
        replace(by_name["province-consumer"], name="province-consumer-2", prepare=(),
                command=with_option(by_name["province-consumer"].command, "--metrics-port",
                                    str(free_ports(1)))),
        replace(by_name["gateway"], name="gateway-2", announce=(),
                command=with_option(by_name["gateway"].command, "--port", second_port),
                ready_url=by_name["gateway"].ready_url.replace(str(gateway_ports), second_port)),
    ]
    # The demo users exist before either gateway answers (the writers sign in at once), as the
    # city's first process prepares the city's. Two gateways migrating one empty database at
    # once wait for each other (core.alembic_upgrade; tests/infra/test_concurrent_upgrades.py).
    gateway = by_name["gateway"]
    services = [replace(gateway, prepare=gateway.announce, announce=()) if s is gateway else s
                for s in services if not s.name.startswith("schedule-")] + seconds
    suite = Suite(services, var, out=io.StringIO(), restarts=Restarts(give_up_after=1))
    try:
        suite.up()
        assert {s.name for s in services} == {
            CITY, f"{CITY}-2", f"relay-{CITY}", f"relay-{CITY}-2", "province-consumer",
            "province-consumer-2", "province", "gateway", "gateway-2"}
        gateways = [f"http://127.0.0.1:{gateway_ports + n}" for n in (0, 1)]
        token = requests.post(f"{gateways[0]}/api/v1/auth/token", timeout=30, json={
            "username": f"{CITY}-officer", "password": DEMO_PASSWORD}).json()["access_token"]

        stream, stop = Stream(), threading.Event()
        writers = [threading.Thread(target=write_leads, name=f"writer-{n}", daemon=True,
                                    args=(n, gateways, token, stream, stop))
                   for n in range(WRITERS)]
        for writer in writers:
            writer.start()
        killed: dict[str, str] = {}
        try:
            for kill in KILLS:
                wait_for(lambda: len(stream.acknowledged) >= ACKS_PER_PHASE * (stream.kills + 1),
                         f"{ACKS_PER_PHASE} acknowledged writes before killing the {kill}")
                killed[kill] = kill_one(kill, suite, kafka_three)
                with stream.lock:
                    stream.kills += 1
            wait_for(lambda: len(stream.acknowledged) >= ACKS_PER_PHASE * (len(KILLS) + 1),
                     "writes after the last kill")
        finally:
            stop.set()
            for writer in writers:
                writer.join(60)

        # The relay publishes everything (the city's own outbox says so), then the consumers
        # catch up with it.
        wait_for(lambda: rows(city_db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                 == [(0,)], "the relay to publish the outbox")
        events = rows(city_db, "SELECT count(*) FROM outbox")[0][0]
        wait_for(lambda: rows(urls["province"], "SELECT count(*) FROM province_inbox")[0][0]
                 >= events, "the province consumers to apply every event")

        city_leads = dict(rows(city_db, "SELECT title, id FROM leads"))
        province_leads = dict(rows(urls["province"], "SELECT title, lead_id FROM province_leads "
                                                     f"WHERE city = '{CITY}'"))
        lost_in_city = {t: i for t, i in stream.acknowledged.items() if city_leads.get(t) != i}
        lost_in_province = {t: i for t, i in stream.acknowledged.items()
                            if province_leads.get(t) != i}
        inbox = rows(urls["province"], "SELECT count(*), count(DISTINCT (source, id)) "
                                       f"FROM province_inbox WHERE city = '{CITY}'")[0]
        applied = rows(urls["province"],
                       f"SELECT events FROM province_cities WHERE city = '{CITY}'")[0][0]
        failed_by = Counter((kills, thread) for kills, thread, _, _ in stream.failed)
        applied_anyway = [t for _, _, t, _ in stream.failed if t in city_leads]
        city_figures, province_figures = figures(gateways[1], today)
        print(f"\n[proof] acknowledged {len(stream.acknowledged)} writes by {WRITERS} threads; "
              f"failed {len(stream.failed)} (by kill, thread: {dict(failed_by)}; applied anyway:"
              f" {len(applied_anyway)}); refused and sent to the other gateway: "
              f"{stream.failed_over}; killed: {killed}; city events {events}, province inbox "
              f"{inbox[0]}, applied {applied}; city leads {len(city_leads)}, province "
              f"{len(province_leads)}")
        for kills, thread, title, why in stream.failed:
            print(f"[proof] failed after kill {kills} ({KILLS[kills - 1] if kills else '-'}), "
                  f"thread {thread}, {title}: {why}")

        assert lost_in_city == {} and lost_in_province == {}
        # At most the one request each thread had in flight at each kill; none before.
        assert all(kills >= 1 and count <= 1 for (kills, _), count in failed_by.items()), \
            stream.failed
        assert len(stream.failed) <= WRITERS * len(KILLS)
        assert province_leads == city_leads  # the province holds exactly the city's leads
        assert inbox == (events, events) and applied == events  # each event applied once
        assert province_figures == city_figures
    finally:
        suite.stop(grace=10)
        for name in (*names.values(), f"zhaoshang_{CITY}"):
            postgres_server.drop_database(name)


def kill_one(what: str, suite: Suite, cluster: KafkaCluster) -> str:
    """SIGKILL one process of ``what``; say which."""
    if what == "broker":
        admin = cluster.admin_client()
        try:
            (topic,) = admin.describe_topics([TOPIC])
            controller = cluster.describe_cluster()["controller_id"]
        finally:
            admin.close()
        leader = next(p["leader_id"] for p in topic["partitions"] if p["partition_index"] == 0)
        cluster.stop_node(leader, kill=True)
        role = "the active controller" if leader == controller else f"controller: node {controller}"
        return f"node {leader}, leader of {TOPIC}-0 ({role})"
    name = {"city replica": CITY, "gateway": "gateway"}[what]
    child = suite.children[name]
    child.kill()
    child.wait()
    return f"{name} (pid {child.pid})"


FIGURES = ("signed_count", "signed_amount_yi", "started_count", "start_rate", "arrived_amount_yi",
           "arrival_rate", "signed_amount_growth", "fulfilling_count", "fulfilment_rate")


def figures(gateway: str, today: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ziyang's figures for this year as the city gives them and as the province does."""
    period = {"from": today.replace(month=1, day=1).isoformat(), "to": today.isoformat()}

    def token(username: str) -> dict[str, str]:
        answer = requests.post(f"{gateway}/api/v1/auth/token", timeout=30,
                               json={"username": username, "password": DEMO_PASSWORD})
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    city = requests.get(f"{gateway}/api/v1/cities/{CITY}/stats", params=period, timeout=30,
                        headers=token(f"{CITY}-officer"))
    province = requests.get(f"{gateway}/api/v1/province/cities", params=period, timeout=30,
                            headers=token("province"))
    assert city.status_code == 200 and province.status_code == 200, (city.text, province.text)
    (row,) = (row for row in province.json()["cities"] if row["key"] == CITY)
    total = city.json()["total"]
    return ({key: total.get(key) for key in FIGURES}, {key: row.get(key) for key in FIGURES})
