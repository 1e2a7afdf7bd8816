"""Access tokens: HS256 JWTs (``pyjwt``) carrying who the bearer is and what they may touch."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from core.problems import Problem

ALGORITHM = "HS256"
ISSUER = "zhaoshang-gateway"
REQUIRED_CLAIMS = ["sub", "role", "exp", "iat", "jti", "iss"]


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


def issue_token(secret: str, *, user: str, role: str, city: str | None, unit: str | None,
                name: str, lifetime: dt.timedelta, now: dt.datetime | None = None
                ) -> tuple[str, dt.datetime]:
    """A signed token for the user and when it expires."""
    issued = now or dt.datetime.now(dt.UTC)
    expires = issued + lifetime
    payload: dict[str, Any] = {"sub": user, "role": role, "city": city, "unit": unit,
                               "name": name, "iss": ISSUER, "iat": issued, "exp": expires,
                               "jti": uuid.uuid4().hex}
    return jwt.encode(payload, secret, algorithm=ALGORITHM), expires


def unauthenticated(code: str, detail: str) -> Problem:
    return Problem(401, code, "未登录或登录已失效", detail)


def verify_token(secret: str, authorization: str | None) -> Claims:
    """The claims of a ``Bearer`` token; a 401 problem when missing, expired or tampered."""
    if not authorization:
        raise unauthenticated("token_missing", "请先登录（Authorization: Bearer <令牌>）")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("token_missing", "请以 Bearer 方式提交令牌")
    try:
        payload = jwt.decode(token.strip(), secret, algorithms=[ALGORITHM], issuer=ISSUER,
                             options={"require": REQUIRED_CLAIMS})
    except jwt.ExpiredSignatureError as exc:
        raise unauthenticated("token_expired", "登录已过期，请重新登录") from exc
    except jwt.InvalidTokenError as exc:
        raise unauthenticated("token_invalid", "令牌无效") from exc
    return Claims(user=str(payload["sub"]), role=str(payload["role"]),
                  city=payload.get("city") or None, unit=payload.get("unit") or None,
                  name=str(payload.get("name") or payload["sub"]),
                  expires_at=dt.datetime.fromtimestamp(payload["exp"], dt.UTC),
                  token_id=str(payload["jti"]))
