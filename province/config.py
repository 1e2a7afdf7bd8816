"""The province service's own configuration file (``province/config.toml`` by default).

It names the province, the cities it collects (their topics are ``<topic_prefix>.<code>``),
the Kafka cluster and consumer group, and the province's own database. Invalid files stop
startup with every problem listed, like a city's deployment file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from core.clock import DEFAULT_ZONE, Clock, check_zone
from core.config import ConfigError, flatten_errors, read_toml
from core.relay import DEFAULT_BOOTSTRAP

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "config.toml"
CITY_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class ProvinceSection(_Strict):
    code = fields.String(load_default="province", validate=CITY_CODE)
    name = fields.String(load_default="全省")
    # The zone of the province's "today" (core.clock).
    timezone = fields.String(load_default=DEFAULT_ZONE, validate=check_zone)


class CitiesSection(_Strict):
    collect = fields.List(fields.String(validate=CITY_CODE), required=True,
                          validate=validate.Length(min=1))
    names = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class KafkaSection(_Strict):
    bootstrap_servers = fields.String(load_default=None, allow_none=True)
    topic_prefix = fields.String(load_default="zhaoshang")
    group_id = fields.String(load_default="zhaoshang-province")
    max_poll_records = fields.Integer(load_default=500, validate=validate.Range(min=1))
    session_timeout_ms = fields.Integer(load_default=10_000,
                                        validate=validate.Range(min=6_000, max=300_000))
    # Static group membership: a restarted consumer with the same id takes its old place at
    # once, without a rebalance. Give every running consumer process its own id.
    instance_id = fields.String(load_default=None, allow_none=True)
    # Where set-aside records are republished (province.dead_letter_topic); default
    # ``<topic_prefix>.dead-letters`` (a hyphen: no city code can take that topic).
    dead_letter_topic = fields.String(load_default=None, allow_none=True,
                                      validate=validate.Regexp(r"^[A-Za-z0-9._-]{1,249}$"))
    dead_letter_replication = fields.Integer(load_default=1, validate=validate.Range(min=1))


class DatabaseSection(_Strict):
    url = fields.String(load_default=None, allow_none=True)


class GatewaySection(_Strict):
    """How the province trusts the gateway: the shared secret (else the environment)."""

    secret = fields.String(load_default=None, allow_none=True,
                           metadata={"description": "else ZHAOSHANG_GATEWAY_SECRET"})
    max_age_seconds = fields.Integer(load_default=60, validate=validate.Range(min=1, max=3600))


class RetentionSection(_Strict):
    """How long the province keeps its inbox ids and city snapshots (province.pruning)."""

    inbox_keep_days = fields.Integer(load_default=30, validate=validate.Range(min=1))


class ProvinceConfigSchema(_Strict):
    province = fields.Nested(ProvinceSection, load_default=lambda: ProvinceSection().load({}))
    cities = fields.Nested(CitiesSection, required=True)
    kafka = fields.Nested(KafkaSection, load_default=lambda: KafkaSection().load({}))
    database = fields.Nested(DatabaseSection, load_default=lambda: DatabaseSection().load({}))
    gateway = fields.Nested(GatewaySection, load_default=lambda: GatewaySection().load({}))
    retention = fields.Nested(RetentionSection, load_default=lambda: RetentionSection().load({}))


@dataclass(frozen=True)
class ProvinceConfig:
    """The validated configuration."""

    raw: dict[str, Any]
    origin: str = "<config>"

    @property
    def code(self) -> str:
        return self.raw["province"]["code"]

    @property
    def name(self) -> str:
        return self.raw["province"]["name"]

    @property
    def clock(self) -> Clock:
        """The province's clock, in its ``[province] timezone``."""
        return Clock(self.raw["province"]["timezone"])

    @property
    def cities(self) -> list[str]:
        return list(self.raw["cities"]["collect"])

    def city_name(self, code: str) -> str:
        return self.raw["cities"]["names"].get(code, code)

    def topic(self, city: str) -> str:
        return f"{self.raw['kafka']['topic_prefix']}.{city}"

    @property
    def topics(self) -> list[str]:
        return [self.topic(city) for city in self.cities]

    def city_of_topic(self, topic: str) -> str | None:
        """The collected city whose topic ``topic`` is (None: not a collected city's)."""
        return next((city for city in self.cities if self.topic(city) == topic), None)

    @property
    def dead_letter_topic(self) -> str:
        kafka = self.raw["kafka"]
        return kafka["dead_letter_topic"] or f"{kafka['topic_prefix']}.dead-letters"

    @property
    def dead_letter_replication(self) -> int:
        return self.raw["kafka"]["dead_letter_replication"]

    @property
    def bootstrap_servers(self) -> str:
        return (self.raw["kafka"]["bootstrap_servers"]
                or os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or DEFAULT_BOOTSTRAP)

    @property
    def group_id(self) -> str:
        return self.raw["kafka"]["group_id"]

    @property
    def consumer_settings(self) -> dict[str, Any]:
        """Group settings of the province consumer."""
        kafka = self.raw["kafka"]
        return {"group_id": kafka["group_id"], "max_poll_records": kafka["max_poll_records"],
                "session_timeout_ms": kafka["session_timeout_ms"],
                "heartbeat_interval_ms": kafka["session_timeout_ms"] // 3,
                "group_instance_id": kafka["instance_id"]}

    @property
    def inbox_keep_days(self) -> int:
        """Inbox rows received longer ago than this may be pruned (below the newest snapshot)."""
        return int(self.raw["retention"]["inbox_keep_days"])

    @property
    def database_url(self) -> str:
        return (self.raw["database"]["url"] or os.environ.get("PROVINCE_DATABASE_URL")
                or f"sqlite:///{Path('var').resolve() / 'province.db'}")


def build_config(raw: dict[str, Any], origin: str = "<config>") -> ProvinceConfig:
    """Validate a raw configuration (as read from TOML)."""
    try:
        loaded = ProvinceConfigSchema().load(raw)
    except ValidationError as exc:
        details = "\n  ".join(flatten_errors(exc.messages))
        raise ConfigError(f"{origin}: invalid province configuration:\n  {details}") from exc
    return ProvinceConfig(loaded, origin)


def load_config(source: ProvinceConfig | dict[str, Any] | str | Path | None = None) -> ProvinceConfig:
    """A configuration from an object, a raw dict, a TOML path, ``ZHAOSHANG_PROVINCE_CONFIG``
    or the default file."""
    if isinstance(source, ProvinceConfig):
        return source
    if isinstance(source, dict):
        return build_config(source)
    path = Path(source or os.environ.get("ZHAOSHANG_PROVINCE_CONFIG") or DEFAULT_CONFIG_PATH)
    return build_config(read_toml(path), str(path))
