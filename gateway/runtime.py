"""The running gateway's state and the caller's verified identity, for the views."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from flask_limiter import Limiter
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import GatewaySettings
from gateway.declarations import Declarations
from gateway.labels import CityLabels
from gateway.openapi import CachedDocument
from gateway.tokens import Claims, verify_token
from gateway.upstream import Upstream

EXTENSION = "zhaoshang_gateway"


@dataclass
class Gateway:
    """Bound to the gateway's Flask app (``app.extensions``), never module state."""

    settings: GatewaySettings
    sessions: sessionmaker[Session]
    engine: Engine
    upstream: Upstream
    openapi: CachedDocument
    limiter: Limiter
    declarations: Declarations  # each city's declared rules, to offer only allowed actions
    labels: CityLabels  # each city's code → label lists (GET /labels), kept for a while


def gateway() -> Gateway:
    return current_app.extensions[EXTENSION]


def authenticated() -> Claims:
    """The verified caller, or the 401 problem their token (or its absence) deserves."""
    if g.claims is not None:
        return g.claims
    settings = gateway().settings
    raise g.auth_problem or verify_token(settings.jwt_secret, None, settings.clock)
