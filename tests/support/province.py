"""A province that applied every event of a city's outbox, as its consumer would (without a
broker: the records are built from the outbox rows the relay would publish)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.db import unit_of_work
from core.models import OutboxEvent
from core.relay import cloudevent_message
from province.app import create_app as create_province_app
from province.config import build_config
from province.records import RawRecord, read_event
from province.store import apply_events
from tests.events.support import province_config
from tests.province.test_province import Record


def province_of(city_app: Any, folder: Path, names: dict[str, str] | None = None) -> Any:
    """A province app (its database in ``folder``) holding every event ``city_app`` recorded."""
    runtime = city_app.extensions["zhaoshang"]
    prefix = runtime.city.topic.rsplit(".", 1)[0]
    config = build_config(province_config(prefix, [runtime.city.code], "127.0.0.1:1",
                                          f"sqlite:///{folder / 'province.db'}", names=names))
    assert config.topic(runtime.city.code) == runtime.city.topic
    province = create_province_app(config, migrate=True)
    with runtime.sessions() as session:
        records = [Record(runtime.city.topic, 0, row.position, m.key, m.value, m.headers)
                   for row in session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.position))
                   for m in [cloudevent_message(row)]]
    with unit_of_work(province.extensions["zhaoshang_province"].sessions) as session:
        assert apply_events(session, [read_event(RawRecord.of(r), config) for r in records])
    return province
