"""The province consumer is killed mid-stream (SIGKILL) and restarted: same figures as a
clean replay of the whole topic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db import unit_of_work
from core.demo import DemoBuilder, generic_records
from core.identity import SYSTEM
from core.schemas.leads import LeadCreate
from core.services.leads import report_lead
from core.snapshot import record_snapshot
from province.app import create_app as create_province_app
from province.config import build_config
from province.models import InboxEvent
from tests.events.support import Province, city_node, province, province_config, unique
from tests.support.records import enterprise, lead_body
from tests.support.toml import toml_text

pytestmark = pytest.mark.kafka
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def load_demo(node, shared_investor: dict) -> None:
    """The core's demo records, plus one investor every city courts."""
    # The lead body is validated against the city's own vocabularies, read from its app.
    with node.app.app_context(), unit_of_work(node.sessions) as session:
        demo = DemoBuilder(node.runtime, session, node.city.clock.today())
        generic_records(demo)
        report_lead(session, node.city, LeadCreate().load(
            lead_body(900, enterprise=shared_investor)), SYSTEM)


def start_consumer(config_file: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", "province", "consume", "--config", str(config_file)],
        cwd=PROJECT_ROOT, stdout=open(log, "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115


def inbox_count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        try:
            return connection.scalar(sa.select(sa.func.count()).select_from(InboxEvent)) or 0
        except sa.exc.OperationalError:  # not migrated yet
            return 0


def test_a_killed_consumer_resumes_to_the_same_figures_as_a_clean_replay(kafka, tmp_path):
    prefix = unique()
    servers = kafka.bootstrap_servers
    investor = enterprise(4242, name="共同关注投资集团有限公司")
    nodes = [city_node(code, name, prefix, f"sqlite:///{tmp_path / (code + '.db')}")
             for code, name in (("alpha", "甲市"), ("beta", "乙市"))]
    for node in nodes:
        load_demo(node, investor)
        node.client.post("/leads", json=lead_body(1), as_=("clerk", "east"))
        with unit_of_work(node.sessions) as session:
            record_snapshot(session, node.city)
        relay = node.relay(servers)
        relay.drain()
        relay.close()
    expected = set().union(*(node.outbox_ids() for node in nodes))
    assert len(expected) > 200

    # The consumer under test: a separate process, small polls so it is killed mid-stream.
    db_url = f"sqlite:///{tmp_path / 'crashed.db'}"
    raw = province_config(prefix, ["alpha", "beta"], servers, db_url, max_poll_records=5,
                          instance_id="province-1")
    config_file = tmp_path / "province.toml"
    config_file.write_text(toml_text(raw))
    engine = sa.create_engine(db_url)
    log = tmp_path / "consumer.log"
    process = start_consumer(config_file, log)
    try:
        deadline = time.monotonic() + 90
        while inbox_count(engine) < 40:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        applied_when_killed = inbox_count(engine)
        assert 40 <= applied_when_killed < len(expected)

        process = start_consumer(config_file, log)
        deadline = time.monotonic() + 120
        while inbox_count(engine) < len(expected):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
    engine.dispose()

    crashed = Province(build_config(raw), create_province_app(build_config(raw)))
    replay = province(prefix, ["alpha", "beta"], servers, tmp_path, name="replay")
    consumer = replay.consumer()
    consumer.consume_until(lambda: replay.inbox_ids() == expected, timeout=120)
    consumer.close()

    assert crashed.inbox_ids() == expected
    assert crashed.state() == replay.state()
    assert [row["status"] for row in replay.get("/completeness")["cities"]] == ["complete"] * 2
    shared = replay.state()["shared"]
    assert sorted(group["names"][0] for group in shared) == ["共同关注投资集团有限公司",
                                                           "测试投资1号有限公司"]

