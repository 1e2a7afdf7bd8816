"""The gateway's routes: sign-in, the city list, the audit log, OpenAPI and the forwarding."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request
from limits import parse
from marshmallow import fields, validate

from core.api.openapi import build_openapi
from core.api.registry import operation
from core.api.support import load_body, load_query, paginate
from core.db import unit_of_work
from core.identity import Actor
from core.problems import Problem
from core.schemas.base import BaseSchema
from gateway import tokens
from gateway.access import admin_refusal, city_refusal, province_refusal
from gateway.audit import AuditEntrySchema, AuditQuery, audit_query, note_service_write
from gateway.config import Target
from gateway.openapi import merge_documents
from gateway.runtime import EXTENSION, authenticated, gateway
from gateway.store import AuditEntry
from gateway.tokens import Claims
from gateway.upstream import CLIENT_HEADERS, GATEWAY_ACTOR, HOP_HEADERS
from gateway.users import authenticate

API_PREFIX = "/api/v1"
FORWARDED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
# Where a service serves its own document; the province's may sit under its prefix.
OPENAPI_PATHS = {False: ("/api/v1/openapi.json",),
                 True: ("/api/v1/province/openapi.json", "/api/v1/openapi.json")}
OPENAPI_TIMEOUT_CAP = 5.0  # seconds; a hung service must not hold the document up for long

blueprint = Blueprint("gateway", __name__)


class TokenRequest(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class SignedInUser(BaseSchema):
    username = fields.String()
    role = fields.String()
    city = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    display_name = fields.String()


class TokenSchema(BaseSchema):
    access_token = fields.String()
    token_type = fields.String(metadata={"description": "Bearer"})
    expires_in = fields.Integer(metadata={"description": "有效秒数"})
    expires_at = fields.DateTime()
    user = fields.Nested(SignedInUser)


class CityHealthSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    status = fields.String(validate=validate.OneOf(["up", "down"]))
    latency_ms = fields.Float(metadata={"description": "探测耗时（毫秒），服务在线时给出"})
    policy_name = fields.String(allow_none=True)
    plugins = fields.List(fields.String())
    detail = fields.String(metadata={"description": "服务不可用的原因"})


class HealthSchema(BaseSchema):
    status = fields.String()


@operation(blueprint, "/auth/token", "POST", summary="登录：以用户名和密码换取访问令牌（JWT）",
           body=TokenRequest, response=TokenSchema, errors=(400, 401, 429))
def issue_token():
    """Returns a signed token that expires; send it as ``Authorization: Bearer <token>``.

    The endpoint name (``gateway.issue_token``) carries the sign-in rate limit.
    """
    data = load_body(TokenRequest)
    response = jsonify(sign_in(data["username"], data["password"]))
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_in(username: str, password: str) -> dict[str, Any]:
    """The token answer for a right name and password (API and web interface alike), else 401.

    Failed attempts are counted per account, from any address (``[limits] login_account``):
    beyond the limit the account's sign-in is refused (429) until the window passes, even with
    the right password, so guessing one account's password stays slow however many addresses
    guess it. (Attempts per address are limited by ``[limits] login``, in ``gateway.app``.)
    """
    state = gateway()
    if "\x00" in username or "\x00" in password:
        # No account holds a NUL, and PostgreSQL cannot even compare one (the web form's post).
        raise Problem(401, "invalid_credentials", "登录失败", "用户名或密码错误")
    guard = AccountGuard(state)
    guard.check(username)
    with unit_of_work(state.sessions) as session:
        user = authenticate(session, username, password)
        if user is None:
            guard.failed(username)
            raise Problem(401, "invalid_credentials", "登录失败", "用户名或密码错误")
        session.flush()  # a password rehashed on the way in has its new version now
        token, expires = tokens.issue_token(state.settings.jwt_secret, user=user.username,
                                            role=user.role, city=user.city, unit=user.unit,
                                            name=user.display_name,
                                            lifetime=state.settings.token_lifetime,
                                            clock=state.settings.clock,
                                            auth_version=user.auth_version)
        return TokenSchema().dump({
            "access_token": token, "token_type": "Bearer",
            "expires_in": int(state.settings.token_lifetime.total_seconds()),
            "expires_at": expires, "user": user})


class AccountGuard:
    """Failed sign-ins per account in the limiter's storage (shared like its other counters)."""

    def __init__(self, state: Any) -> None:
        self.strategy = state.limiter.limiter
        self.limit = parse(state.settings.limits["login_account"])

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().lower()[:64] or "-"

    def check(self, username: str) -> None:
        if self.strategy.test(self.limit, "login-account", self._key(username)):
            return
        wait = self.limit.get_expiry()  # the window's length: the latest it can reset
        g.retry_after = wait
        raise Problem(429, "rate_limited", "请求过于频繁",
                      f"该账号登录失败次数过多，请 {wait} 秒后再试（限额 {self.limit}）")

    def failed(self, username: str) -> None:
        self.strategy.hit(self.limit, "login-account", self._key(username))


