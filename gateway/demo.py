"""Demo logins for ``make up``: one user per role and city, all with one documented password."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from core.config import ConfigError, built_in_config_path, read_toml
from core.db import unit_of_work
from core.demo import demo_leader_name
from gateway.config import GatewaySettings
from gateway.store import User
from gateway.users import ROLE_LABELS, NewUser, create_user

DEMO_PASSWORD = "zhaoshang-demo"
CLERK_UNIT_KINDS = ("district", "county", "park")


def clerk_unit(city_code: str) -> tuple[str, str] | None:
    """A district or county of a built-in city (code, name) for its demo clerk."""
    try:
        units = read_toml(built_in_config_path(city_code)).get("units", [])
    except ConfigError:
        return None
    for kind in CLERK_UNIT_KINDS:
        for unit in units:
            if unit.get("kind") == kind:
                return unit["code"], unit["name"]
    return None


def demo_users(settings: GatewaySettings, password: str = DEMO_PASSWORD) -> list[NewUser]:
    """Clerk, officer and leader of every configured city, a province user and an admin."""
    users = []
    for code, city in settings.cities.items():
        unit = clerk_unit(code)
        if unit:
            users.append(NewUser(f"{code}-clerk", "clerk", password, city=code, unit=unit[0],
                                 display_name=f"{city.name}{unit[1]}{ROLE_LABELS['clerk']}"))
        users.append(NewUser(f"{code}-officer", "officer", password, city=code,
                             display_name=f"{city.name}{ROLE_LABELS['officer']}"))
        # Under the name the city's demo gives its 包抓 projects: the dashboard shows them.
        users.append(NewUser(f"{code}-leader", "leader", password, city=code,
                             display_name=demo_leader_name(city.name)))
    users.append(NewUser("province", "province", password, display_name="省级用户"))
    users.append(NewUser("admin", "admin", password, display_name="系统管理员"))
    return users


def ensure_demo_users(sessions: sessionmaker[Session], settings: GatewaySettings,
                      password: str = DEMO_PASSWORD) -> list[NewUser]:
    """Create the demo users that do not exist yet; returns those it created."""
    created = []
    with unit_of_work(sessions) as session:
        existing = set(session.scalars(sa.select(User.username)))
        for user in demo_users(settings, password):
            if user.username not in existing:
                create_user(session, user, set(settings.cities))
                created.append(user)
    return created


def demo_table(users: list[NewUser]) -> str:
    """The logins as a plain table, printed once when they are created."""
    lines = [f"{'username':<22} {'role':<9} {'city':<10} {'unit':<12} password"]
    for user in users:
        lines.append(f"{user.username:<22} {user.role:<9} {user.city or '-':<10} "
                     f"{user.unit or '-':<12} {user.password}")
    return "\n".join(lines)
