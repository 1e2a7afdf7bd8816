"""The gateway's application factory: ``create_app(config)``.

Per request: the path normalised before anything looks at it (``gateway.paths``); a request
id; the bearer token read and checked against its account (not yet enforced); rate limits
(``flask-limiter``): per user when signed in, per address when not, and for sign-in per
address and per account; then the view authenticates, keeps the city scope
(``gateway.access``) and forwards with a signed identity (``gateway.upstream``). Every
response gets the security headers and the request id; every write and every refusal gets
an audit entry carrying the service's real outcome (``gateway.audit``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request, session
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from werkzeug.datastructures import MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

from core.db import make_engine, make_session_factory
from core.identity import Actor
from core.input_rules import apply_input_rules
from core.problems import Problem, problem_response, register_error_handlers
from core.url_rules import build_rules_lazily
from gateway import routes, web
from gateway.audit import (
    Attempt,
    ServiceWrite,
    reason_of,
    reason_title_of,
    record,
    worth_auditing,
)
from gateway.config import GatewaySettings, load_settings
from gateway.declarations import Declarations
from gateway.labels import CityLabels
from gateway.openapi import CachedDocument
from gateway.paths import ENVIRON_KEY, ORIGINAL_KEY, NormalisedPaths, bad_path
from gateway.runtime import EXTENSION, Gateway, gateway
from gateway.store import upgrade
from gateway.tokens import Claims, verify_token
from gateway.upstream import Upstream
from gateway.users import token_refusal
from gateway.web.session import session_claims as web_session_claims

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

log = logging.getLogger("zhaoshang.gateway")
access_log = logging.getLogger("zhaoshang.gateway.access")


def create_app(config: GatewaySettings | dict[str, Any] | str | Path | None = None,
               var_dir: Path | str = "var") -> Flask:
    """Build the gateway from its configuration (see ``gateway/config.toml``)."""
    settings = load_settings(config, var_dir)
    if not settings.gateway_secret:
        log.warning("ZHAOSHANG_GATEWAY_SECRET is not set: the identity sent to services is "
                    "unsigned, and services without the secret accept anyone's headers")
    app = Flask(__name__)
    build_rules_lazily(app)  # before the first rule (core.url_rules)
    apply_input_rules(app)  # the sign-in's JSON too: depth, numbers, text
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.config["ZHAOSHANG_BLUEPRINT_PREFIXES"] = {routes.blueprint.name: routes.API_PREFIX}
    # Routing, limits, scope decisions, forwarding and the audit log see one normalised path.
    app.wsgi_app = NormalisedPaths(app.wsgi_app)  # type: ignore[method-assign]
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=settings.trusted_proxies)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    upstream = Upstream(settings)
    # Registered before the limiter's own hook, so the per-user limit knows the user.
    app.before_request(_begin)
    limiter = Limiter(
        key_func=_address,
        application_limits=[
            # Per address only what nobody signed in sends: a noisy client behind an office's
            # one address spends its own user's allowance, not the office's.
            ApplicationLimit(settings.limits["per_address"], scope="address",
                             exempt_when=_exempt_from_address_limit),
            ApplicationLimit(settings.limits["per_user"], key_function=_user, scope="user",
                             exempt_when=lambda: g.get("claims") is None),
            # Sign-in per address (high: an office shares one); per account in routes.sign_in.
            ApplicationLimit(settings.limits["login"], scope="login",
                             exempt_when=lambda: not _signing_in()),
        ],
        # memory:// counts in this process; redis:// is shared by every gateway (each limit one
        # counter per window, incremented atomically). Should Redis go away, each gateway
        # counts on its own until it is back, rather than refusing or waving through everyone.
        storage_uri=settings.limits["storage_uri"],
        in_memory_fallback_enabled=not settings.limits["storage_uri"].startswith("memory://"),
        headers_enabled=True,
        strategy="fixed-window",
    )
    limiter.init_app(app)
    app.before_request(_refuse_bad_path)  # after the limits: refused paths count too
    app.extensions[EXTENSION] = Gateway(
        settings=settings, engine=engine, sessions=make_session_factory(engine),
        upstream=upstream, limiter=limiter, declarations=Declarations(settings, upstream),
        labels=CityLabels(settings.labels_ttl),
        openapi=CachedDocument(lambda: routes.merged_openapi(app), settings.openapi_ttl))
    app.register_blueprint(routes.blueprint, url_prefix=routes.API_PREFIX)
    web.init_app(app, settings.jwt_secret)
    register_error_handlers(app)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.after_request(_finish)
    # /metrics, /livez, /readyz (its database answers) and the JSON request log; outside
    # /api/v1, so never proxied to a city (core.observability).
    from core.observability import database_ready, observe

    observe(app, "gateway", database_ready(engine))
    return app


def _address() -> str:
    return request.remote_addr or "unknown"


def _user() -> str:
    return f"user:{g.claims.user}"


def _signing_in() -> bool:
    return request.endpoint == "gateway.issue_token" or (
        request.endpoint == "web.login" and request.method == "POST")


def _exempt_from_address_limit() -> bool:
    """Signed-in requests have their per-user limit; sign-in (and its page) has its own."""
    return g.get("claims") is not None or _signing_in() or request.endpoint in (
        "web.login", "web.static")


def _refuse_bad_path() -> None:
    refused = request.environ.get(ENVIRON_KEY)
    if refused:
        raise bad_path(refused)


def _begin() -> None:
    """Request id and token, before anything else (the rate limits need the user)."""
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()
    g.claims, g.auth_problem = None, None
    if _signing_in():
        # Who tried to sign in is audited even when the attempt is refused before the view.
        body = request.get_json(silent=True) if request.is_json else request.form
        if isinstance(body, dict | MultiDict) and isinstance(body.get("username"), str):
            g.attempted_user = body["username"][:64]
    state = gateway()
    settings = state.settings  # tokens expire by the gateway's clock, not the host's
    if request.blueprint == "web":
        # The web interface signs in with a cookie; the API only ever with a bearer token.
        g.claims, g.auth_problem = web_session_claims(settings.jwt_secret, settings.clock)
    elif request.headers.get("Authorization"):
        try:
            g.claims = verify_token(settings.jwt_secret, request.headers["Authorization"],
                                    settings.clock)
        except Problem as problem:
            g.auth_problem = problem
    if g.claims is not None:
        # A token speaks for its account only while the account is as it was when the token
        # was issued: disabled, deleted or changed since, it is refused at once.
        with state.sessions() as db:
            refusal = token_refusal(db, g.claims)
        if refusal is not None:
            g.attempted_user = g.claims.user
            g.claims, g.auth_problem = None, refusal
            if request.blueprint == "web":
                session.clear()
    # The acting identity, for the core's helpers the gateway's own views use (load_body).
    claims = g.claims
    g.actor = Actor(user=claims.user, role=claims.role, unit=claims.unit, city=claims.city) \
        if claims is not None else Actor(user="anonymous", role="anonymous")


def _rate_limited(error: RateLimitExceeded) -> Response:
    response = problem_response(Problem(429, "rate_limited", "请求过于频繁",
                                        f"请稍后再试（限额 {error.limit.limit}）"))
    return response


def _finish(response: Response) -> Response:
    """Security headers, request id, access log line and audit entry."""
    state = gateway()
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure or state.settings.hsts:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if response.status_code == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="zhaoshang"')
    if response.status_code == 429 and g.get("retry_after"):
        response.headers.setdefault("Retry-After", str(g.retry_after))
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-Id"] = request_id
    claims: Claims | None = g.get("claims")
    username = claims.user if claims else g.get("attempted_user")
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    access_log.info("%s %s %s %d %.1fms user=%s rid=%s", request.remote_addr, request.method,
                    request.path, response.status_code, elapsed, username or "-", request_id)
    if request.environ.get(ENVIRON_KEY):  # the path as sent: it was never routed
        path = request.environ.get(ORIGINAL_KEY, request.path)
    else:
        path = request.path
    via = "web" if request.blueprint == "web" else "api"
    writes: list[ServiceWrite] = g.get("service_writes") or []
    entries = [Attempt(
        username=username, role=claims.role if claims else None,
        city=claims.city if claims else None, target=write.target, method=write.method,
        path=path[:2000], status=write.status, reason=write.reason,
        reason_title=write.reason_title,
        remote_addr=request.remote_addr, request_id=request_id, record=write.record,
        service_path=write.service_path[:2000], via=via) for write in writes]
    if not entries and (worth_auditing(request.method, response.status_code)
                        or request.environ.get(ENVIRON_KEY)):
        problem = _problem(response)
        entries.append(Attempt(
            username=username, role=claims.role if claims else None,
            city=claims.city if claims else None, target=g.get("target"),
            method=request.method, path=path[:2000], status=response.status_code,
            reason=reason_of(response.status_code, problem),
            reason_title=reason_title_of(response.status_code, problem),
            remote_addr=request.remote_addr, request_id=request_id, via=via))
    for entry in entries:
        record(state.sessions, entry)
    return response


def _problem(response: Response) -> Any:
    """The problem body of a refusal or failure (the gateway's or the service's), else ``None``:
    its code and Chinese title go to the audit entry."""
    if response.status_code < 400 or response.mimetype != "application/problem+json":
        return None
    return response.get_json(silent=True)

