"""Signing in to the web interface: the gateway's own token kept in a signed session cookie.

The cookie holds the token the sign-in endpoint issues (the same JWT an API client sends as a
bearer token), so the interface and the API share one authentication, one expiry and one set
of rules. The cookie is HttpOnly and SameSite=Lax, and every form carries a per-session CSRF
token that a POST must echo.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Flask, session

from core.clock import CHINA, Clock
from core.problems import Problem
from gateway.tokens import Claims, verify_token

COOKIE_NAME = "zhaoshang_web"
CSRF_FIELD = "csrf_token"


def configure(app: Flask, jwt_secret: str) -> None:
    """The session cookie's key is derived from the token secret, so both rotate together."""
    app.secret_key = hmac.new(jwt_secret.encode(), b"zhaoshang-web-session",
                              hashlib.sha256).hexdigest()
    app.config.update(SESSION_COOKIE_NAME=COOKIE_NAME, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax")


def sign_in(token: str) -> None:
    session.clear()
    session["token"] = token
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def sign_out() -> None:
    session.clear()


def session_claims(jwt_secret: str, clock: Clock = CHINA) -> tuple[Claims | None, Problem | None]:
    """The signed-in person, or why not (no cookie, an expired or a tampered token).

    Expiry is judged by ``clock``, the gateway's.
    """
    token = session.get("token")
    if not token:
        return None, None
    try:
        return verify_token(jwt_secret, f"Bearer {token}", clock), None
    except Problem as problem:
        session.clear()
        return None, problem


def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def csrf_ok(sent: str | None) -> bool:
    expected = session.get(CSRF_FIELD)
    return bool(expected and sent and hmac.compare_digest(expected, sent))
