"""Who is acting: the identity a request carries (forwarded by the gateway)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
# service; a service that knows the secret refuses anything unsigned, stale, from the
# future, altered or replayed, so nobody reaches a city's data around the gateway.
# The signature covers the whole request as the service receives it: the method, the
# (normalised) path, the query string and a SHA-256 digest of the body, plus a one-time
# nonce the service remembers for as long as the signature would be accepted.

GATEWAY_SECRET_ENV = "ZHAOSHANG_GATEWAY_SECRET"
SIGNATURE_MAX_AGE = 60  # seconds; the gateway signs each request just before sending it
FUTURE_SKEW = 5  # seconds a signature's timestamp may lie ahead of the service's clock
NONCE_CAPACITY = 100_000  # nonces remembered at most (a minute of a very busy service)
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CITY_ROLES = frozenset({"clerk", "officer", "leader"})
IDENTITY_HEADERS = {"user": "X-Zhaoshang-User", "role": "X-Zhaoshang-Role",
                    "unit": "X-Zhaoshang-Unit", "city": "X-Zhaoshang-City",
                    "timestamp": "X-Zhaoshang-Timestamp", "nonce": "X-Zhaoshang-Nonce",
                    "signature": "X-Zhaoshang-Signature"}
EMPTY_BODY_DIGEST = hashlib.sha256(b"").hexdigest()


def gateway_secret(configured: str | None = None) -> str | None:
    """The gateway→service secret: the configured one, else ``ZHAOSHANG_GATEWAY_SECRET``."""
    return configured or os.environ.get(GATEWAY_SECRET_ENV) or None


def body_digest(body: bytes | None) -> str:
    """SHA-256 of the request body, hex (an absent body is an empty one)."""
    return hashlib.sha256(body or b"").hexdigest()


def _text(value: bytes | str | None) -> str:
    """A query string as received (bytes are kept byte for byte, as latin-1)."""
    if value is None:
        return ""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def identity_signature(secret: str, actor: Actor, timestamp: str, method: str, path: str, *,
                       query: bytes | str = "", digest: str = EMPTY_BODY_DIGEST,
                       nonce: str = "") -> str:
    """HMAC-SHA256 (hex) over who acts and exactly what they send.

    The message is the JSON array ``[user, role, unit, city, timestamp, nonce, METHOD, path,
    query, body digest]`` (JSON, so no field can run into the next); ``path`` is the path the
    service receives (percent-escapes decoded, no query), ``query`` the raw query string.
    """
    message = json.dumps([actor.user, actor.role, actor.unit or "", actor.city or "", timestamp,
                          nonce, method.upper(), path, _text(query), digest],
                         ensure_ascii=False, separators=(",", ":"))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_identity_headers(secret: str | None, actor: Actor, method: str, path: str,
                            now: float | None = None, *, query: bytes | str = "",
                            body: bytes | None = None, nonce: str | None = None
                            ) -> dict[str, str]:
    """The ``X-Zhaoshang-*`` headers the gateway sends for ``actor`` on ``method path?query``
    with ``body``; a fresh nonce each call (one set of headers is good for one request)."""
    headers = {IDENTITY_HEADERS["user"]: actor.user, IDENTITY_HEADERS["role"]: actor.role,
               IDENTITY_HEADERS["unit"]: actor.unit or "",
               IDENTITY_HEADERS["city"]: actor.city or ""}
    if secret:
        timestamp = str(int(now if now is not None else utcnow().timestamp()))
        nonce = nonce or secrets.token_urlsafe(18)
        headers[IDENTITY_HEADERS["timestamp"]] = timestamp
        headers[IDENTITY_HEADERS["nonce"]] = nonce
        headers[IDENTITY_HEADERS["signature"]] = identity_signature(
            secret, actor, timestamp, method, path, query=query, digest=body_digest(body),
            nonce=nonce)
    return headers


class NonceStore:
    """The nonces of accepted signatures, each kept until its signature could not pass anyway.

    In-process and thread-safe; bounded: when it is full the oldest nonce is forgotten, and
    from then on every signature as old as the forgotten one is refused (``floor``), so a
    forgotten nonce can never be replayed — a flood costs the flood's own stragglers, never
    a replay.
    """

    def __init__(self, capacity: int = NONCE_CAPACITY) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[str, tuple[int, float]] = OrderedDict()  # nonce: (stamp, expiry)
        self._floor = -1  # signatures stamped at or before this are refused
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def first_use(self, nonce: str, timestamp: int, expires: float, now: float) -> bool:
        """Remember ``nonce``; ``False`` when it was seen before (or may have been)."""
        with self._lock:
            while self._seen:
                oldest = next(iter(self._seen))
                if self._seen[oldest][1] > now:
                    break
                del self._seen[oldest]
            if nonce in self._seen or timestamp <= self._floor:
                return False
            while len(self._seen) >= self.capacity:
                _, (stamp, _) = self._seen.popitem(last=False)
                self._floor = max(self._floor, stamp)
            if timestamp <= self._floor:
                return False
            self._seen[nonce] = (timestamp, expires)
            return True


_NONCES = NonceStore()  # the process's, for callers that bring none


def forwarded_actor(headers: Mapping[str, str], method: str, path: str, *,
                    secret: str | None, service_city: str | None = None,
                    max_age: int = SIGNATURE_MAX_AGE, now: float | None = None,
                    query: bytes | str = "", body: bytes | None = None,
                    nonces: NonceStore | None = None) -> Actor:
    """The identity a request carries, checked when the service knows the gateway secret.

    Without a secret (unit tests, a service nobody can reach but the gateway) the
    plain headers are trusted. With one, an unsigned, stale, future, altered or replayed
    identity is a 401 problem, and a city user (clerk, officer, leader) of another city, a
    clerk without a unit or a province user writing is a 403 problem. ``path``, ``query``
    and ``body`` are the request as the service received it; ``service_city`` is the
    serving city's code (``None`` for the province service); ``nonces`` remembers the
    nonces seen (the process's store by default).
    """
    actor = Actor(user=headers.get(IDENTITY_HEADERS["user"]) or "anonymous",
                  role=headers.get(IDENTITY_HEADERS["role"]) or "officer",
                  unit=headers.get(IDENTITY_HEADERS["unit"]) or None,
                  city=headers.get(IDENTITY_HEADERS["city"]) or None)
    if not secret:
        return actor
    timestamp = headers.get(IDENTITY_HEADERS["timestamp"], "")
    signature = headers.get(IDENTITY_HEADERS["signature"], "")
    nonce = headers.get(IDENTITY_HEADERS["nonce"], "")
    if not (timestamp.isascii() and timestamp.isdigit()) or not signature \
            or not NONCE.match(nonce):
        raise Problem(401, "unsigned_request", "未经网关的请求", "请通过网关访问本服务")
    current = now if now is not None else utcnow().timestamp()
    stamp = int(timestamp)
    if stamp > current + FUTURE_SKEW:
        raise Problem(401, "future_signature", "请求签名时间无效",
                      "签名时间晚于本服务的时间，请检查网关与服务的时钟")
    if current - stamp > max_age:
        raise Problem(401, "stale_signature", "请求签名已过期", "请通过网关重新发起请求")
    expected = identity_signature(secret, actor, timestamp, method, path, query=query,
                                  digest=body_digest(body), nonce=nonce)
    if not hmac.compare_digest(expected, signature):
        raise Problem(401, "bad_signature", "请求签名无效", "身份信息与签名不符")
    store = nonces if nonces is not None else _NONCES
    if not store.first_use(nonce, stamp, stamp + max_age + 1, current):
        raise Problem(401, "replayed_signature", "请求签名已使用过",
                      "每个签名只能使用一次，请通过网关重新发起请求")
    if actor.role not in ROLES:
        raise Problem(403, "forbidden_role", "无权操作", f"未知角色 {actor.role}")
    if actor.role in CITY_ROLES and (service_city is None or actor.city != service_city):
        raise Problem(403, "forbidden_city", "无权操作", "只能访问本人所属城市的数据")
    if actor.role == "clerk" and not actor.unit:
        raise Problem(403, "forbidden_unit", "无权操作", "经办人账号未绑定单位")
    if actor.role == "province" and method.upper() not in READ_METHODS:
        raise Problem(403, "forbidden_role", "无权操作", "省级账号只能查看数据")
    return actor


def request_actor(request: Any, *, secret: str | None, service_city: str | None = None,
                  max_age: int = SIGNATURE_MAX_AGE, nonces: NonceStore | None = None) -> Actor:
    """:func:`forwarded_actor` of a Flask request: its headers, method, path, raw query string
    and body (read once and kept for the view)."""
    return forwarded_actor(request.headers, request.method, request.path, secret=secret,
                           service_city=service_city, max_age=max_age,
                           query=request.query_string,
                           body=request.get_data(cache=True) if secret else None,
                           nonces=nonces)
