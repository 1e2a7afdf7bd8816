"""The restore drill of docs/deployment.md ("Backups"), on the real PostgreSQL and broker: a
city's database dumped with pg_dump, restored into a fresh server, its history republished
(``relay republish --state``) to a fresh province, which then shows the city's figures as
the province before the loss did."""

from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa

from core.models import OutboxEvent
from infra.postgres import throwaway_server
from tests.events.support import city_node, province, unique
from tests.events.test_replay_and_rebuild import city_history, consume_all, figures, publish, republish

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def test_a_city_restored_from_its_dump_gives_a_fresh_province_the_same_figures(
        kafka, postgres_server, tmp_path, monkeypatch):
    servers, database, dump = kafka.bootstrap_servers, unique("drill"), tmp_path / "alpha.dump"
    prefix = unique()
    alpha = city_node("alpha", "甲市", prefix, postgres_server.create_database(database))
    with alpha.app.app_context():
        city_history(alpha)
    publish(alpha, servers)
    before = province(prefix, ["alpha"], servers, tmp_path, name="before", names={"alpha": "甲市"})
    consume_all(before, alpha)
    subprocess.run([postgres_server.bin_dir / "pg_dump", "--format=custom", "--file", dump,
                    postgres_server.dsn(database)], check=True)
    alpha.runtime.engine.dispose()

    with throwaway_server() as fresh:
        url = fresh.create_database("alpha")
        subprocess.run([fresh.bin_dir / "pg_restore", "--exit-on-error", "--dbname",
                        fresh.dsn("alpha"), dump], check=True)
        prefix = unique()  # a fresh province on fresh topics: only what is republished
        restored = city_node("alpha", "甲市", prefix, url)
        first = republish(restored, monkeypatch, "--state")["first_position"]
        publish(restored, servers)
        after = province(prefix, ["alpha"], servers, tmp_path, name="after", names={"alpha": "甲市"})
        with restored.sessions() as session:
            restated = set(session.scalars(sa.select(OutboxEvent.id).where(
                OutboxEvent.position >= first)))
        consumer = after.consumer()
        consumer.consume_until(lambda: after.inbox_ids() >= restated, timeout=120)
        consumer.close()
        restored.runtime.engine.dispose()
    assert figures(after)["cities"] == figures(before)["cities"]
    assert after.holdings("alpha") == before.holdings("alpha")
