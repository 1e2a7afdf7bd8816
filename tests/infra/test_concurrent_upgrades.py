"""Two replicas starting at once on one empty PostgreSQL database both come up.

Found by the cluster proof (issue 26): two gateways started together both ran the gateway's
migrations and the second crashed on a ``UniqueViolation``; two city replicas or two province
API processes (a Kubernetes Deployment's first rollout) would do the same. Each history's
upgrade now waits for the other on an advisory lock (core.alembic_upgrade).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from core.db import make_engine


def gateway_upgrade(engine: sa.Engine) -> None:
    from gateway.store import upgrade

    upgrade(engine)


def province_upgrade(engine: sa.Engine) -> None:
    from province.migrate import upgrade

    upgrade(engine)


def city_upgrade(engine: sa.Engine) -> None:
    from core.migrate import upgrade
    from tests.support.cities import make_city

    upgrade(make_city(), engine)


@pytest.mark.parametrize("upgrade", [gateway_upgrade, province_upgrade, city_upgrade],
                         ids=["gateway", "province", "city"])
def test_two_processes_upgrading_one_empty_database_both_succeed(
        postgres_server, upgrade: Callable[[sa.Engine], None]) -> None:
    name = f"concurrent_{upgrade.__name__}"
    postgres_server.drop_database(name)
    url = postgres_server.create_database(name)
    engines = [make_engine(url) for _ in range(2)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def start_replica(engine: sa.Engine) -> None:
        start.wait()
        try:
            upgrade(engine)
        except BaseException as error:  # noqa: BLE001 - the test reports what the replica met
            failures.append(error)

    replicas = [threading.Thread(target=start_replica, args=(engine,)) for engine in engines]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join(timeout=300)
    try:
        assert failures == []
        tables = sa.inspect(engines[0]).get_table_names()
        version_table, = [table for table in tables if table.endswith("alembic_version")]
        with engines[0].connect() as connection:
            versions = connection.scalars(sa.text(f"SELECT version_num FROM {version_table}")).all()
        assert versions and len(versions) == len(set(versions))  # one row per head, once
    finally:
        for engine in engines:
            engine.dispose()
        postgres_server.drop_database(name)
