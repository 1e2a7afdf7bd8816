"""Cities, relays and a province wired to a real broker, for the event tests.

Every test gets its own topic prefix and consumer group, so tests sharing the session's
broker never see each other's events.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from core.api.support import Runtime
from core.city import City
from core.clock import CHINA
from core.models import Lead, OutboxEvent, Project
from core.relay import Relay, RelaySettings, city_relay
from province.app import create_app as create_province_app
from province.config import ProvinceConfig, build_config
from province.consumer import ProvinceConsumer
from province.models import CityLead, CityProject, CityState, InboxEvent
from tests.support.cities import make_city, ready_app
from tests.support.http import ApiClient

# Short waits so an outage is noticed and left behind quickly (defaults suit production).
FAST = {"flush_timeout": 2.0, "backoff_max": 1.0, "poll_interval": 0.05, "gap_timeout": 1.0}
FAST_PRODUCER = {"request_timeout_ms": 5000, "reconnect_backoff_max_ms": 500}


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@dataclass
class CityNode:
    """A city service on its own database, with its API client."""

    city: City
    app: Flask
    client: ApiClient

    @property
    def runtime(self) -> Runtime:
        return self.app.extensions["zhaoshang"]

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.runtime.sessions

    def relay(self, servers: str, **settings: Any) -> Relay:
        return city_relay(self.city, self.runtime.engine, servers,
                          RelaySettings(**(FAST | settings), producer=dict(FAST_PRODUCER)))

    def outbox_ids(self) -> set[str]:
        with self.sessions() as session:
            return set(session.scalars(sa.select(OutboxEvent.id)))

    def holdings(self) -> dict[str, Any]:
        """What the city holds, to compare with the province's copy."""
        with self.sessions() as session:
            return {
                "leads": {row.id: row.status for row in session.scalars(sa.select(Lead))},
                "projects": {row.id: (row.stage, row.name, row.amount)
                             for row in session.scalars(sa.select(Project))},
            }


def city_node(code: str, name: str, prefix: str, db_url: str, partitions: int = 3,
              replication: int = 1, **sections: Any) -> CityNode:
    """A migrated plugin-free city publishing to ``<prefix>.<code>`` (``events={...}`` adds
    keys to its ``[events]`` section, e.g. a retention)."""
    events = {"topic_prefix": prefix, "partitions": partitions, "replication": replication}
    city = make_city(city={"code": code, "name": name},
                     events=events | sections.pop("events", {}), **sections)
    app = ready_app(city, db_url)
    return CityNode(city, app, ApiClient(app.test_client()))


@dataclass
class Province:
    config: ProvinceConfig
    app: Flask

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.app.extensions["zhaoshang_province"].sessions

    def consumer(self) -> ProvinceConsumer:
        return ProvinceConsumer(self.config, self.sessions)

    def inbox_ids(self) -> set[str]:
        with self.sessions() as session:
            return set(session.scalars(sa.select(InboxEvent.id)))

    def holdings(self, city: str) -> dict[str, Any]:
        with self.sessions() as session:
            return {
                "leads": {row.lead_id: row.status for row in session.scalars(
                    sa.select(CityLead).where(CityLead.city == city))},
                "projects": {row.project_id: (row.stage, row.name, row.amount)
                             for row in session.scalars(
                                 sa.select(CityProject).where(CityProject.city == city))},
            }

    def get(self, path: str) -> Any:
        response = self.app.test_client().get(f"/api/v1/province{path}")
        assert response.status_code == 200, response.json
        return response.json

    def state(self) -> dict[str, Any]:
        """Everything the province derived, for comparing two runs."""
        with self.sessions() as session:
            tables = {
                "projects": sorted(
                    (p.city, p.project_id, p.name, p.stage, p.status, str(p.amount),
                     str(p.arrived_amount), json.dumps(p.funds, sort_keys=True), p.sequence)
                    for p in session.scalars(sa.select(CityProject))),
                "leads": sorted((x.city, x.lead_id, x.status, x.sequence)
                                for x in session.scalars(sa.select(CityLead))),
                "cities": sorted((s.city, s.events) for s in session.scalars(sa.select(CityState))),
                "inbox": session.scalar(sa.select(sa.func.count()).select_from(InboxEvent)),
            }
        year = CHINA.today().year
        views = {
            "cities": self.get(f"/cities?from={year}-01-01&to={year}-12-31")["cities"],
            "ranking": self.get(f"/ranking?from={year}-01-01&to={year}-12-31&by=arrived_amount"),
            "shared": self.get("/shared-investors")["investors"],
            "completeness": [{k: v for k, v in row.items()}
                             for row in self.get("/completeness")["cities"]],
        }
        return tables | views


def province_config(prefix: str, cities: Iterable[str], servers: str, db_url: str,
                    group: str | None = None, names: dict[str, str] | None = None,
                    **kafka: Any) -> dict[str, Any]:
    return {
        "province": {"code": "province", "name": "测试省"},
        "cities": {"collect": list(cities), "names": names or {}},
        "kafka": {"bootstrap_servers": servers, "topic_prefix": prefix,
                  "group_id": group or unique("group-"), **kafka},
        "database": {"url": db_url},
    }


def province(prefix: str, cities: Iterable[str], servers: str, tmp_path: Path,
             name: str = "province", **kw: Any) -> Province:
    raw = province_config(prefix, cities, servers, f"sqlite:///{tmp_path / (name + '.db')}", **kw)
    config = build_config(raw)
    return Province(config, create_province_app(config, migrate=True))


def topic_messages(kcat: str, servers: str, topic: str) -> list[dict[str, Any]]:
    """Every message of ``topic`` as read by kcat (an independent client), oldest first per
    partition; headers as a dict."""
    out = subprocess.run([kcat, "-b", servers, "-C", "-t", topic, "-J", "-e", "-q",
                          "-o", "beginning"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    messages = []
    for line in out.splitlines():
        if line.strip():
            message = json.loads(line)
            pairs = message.get("headers") or []
            message["headers"] = dict(zip(pairs[::2], pairs[1::2], strict=True))
            messages.append(message)
    return messages


def wait_until(condition, timeout: float = 60.0) -> None:
    """Return once ``condition()`` holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
