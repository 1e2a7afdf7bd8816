"""The province service's application factory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.api import openapi as openapi_api
from core.api.access import OPERATIONS, index_operations
from core.db import make_engine, make_read_session_factory, make_session_factory
from core.identity import NonceStore, gateway_secret, request_actor
from core.input_rules import apply_input_rules
from core.permissions import AccessRequest, authorise
from core.problems import register_error_handlers
from core.url_rules import build_rules_lazily
from province import api
from province.config import ProvinceConfig, load_config

API_PREFIX = "/api/v1/province"


@dataclass
class ProvinceRuntime:
    """The province service's state, bound to its Flask app."""

    config: ProvinceConfig
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]  # for GET and HEAD (core.db)


def create_app(config: ProvinceConfig | dict[str, Any] | str | Path | None = None,
               database_url: str | None = None, migrate: bool = False) -> Flask:
    """Build the province service over its own database (migrated first if ``migrate``)."""
    loaded = load_config(config)
    app = Flask(__name__)
    build_rules_lazily(app)  # before the first rule (core.url_rules)
    apply_input_rules(app)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    engine = make_engine(database_url or loaded.database_url)
    if migrate:
        from province.migrate import upgrade

        upgrade(engine)
    app.extensions[api.EXTENSION] = ProvinceRuntime(loaded, engine, make_session_factory(engine),
                                                       make_read_session_factory(engine))
    app.register_blueprint(api.blueprint, url_prefix=API_PREFIX)
    app.register_blueprint(openapi_api.blueprint, url_prefix=API_PREFIX)
    app.config["ZHAOSHANG_BLUEPRINT_PREFIXES"] = {api.blueprint.name: API_PREFIX,
                                                  openapi_api.blueprint.name: API_PREFIX}
    register_error_handlers(app)
    index_operations(app)  # an operation without who= stops the service here
    app.before_request(_identify)
    app.before_request(_enforce_permission)
    _observe(app, engine)
    return app


def _observe(app: Flask, engine: Any) -> None:
    """``/metrics`` (requests, dead letters by city and status), ``/livez``, ``/readyz`` (its
    database answers) and the JSON request log (core.observability). The consumer's lag is on
    the consumer process's own metrics port (``province consume --metrics-port``)."""
    import sqlalchemy as sa

    from core.observability import CountCollector, database_ready, observe
    from province.models import DeadLetter

    dead_letters = CountCollector(
        engine, "zhaoshang_province_dead_letters", "Records set aside, by city and status",
        ("city", "status"), sa.select(DeadLetter.city, DeadLetter.status, sa.func.count())
        .group_by(DeadLetter.city, DeadLetter.status))
    observe(app, "province", database_ready(engine), [dead_letters])


def _identify() -> None:
    """Check the identity the gateway forwards: with a gateway secret, only signed requests
    of province users and administrators pass (city roles are refused: ``service_city``
    is None), and province users only read."""
    config = current_app.extensions[api.EXTENSION].config
    nonces = current_app.extensions.setdefault("zhaoshang_nonces", NonceStore())
    g.actor = request_actor(request, secret=gateway_secret(config.raw["gateway"]["secret"]),
                            service_city=None, max_age=config.raw["gateway"]["max_age_seconds"],
                            nonces=nonces)


def _enforce_permission() -> None:
    """The province's one enforcement point, as a city's (``core.api.access``): each
    operation's declared rule, checked before its view — a refused write is a 403 problem
    and writes nothing. No province rule is scoped to units, so no record is looked up."""
    op = current_app.config[OPERATIONS].get(request.endpoint or "")
    if op is None or op.who is None:
        return  # the API document, or no route at all (404)

    def no_units() -> AccessRequest:
        raise AssertionError("province operations are not scoped to units")

    authorise(op.who, g.actor, request.method, no_units, dict)
