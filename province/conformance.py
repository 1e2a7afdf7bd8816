"""The province's part of the conformance kit (entry point ``zhaoshang.conformance: province``).

The kit in the core relays a city's outbox to Kafka and asks this to collect it the way the
province does, so that the core never imports the province (core/conformance/parts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

DEADLINE = 120.0  # seconds for the province to collect a few dozen events


@dataclass
class CollectedProvince:
    """A province that has collected one city's events: what the kit then asks of it."""

    city_code: str
    dead_lettered: int
    client: Any  # a Flask test client of /api/v1/province
    sessions: Any

    def stage_of(self, project_id: int) -> str | None:
        """The stage the province holds for the city's project (None: it holds none)."""
        from province.models import CityProject

        with self.sessions() as session:
            return session.scalar(sa.select(CityProject.stage).where(
                CityProject.city == self.city_code, CityProject.project_id == project_id))


def collect(city: Any, bootstrap_servers: str, topic_prefix: str, published: set[str],
            workdir: Path) -> CollectedProvince:
    """A province of ``city`` alone (SQLite under ``workdir``) that has consumed every event id
    in ``published`` from the city's topic (raises on timeout)."""
    from province.app import create_app
    from province.config import build_config
    from province.consumer import ProvinceConsumer
    from province.models import InboxEvent

    config = build_config({
        "province": {"code": "province", "name": city.province},
        "cities": {"collect": [city.code], "names": {city.code: city.name}},
        "kafka": {"bootstrap_servers": bootstrap_servers, "topic_prefix": topic_prefix,
                  "group_id": f"conformance-{topic_prefix}"},
        "database": {"url": f"sqlite:///{Path(workdir) / 'province.db'}"}})
    app = create_app(config, migrate=True)
    sessions = app.extensions["zhaoshang_province"].sessions
    consumer = ProvinceConsumer(config, sessions)

    def inbox() -> set[str]:
        with sessions() as session:
            return set(session.scalars(sa.select(InboxEvent.id)))

    try:
        consumer.consume_until(lambda: published <= inbox(), timeout=DEADLINE)
    finally:
        consumer.close()
    return CollectedProvince(city.code, consumer.dead_lettered, app.test_client(), sessions)
