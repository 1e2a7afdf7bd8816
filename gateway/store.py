"""The gateway's own database: users and the audit log (``var/gateway.db`` by default)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.alembic_upgrade import upgrade_one_at_a_time
from core.clock import utcnow  # stored instants are the suite's clock's, in UTC
from core.db import NAMING_CONVENTION

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "gateway_alembic_version"


class GatewayBase(DeclarativeBase):
    """Separate from the cities' metadata: the gateway never shares a database with a city."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class User(GatewayBase):
    """A person (or program) who may sign in; ``city``/``unit`` scope what they touch."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    city: Mapped[str | None] = mapped_column(sa.String(32))
    unit: Mapped[str | None] = mapped_column(sa.String(64))
    display_name: Mapped[str] = mapped_column(sa.String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Raised whenever the account is disabled or its role, city or unit change: every token
    # carries the version it was issued under and dies when it no longer matches.
    auth_version: Mapped[int] = mapped_column(default=1, server_default="1")


# What a token vouches for: changing any of them ends the account's tokens.
TOKEN_BOUND = ("role", "city", "unit", "active", "password_hash")


@sa.event.listens_for(User, "before_update")
def _bump_auth_version(mapper: object, connection: object, user: User) -> None:
    state = sa.inspect(user)
    changed = [name for name in TOKEN_BOUND if state.attrs[name].history.has_changes()]
    if changed and not state.attrs["auth_version"].history.has_changes():
        user.auth_version = (user.auth_version or 1) + 1


class AuditEntry(GatewayBase):
    """One write or one refused attempt, as the gateway saw it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    role: Mapped[str | None] = mapped_column(sa.String(16))
    city: Mapped[str | None] = mapped_column(sa.String(32))
    target: Mapped[str | None] = mapped_column(sa.String(32))
    method: Mapped[str] = mapped_column(sa.String(8))
    path: Mapped[str] = mapped_column(sa.String(2000))
    status: Mapped[int]
    outcome: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.String(64))
    # The problem's Chinese ``title`` as the answer carried it (the city's or the gateway's own
    # wording, kept with the entry); NULL for a success and for entries written before 0004.
    reason_title: Mapped[str | None] = mapped_column(sa.String(200))
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(128))
    # The record written or refused (``leads/5``: the path's record, or the one a 201 created).
    record: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    # The path the service received: for a page's write, the API call behind the page.
    service_path: Mapped[str | None] = mapped_column(sa.String(2000))
    via: Mapped[str | None] = mapped_column(sa.String(8))  # api | web


def upgrade(engine: Engine) -> None:
    """Bring the gateway database to its newest schema."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    upgrade_one_at_a_time(engine, config, "gateway")