@operation(blueprint, "/cities", summary="已部署的城市及其服务状态", response=CityHealthSchema,
           many=True, errors=(401,))
def list_cities():
    """Asks every city service at once, each within the short health timeout."""
    authenticated()
    state = gateway()
    return jsonify(list(state.upstream.fan_out(state.settings.cities.values(),
                                               state.upstream.probe).values()))


@operation(blueprint, "/audit", summary="审计日志（仅系统管理员）", query=AuditQuery,
           response=AuditEntrySchema, many=True, errors=(401, 403))
def list_audit():
    refusal = admin_refusal(authenticated())
    if refusal:
        raise refusal
    params = load_query(AuditQuery)
    with unit_of_work(gateway().sessions) as session:
        return paginate(session, audit_query(params), params, {"at": AuditEntry.at},
                        AuditEntrySchema, AuditEntry.id.desc())


@operation(blueprint, "/health", summary="网关自身是否在运行", response=HealthSchema)
def health():
    return jsonify({"status": "ok"})


@operation(blueprint, "/openapi.json", summary="合并后的 OpenAPI 文档（所有城市与省级服务）")
def openapi_document():
    return Response(gateway().openapi.get(), mimetype="application/json")


def city_proxy(city: str, rest: str) -> Response:
    """``/api/v1/cities/<city>/<rest>`` → that city's ``/api/v1/<rest>``.

    The path is already normalised (``gateway.paths``): the city scope is decided on it and
    exactly it is forwarded and signed. What the role may do there is the city's decision.
    """
    claims = authenticated()
    state = gateway()
    target = state.settings.cities.get(city)
    if target is None:
        raise Problem(404, "unknown_city", "未找到", f"没有部署城市 {city}")
    g.target = city
    refusal = city_refusal(claims, request.method, city, state.settings)
    if refusal:
        raise refusal
    return forward(target, f"{API_PREFIX}/{rest}", claims)


def province_proxy(rest: str = "") -> Response:
    """``/api/v1/province/<rest>`` → the province service's same path."""
    claims = authenticated()
    state = gateway()
    g.target = "province"
    if state.settings.province is None:
        raise Problem(404, "no_province", "未找到", "本网关未配置省级服务")
    refusal = province_refusal(claims, request.method)
    if refusal:
        raise refusal
    return forward(state.settings.province, request.path, claims)


blueprint.add_url_rule("/cities/<city>/<path:rest>", "city_proxy", city_proxy,
                       methods=FORWARDED_METHODS)
blueprint.add_url_rule("/province", "province_root", province_proxy, methods=FORWARDED_METHODS)
blueprint.add_url_rule("/province/<path:rest>", "province_proxy", province_proxy,
                       methods=FORWARDED_METHODS)


def forward(target: Target, path: str, claims: Claims) -> Response:
    """Send the request on as ``claims`` and hand the service's answer back."""
    headers = {name: request.headers[name] for name in CLIENT_HEADERS if name in request.headers}
    headers["X-Forwarded-For"] = request.remote_addr or ""
    headers["X-Forwarded-Proto"] = request.scheme
    actor = Actor(user=claims.user, role=claims.role, unit=claims.unit, city=claims.city)
    try:
        answer = gateway().upstream.send(target, request.method, path, actor,
                                         query=request.query_string,
                                         body=request.get_data() or None, headers=headers,
                                         request_id=g.request_id)
    except Problem as problem:  # the service is down, too slow, or the path is not forwardable
        note_service_write(target.code, request.method, path, problem.status, problem.body())
        raise
    note_service_write(target.code, request.method, path, answer.status_code, _json(answer))
    response = Response(answer.content, status=answer.status_code)
    response.headers.remove("Content-Type")
    for name, value in answer.headers.items():
        if name.lower() not in HOP_HEADERS and name.lower() != "x-request-id":
            response.headers[name] = value
    return response


def _json(answer: Any) -> Any:
    """A service's JSON or problem body (for the audit entry), else ``None``."""
    if "json" not in answer.headers.get("Content-Type", ""):
        return None
    try:
        return answer.json()
    except ValueError:
        return None


def merged_openapi(app: Flask) -> dict[str, Any]:
    """The gateway's own operations plus every answering service's (``gateway.openapi``)."""
    state = app.extensions[EXTENSION]
    settings = state.settings
    with app.app_context():
        own = build_openapi(app)
    timeout = (settings.connect_timeout, min(settings.read_timeout, OPENAPI_TIMEOUT_CAP))

    def fetch(target: Target) -> dict[str, Any] | None:
        for path in OPENAPI_PATHS[target.code == "province"]:
            try:
                answer = state.upstream.send(target, "GET", path, GATEWAY_ACTOR, timeout=timeout)
            except Problem:
                return None
            if answer.status_code == 200:
                return answer.json()
        return None

    targets = list(settings.cities.values())
    if settings.province:
        targets.append(settings.province)
    documents = state.upstream.fan_out(targets, fetch)
    province = documents.pop("province", None) if settings.province else None
    return merge_documents(own, documents, province,
                           {code: target.name for code, target in settings.cities.items()})
