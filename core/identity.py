"""Who is acting: the identity a request carries (forwarded by the gateway)."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from core.clock import utcnow
from core.problems import Problem

ROLES = ("clerk", "officer", "leader", "province", "admin", "system")


@dataclass(frozen=True)
class Actor:
    user: str
    role: str = "officer"
    unit: str | None = None  # a clerk's own unit code
    city: str | None = None

    def __str__(self) -> str:
        return self.user


SYSTEM = Actor(user="system", role="system")


def may_write_unit(actor: Actor, unit_code: str) -> bool:
    """A clerk writes only their own unit's data; officers and admins write their city."""
    if actor.role in ("officer", "admin", "system"):
        return True
    return actor.role == "clerk" and actor.unit == unit_code


# -- identity forwarded by the gateway, signed ---------------------------------
# The gateway signs the identity it forwards with a secret it shares with every
# service; a service that knows the secret refuses anything unsigned, stale or
# altered, so nobody reaches a city's data around the gateway.

GATEWAY_SECRET_ENV = "ZHAOSHANG_GATEWAY_SECRET"
SIGNATURE_MAX_AGE = 60  # seconds; the gateway signs each request just before sending it
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CITY_ROLES = frozenset({"clerk", "officer", "leader"})


def gateway_secret(configured: str | None = None) -> str | None:
    """The gateway→service secret: the configured one, else ``ZHAOSHANG_GATEWAY_SECRET``."""
    return configured or os.environ.get(GATEWAY_SECRET_ENV) or None


def identity_signature(secret: str, actor: Actor, timestamp: str, method: str, path: str) -> str:
    """HMAC-SHA256 over ``user|role|unit|city|timestamp|method|path``, hex."""
    message = "|".join([actor.user, actor.role, actor.unit or "", actor.city or "", timestamp,
                        method.upper(), path])
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_identity_headers(secret: str | None, actor: Actor, method: str, path: str,
                            now: float | None = None) -> dict[str, str]:
    """The ``X-Zhaoshang-*`` headers the gateway sends for ``actor`` on ``method path``."""
    headers = {"X-Zhaoshang-User": actor.user, "X-Zhaoshang-Role": actor.role,
               "X-Zhaoshang-Unit": actor.unit or "", "X-Zhaoshang-City": actor.city or ""}
    if secret:
        timestamp = str(int(now if now is not None else utcnow().timestamp()))
        headers["X-Zhaoshang-Timestamp"] = timestamp
        headers["X-Zhaoshang-Signature"] = identity_signature(secret, actor, timestamp, method,
                                                              path)
    return headers


def forwarded_actor(headers: Mapping[str, str], method: str, path: str, *,
                    secret: str | None, service_city: str | None = None,
                    max_age: int = SIGNATURE_MAX_AGE, now: float | None = None) -> Actor:
    """The identity a request carries, checked when the service knows the gateway secret.

    Without a secret (unit tests, a service nobody can reach but the gateway) the
    plain headers are trusted. With one, an unsigned, stale or altered identity is a
    401 problem, and a city user (clerk, officer, leader) of another city, a clerk
    without a unit or a province user writing is a 403 problem. ``service_city`` is
    the serving city's code (``None`` for the province service).
    """
    actor = Actor(user=headers.get("X-Zhaoshang-User") or "anonymous",
                  role=headers.get("X-Zhaoshang-Role") or "officer",
                  unit=headers.get("X-Zhaoshang-Unit") or None,
                  city=headers.get("X-Zhaoshang-City") or None)
    if not secret:
        return actor
    timestamp = headers.get("X-Zhaoshang-Timestamp", "")
    signature = headers.get("X-Zhaoshang-Signature", "")
    if not timestamp.isdigit() or not signature:
        raise Problem(401, "unsigned_request", "未经网关的请求", "请通过网关访问本服务")
    current = now if now is not None else utcnow().timestamp()
    if abs(current - int(timestamp)) > max_age:
        raise Problem(401, "stale_signature", "请求签名已过期", "请通过网关重新发起请求")
    expected = identity_signature(secret, actor, timestamp, method, path)
    if not hmac.compare_digest(expected, signature):
        raise Problem(401, "bad_signature", "请求签名无效", "身份信息与签名不符")
    if actor.role not in ROLES:
        raise Problem(403, "forbidden_role", "无权操作", f"未知角色 {actor.role}")
    if actor.role in CITY_ROLES and (service_city is None or actor.city != service_city):
        raise Problem(403, "forbidden_city", "无权操作", "只能访问本人所属城市的数据")
    if actor.role == "clerk" and not actor.unit:
        raise Problem(403, "forbidden_unit", "无权操作", "经办人账号未绑定单位")
    if actor.role == "province" and method.upper() not in READ_METHODS:
        raise Problem(403, "forbidden_role", "无权操作", "省级账号只能查看数据")
    return actor
