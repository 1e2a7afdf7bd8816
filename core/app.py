"""The city service's application factory."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.routing import IntegerConverter

from core.api import assessments as assessments_api
from core.api import city as city_api
from core.api import evaluations as evaluations_api
from core.api import events as events_api
from core.api import imports as imports_api
from core.api import introducers as introducers_api
from core.api import investment_map as investment_map_api
from core.api import leads as leads_api
from core.api import matters as matters_api
from core.api import openapi as openapi_api
from core.api import projects as projects_api
from core.api import reminders as reminders_api
from core.api import reports as reports_api
from core.api import rewards as rewards_api
from core.api import signals as signals_api
from core.api import stats as stats_api
from core.api import todos as todos_api
from core.api import warnings as warnings_api
from core.api import web_pages as web_pages_api
from core.api.access import enforce_permission, index_operations
from core.api.idempotency import replay_idempotent
from core.api.support import EXTENSION, Runtime
from core.api.versions import add_etag
from core.city import City, build_city, load_city
from core.db import make_engine, make_read_session_factory, make_session_factory
from core.identity import NonceStore, gateway_secret, request_actor
from core.input_rules import apply_input_rules
from core.problems import register_error_handlers
from core.services.lookups import MAX_ID
from core.url_rules import build_rules_lazily

API_PREFIX = "/api/v1"
CORE_BLUEPRINTS = (city_api.blueprint, leads_api.blueprint, projects_api.blueprint,
                   stats_api.blueprint, openapi_api.blueprint)
CORE_BLUEPRINTS += (evaluations_api.blueprint, matters_api.blueprint)
CORE_BLUEPRINTS += (warnings_api.blueprint, assessments_api.blueprint, rewards_api.blueprint,
                    signals_api.blueprint, reports_api.blueprint,
                    web_pages_api.blueprint)
CORE_BLUEPRINTS += (investment_map_api.blueprint,)
CORE_BLUEPRINTS += (introducers_api.blueprint,)
CORE_BLUEPRINTS += (events_api.blueprint,)
CORE_BLUEPRINTS += (todos_api.blueprint, reminders_api.blueprint)
CORE_BLUEPRINTS += (imports_api.blueprint,)

log = logging.getLogger("zhaoshang.city")


class IdConverter(IntegerConverter):
    """``<int:…>`` path ids that fit the id columns (32 bits, ``MAX_ID``): a larger number
    matches no route (404), where PostgreSQL would refuse the lookup (500) — for every record
    route of the core and of the plugins alike."""

    regex = ""  # set below: the decimal numbers up to MAX_ID, as a pattern


def digits_up_to(limit: int) -> str:
    """A pattern matching exactly the decimal numbers ``0 … limit`` (fewer digits than
    ``limit``'s, or as many and not greater): an id beyond it matches no route, whatever the
    method, rather than a route that then refuses it (which Werkzeug answers 405)."""
    text = str(limit)
    choices = [rf"\d{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for index, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - index - 1
            choices.append(f"{text[:index]}[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    choices.append(text)
    return "(?:" + "|".join(choices) + ")"


IdConverter.regex = digits_up_to(MAX_ID)


def resolve_city(config: City | dict[str, Any] | str | Path | None) -> City:
    """A City from a City, a raw deployment dict, a TOML path or ``ZHAOSHANG_CONFIG``."""
    if isinstance(config, City):
        return config
    if isinstance(config, dict):
        return build_city(config)
    path = config or os.environ.get("ZHAOSHANG_CONFIG")
    if not path:
        raise RuntimeError("no city configuration: pass one or set ZHAOSHANG_CONFIG")
    return load_city(path)


def create_app(config: City | dict[str, Any] | str | Path | None = None,
               database_url: str | None = None) -> Flask:
    """Build a city service: its configuration, database, core API and plugin API."""
    city = resolve_city(config)
    app = Flask(__name__)
    build_rules_lazily(app)  # before the first rule (core.url_rules)
    apply_input_rules(app)  # JSON bodies: depth, exact numbers, text (core.input_rules)
    app.url_map.converters["int"] = IdConverter
    app.json.ensure_ascii = False  # Chinese stays readable in responses
    app.json.sort_keys = False
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    url = database_url or city.config["database"]["url"]
    engine = make_engine(url)
    app.extensions[EXTENSION] = Runtime(city=city, engine=engine,
                                        sessions=make_session_factory(engine),
                                        read_sessions=make_read_session_factory(engine))
    prefixes: dict[str, str] = {}
    for blueprint in CORE_BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=API_PREFIX)
        prefixes[blueprint.name] = API_PREFIX
    for blueprint in city.call("register_blueprints"):
        prefix = f"{API_PREFIX}/{blueprint.name}"
        app.register_blueprint(blueprint, url_prefix=prefix)
        prefixes[blueprint.name] = prefix
    app.config["ZHAOSHANG_BLUEPRINT_PREFIXES"] = prefixes
    register_error_handlers(app)
    index_operations(app)
    app.before_request(_identify)
    app.before_request(enforce_permission)
    app.before_request(replay_idempotent)  # after the permission: a refused actor learns nothing
    app.after_request(add_etag)
    app.after_request(_headers)
    from core.cli import register_commands

    register_commands(app)
    _observe(app, city, engine)
    return app


def _observe(app: Flask, city: City, engine: Any) -> None:
    """``/metrics`` (requests, outbox backlog), ``/livez``, ``/readyz`` (database answers, schema
    at the heads of the core's and the plugins' migrations) and the JSON request log
    (core.observability)."""
    from core.alembic_upgrade import script_heads
    from core.migrate import alembic_config
    from core.observability import OutboxCollector, database_ready, observe

    def heads() -> set[str]:
        return set(script_heads(alembic_config(city, engine)))

    observe(app, f"city-{city.code}", database_ready(engine, heads), [OutboxCollector(engine)])


def _identify() -> None:
    """Attach the acting identity forwarded by the gateway, checking its signature.

    With a gateway secret (``[gateway] secret`` or ``ZHAOSHANG_GATEWAY_SECRET``) a
    request that did not come through the gateway — unsigned, stale, from the future,
    altered (method, path, query string, body) or replayed — is refused (``core.identity``).
    """
    city = current_app.extensions[EXTENSION].city
    # The nonces of the signatures this service accepted, remembered for their lifetime.
    nonces = current_app.extensions.setdefault("zhaoshang_nonces", NonceStore())
    g.actor = request_actor(request, secret=gateway_secret(city.config["gateway"]["secret"]),
                            service_city=city.code,
                            max_age=city.config["gateway"]["max_age_seconds"], nonces=nonces)


def _headers(response: Response) -> Response:
    request_id = request.headers.get("X-Request-Id")
    if request_id:
        response.headers["X-Request-Id"] = request_id
    return response
