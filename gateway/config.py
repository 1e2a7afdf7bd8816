"""The gateway's configuration: its own TOML file (default ``gateway/config.toml``).

Targets (one service per city, one province service), timeouts, rate limits and where
users and the audit log live. Who may do what is not the gateway's configuration: each city
service decides it from its operations' declarations (``docs/permissions.md``). The two secrets
come from the environment (``ZHAOSHANG_JWT_SECRET``, ``ZHAOSHANG_GATEWAY_SECRET``);
a ``[secrets]`` table is accepted for tests. Without a JWT secret a development one
is generated under ``var/`` with a warning.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from limits import parse_many
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from core.clock import DEFAULT_ZONE, Clock, check_zone
from core.config import ConfigError, flatten_errors, read_toml
from core.identity import GATEWAY_SECRET_ENV

JWT_SECRET_ENV = "ZHAOSHANG_JWT_SECRET"
DATABASE_URL_ENV = "ZHAOSHANG_GATEWAY_DATABASE_URL"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "config.toml"
CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$")
URL = validate.URL(schemes={"http", "https"}, require_tld=False)
LIMIT_STORAGES = ("memory://", "redis://", "rediss://")

log = logging.getLogger("zhaoshang.gateway")


def _rate(value: str) -> None:
    try:
        parse_many(value)
    except ValueError as exc:
        raise ValidationError("限流格式应为 次数/时间，例如 600/minute") from exc


def _storage(value: str) -> None:
    if not value.startswith(LIMIT_STORAGES):
        raise ValidationError(f"限流存储应以 {' 或 '.join(LIMIT_STORAGES)} 开头")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class GatewaySection(_Strict):
    database_url = fields.String(load_default="")
    token_lifetime_minutes = fields.Integer(load_default=60, validate=validate.Range(min=1,
                                                                                    max=7 * 24 * 60))
    max_content_length = fields.Integer(load_default=2 * 1024 * 1024,
                                        validate=validate.Range(min=1024))
    trusted_proxies = fields.Integer(load_default=0, validate=validate.Range(min=0, max=5))
    hsts = fields.Boolean(load_default=False)
    # The zone of the gateway's "today": the web pages' default dates (core.clock).
    timezone = fields.String(load_default=DEFAULT_ZONE, validate=check_zone)


class UpstreamSection(_Strict):
    connect_timeout = fields.Float(load_default=0.5, validate=validate.Range(min=0.01, max=30))
    read_timeout = fields.Float(load_default=15.0, validate=validate.Range(min=0.1, max=600))
    read_retries = fields.Integer(load_default=1, validate=validate.Range(min=0, max=5))
    health_timeout = fields.Float(load_default=1.0, validate=validate.Range(min=0.05, max=30))
    # A city with several addresses (``urls``): each is asked ``health_path`` this often; one
    # that fails (or answers 5xx) gets no requests until it answers again (gateway.replicas).
    health_interval = fields.Float(load_default=2.0, validate=validate.Range(min=0.1, max=300))
    health_path = fields.String(load_default="/readyz", validate=validate.Regexp(r"^/[!-~]*$"))
    openapi_ttl_seconds = fields.Float(load_default=30, validate=validate.Range(min=0))
    # How long a city's labels (GET /labels: 招商方式 …) serve the web before it is asked again.
    labels_ttl_seconds = fields.Float(load_default=300, validate=validate.Range(min=0))


class LimitsSection(_Strict):
    # Where the counters live (the ``limits`` package's storage): ``memory://`` for one gateway,
    # ``redis://host:port/db`` shared by every gateway (docs/gateway.md, "Shared rate limits").
    storage_uri = fields.String(load_default="memory://", validate=_storage)
    per_user = fields.String(load_default="600/minute", validate=_rate)
    per_address = fields.String(load_default="1200/minute", validate=_rate)
    # Sign-in attempts per address: high enough for an office behind one NAT address.
    login = fields.String(load_default="300/minute", validate=_rate)
    # Failed sign-ins per account, from any address: guessing one password stays slow.
    login_account = fields.String(load_default="10/minute", validate=_rate)


class TargetSection(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True)
    # One address (``url``), or the addresses of the city's replicas (``urls``): one of the two.
    url = fields.String(load_default=None, validate=URL)
    urls = fields.List(fields.String(validate=URL), load_default=None,
                       validate=validate.Length(min=1, max=32))

    @validates_schema
    def _one_form(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if (data.get("url") is None) == (data.get("urls") is None):
            raise ValidationError("应填写 url（一个地址）或 urls（多个副本地址）之一", "url")


class ProvinceSection(_Strict):
    url = fields.String(required=True, validate=URL)
    name = fields.String(load_default="省级平台")


class SecretsSection(_Strict):
    jwt = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=16))
    gateway = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=16))


class GatewayConfigSchema(_Strict):
    gateway = fields.Nested(GatewaySection, load_default=lambda: GatewaySection().load({}))
    upstream = fields.Nested(UpstreamSection, load_default=lambda: UpstreamSection().load({}))
    limits = fields.Nested(LimitsSection, load_default=lambda: LimitsSection().load({}))
    province = fields.Nested(ProvinceSection, load_default=None, allow_none=True)
    cities = fields.List(fields.Nested(TargetSection), required=True)
    secrets = fields.Nested(SecretsSection, load_default=lambda: SecretsSection().load({}))


@dataclass(frozen=True)
class Target:
    """A service behind the gateway: ``url`` is its first address, ``replicas`` all of them."""

    code: str
    name: str
    url: str
    replicas: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.replicas:
            object.__setattr__(self, "replicas", (self.url,))


@dataclass(frozen=True)
class GatewaySettings:
    """The validated gateway configuration with its secrets resolved."""

    cities: dict[str, Target]
    province: Target | None
    database_url: str
    token_lifetime: timedelta
    max_content_length: int
    trusted_proxies: int
    hsts: bool
    connect_timeout: float
    read_timeout: float
    read_retries: int
    health_timeout: float
    health_interval: float
    health_path: str
    openapi_ttl: float
    labels_ttl: float
    limits: dict[str, str]
    jwt_secret: str
    gateway_secret: str | None
    clock: Clock = field(default_factory=Clock)


def load_settings(config: GatewaySettings | dict[str, Any] | str | Path | None = None,
                  var_dir: Path | str = "var") -> GatewaySettings:
    """Settings from settings, a raw dict, a TOML path, ``ZHAOSHANG_GATEWAY_CONFIG`` or the default."""
    if isinstance(config, GatewaySettings):
        return config
    origin = "<config>"
    if not isinstance(config, dict):
        path = Path(config or os.environ.get("ZHAOSHANG_GATEWAY_CONFIG") or DEFAULT_CONFIG)
        origin, config = str(path), read_toml(path)
    if "roles" in config:
        raise ConfigError(f"{origin}: [roles] is no longer read: who may do what is declared on "
                          "each operation and decided by the city service (docs/permissions.md);"
                          " remove the table")
    try:
        raw = GatewayConfigSchema().load(config)
    except ValidationError as exc:
        details = "\n  ".join(flatten_errors(exc.messages))
        raise ConfigError(f"{origin}: invalid gateway configuration:\n  {details}") from exc
    codes = [city["code"] for city in raw["cities"]]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{origin}: a city is listed twice in [[cities]]")
    var = Path(var_dir)
    province = raw["province"]
    return GatewaySettings(
        cities={city["code"]: _target(city) for city in raw["cities"]},
        province=Target("province", province["name"], province["url"].rstrip("/"))
        if province else None,
        # The environment, like the services' DATABASE_URL: a URL with a password belongs in a
        # secret, not in the configuration file (docs/deployment.md).
        database_url=raw["gateway"]["database_url"] or os.environ.get(DATABASE_URL_ENV)
        or f"sqlite:///{(var / 'gateway.db').resolve()}",
        token_lifetime=timedelta(minutes=raw["gateway"]["token_lifetime_minutes"]),
        max_content_length=raw["gateway"]["max_content_length"],
        trusted_proxies=raw["gateway"]["trusted_proxies"],
        hsts=raw["gateway"]["hsts"],
        connect_timeout=raw["upstream"]["connect_timeout"],
        read_timeout=raw["upstream"]["read_timeout"],
        read_retries=raw["upstream"]["read_retries"],
        health_timeout=raw["upstream"]["health_timeout"],
        health_interval=raw["upstream"]["health_interval"],
        health_path=raw["upstream"]["health_path"],
        openapi_ttl=raw["upstream"]["openapi_ttl_seconds"],
        labels_ttl=raw["upstream"]["labels_ttl_seconds"],
        limits=dict(raw["limits"]),
        jwt_secret=raw["secrets"]["jwt"] or os.environ.get(JWT_SECRET_ENV)
        or development_secret(var / "gateway-jwt.secret"),
        gateway_secret=raw["secrets"]["gateway"] or os.environ.get(GATEWAY_SECRET_ENV) or None,
        clock=Clock(raw["gateway"]["timezone"]),
    )


def _target(city: dict[str, Any]) -> Target:
    urls = tuple(dict.fromkeys(url.rstrip("/") for url in city["urls"] or [city["url"]]))
    return Target(city["code"], city["name"], urls[0], urls)


def development_secret(path: Path, variable: str = JWT_SECRET_ENV) -> str:
    """A random secret kept in ``path`` (created once), for development only."""
    if path.exists():
        return path.read_text().strip()
    log.warning("%s is not set: using a generated development secret in %s; set it in "
                "production", variable, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # Created readable by the owner only: the file is as sensitive as the variable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value
