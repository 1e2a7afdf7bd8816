"""Access tokens: HS256 JWTs (``pyjwt``) carrying who the bearer is and what they may touch.

Times come from the gateway's clock (:mod:`core.clock`), never from the host: a token is
issued at the clock's instant and expires by it. PyJWT would compare ``exp``/``iat``/``nbf``
with the host's time, so those checks are made here instead (the claims are still required).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from core.clock import CHINA, Clock
from core.problems import Problem

ALGORITHM = "HS256"
ISSUER = "zhaoshang-gateway"
REQUIRED_CLAIMS = ["sub", "role", "exp", "iat", "jti", "iss", "ver"]
# PyJWT's time checks read the host's clock: they are made against the gateway's (_check_times).
DECODE_OPTIONS: dict[str, Any] = {"require": REQUIRED_CLAIMS, "verify_exp": False,
                                  "verify_iat": False, "verify_nbf": False}


@dataclass(frozen=True)
class Claims:
    """A verified token's content."""

    user: str
    role: str
    city: str | None
    unit: str | None
    name: str
    expires_at: dt.datetime
    token_id: str
    # The account's ``auth_version`` when the token was issued: a token whose account has
    # been disabled, deleted or changed since (another version) is refused (gateway.accounts).
    auth_version: int = 0


def issue_token(secret: str, *, user: str, role: str, city: str | None, unit: str | None,
                name: str, lifetime: dt.timedelta, now: dt.datetime | None = None,
                clock: Clock = CHINA, auth_version: int = 0) -> tuple[str, dt.datetime]:
    """A signed token for the user and when it expires (from ``now``, else the clock's now).

    ``auth_version`` is the account's (``ver``); the default matches no account.
    """
    issued = now or clock.utcnow()
    expires = issued + lifetime
    payload: dict[str, Any] = {"sub": user, "role": role, "city": city, "unit": unit,
                               "name": name, "iss": ISSUER, "iat": issued, "exp": expires,
                               "jti": uuid.uuid4().hex, "ver": auth_version}
    return jwt.encode(payload, secret, algorithm=ALGORITHM), expires


def unauthenticated(code: str, detail: str) -> Problem:
    return Problem(401, code, "未登录或登录已失效", detail)


def _integer(payload: dict[str, Any], claim: str) -> int:
    try:
        return int(payload[claim])
    except (ValueError, TypeError, OverflowError) as exc:
        raise jwt.InvalidTokenError(f"{claim} must be an integer") from exc


def _check_times(payload: dict[str, Any], now: dt.datetime) -> None:
    """PyJWT's ``iat``/``nbf``/``exp`` checks, against the clock's instant."""
    current = now.timestamp()
    if _integer(payload, "iat") > current:
        raise jwt.ImmatureSignatureError("The token is not yet valid (iat)")
    if "nbf" in payload and _integer(payload, "nbf") > current:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if _integer(payload, "exp") <= current:
        raise jwt.ExpiredSignatureError("Signature has expired")


def verify_token(secret: str, authorization: str | None, clock: Clock = CHINA) -> Claims:
    """The claims of a ``Bearer`` token; a 401 problem when missing, expired or tampered.

    "Expired" is judged by ``clock`` (the gateway's), not by the host's time.
    """
    if not authorization:
        raise unauthenticated("token_missing", "请先登录（Authorization: Bearer <令牌>）")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("token_missing", "请以 Bearer 方式提交令牌")
    try:
        payload = jwt.decode(token.strip(), secret, algorithms=[ALGORITHM], issuer=ISSUER,
                             options=DECODE_OPTIONS)
        _check_times(payload, clock.utcnow())
        version = _integer(payload, "ver")
    except jwt.ExpiredSignatureError as exc:
        raise unauthenticated("token_expired", "登录已过期，请重新登录") from exc
    except jwt.InvalidTokenError as exc:
        raise unauthenticated("token_invalid", "令牌无效") from exc
    return Claims(user=str(payload["sub"]), role=str(payload["role"]),
                  city=payload.get("city") or None, unit=payload.get("unit") or None,
                  name=str(payload.get("name") or payload["sub"]),
                  expires_at=dt.datetime.fromtimestamp(payload["exp"], dt.UTC),
                  token_id=str(payload["jti"]), auth_version=version)
