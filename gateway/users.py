"""Users: creating, changing, disabling and deleting them, checking their passwords (argon2id,
``argon2-cffi``), and whether a token still speaks for its account.

Every token carries the account's ``auth_version`` (``gateway.store``); disabling, deleting or
changing an account's role, city, unit or password raises it, and the gateway checks the
token's version against the account on every request, so the account's existing tokens stop
working at once, not at their expiry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from core.problems import Problem
from gateway.store import User
from gateway.tokens import Claims, unauthenticated

USER_ROLES = ("clerk", "officer", "leader", "province", "admin")
CITY_ROLES = ("clerk", "officer", "leader")
ROLE_LABELS = {"clerk": "经办人", "officer": "招商干部", "leader": "领导", "province": "省级用户",
               "admin": "系统管理员"}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
UNIT = re.compile(r"^[a-z0-9_]{1,64}$")
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("zhaoshang-no-such-user")


class UserError(ValueError):
    """A user cannot be created as asked; the message says why (Chinese, shown to an admin)."""


@dataclass(frozen=True)
class NewUser:
    username: str
    role: str
    password: str
    city: str | None = None
    unit: str | None = None
    display_name: str | None = None


def user_problems(new: NewUser, city_codes: set[str] | None = None) -> list[str]:
    """Everything wrong with a user to create; empty when it may be created."""
    problems = []
    if not USERNAME.match(new.username):
        problems.append("用户名只能包含小写字母、数字、下划线、点和连字符（2–64 位）")
    if new.role not in USER_ROLES:
        problems.append(f"角色应为以下之一：{', '.join(USER_ROLES)}")
    if len(new.password) < MIN_PASSWORD:
        problems.append(f"密码至少 {MIN_PASSWORD} 位")
    if new.role in CITY_ROLES:
        if not new.city:
            problems.append("经办人、招商干部和领导必须指定城市（--city）")
        elif city_codes is not None and new.city not in city_codes:
            problems.append(f"城市 {new.city} 不在网关配置中")
    elif new.city:
        problems.append("省级用户和系统管理员不属于某个城市，不能指定 --city")
    if new.role == "clerk":
        if not new.unit or not UNIT.match(new.unit):
            problems.append("经办人必须指定本单位编码（--unit）")
    elif new.unit:
        problems.append("只有经办人绑定单位（--unit）")
    return problems


def find_user(session: Session, username: str) -> User:
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise UserError(f"没有用户 {username}")
    return user


def create_user(session: Session, new: NewUser, city_codes: set[str] | None = None) -> User:
    """Add a user with a hashed password; :class:`UserError` lists what is wrong."""
    problems = user_problems(new, city_codes)
    if session.scalar(sa.select(User.id).where(User.username == new.username)) is not None:
        problems.append(f"用户名 {new.username} 已存在")
    if problems:
        raise UserError("；".join(problems))
    user = User(username=new.username, password_hash=_hasher.hash(new.password), role=new.role,
                city=new.city or None, unit=new.unit or None,
                display_name=new.display_name or new.username)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else ``None``; upgrades old hashes."""
    user = session.scalar(sa.select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def change_user(session: Session, username: str, *, role: str | None = None,
                city: str | None = None, unit: str | None = None,
                display_name: str | None = None, city_codes: set[str] | None = None) -> User:
    """Change an account's role, city, unit or name; a new role, city or unit ends its tokens.

    Options left ``None`` keep their value, except that a role without a city or a unit drops
    them (a province user has no city). :class:`UserError` lists what is wrong.
    """
    user = find_user(session, username)
    new_role = role or user.role
    new_city = city if city is not None else (user.city if new_role in CITY_ROLES else None)
    new_unit = unit if unit is not None else (user.unit if new_role == "clerk" else None)
    problems = user_problems(NewUser(user.username, new_role, "x" * MIN_PASSWORD, new_city,
                                     new_unit), city_codes)
    if problems:
        raise UserError("；".join(problems))
    user.role, user.city, user.unit = new_role, new_city or None, new_unit or None
    if display_name:
        user.display_name = display_name
    session.flush()
    return user


def set_active(session: Session, username: str, active: bool) -> User:
    """Disable (ends the account's tokens at once and stops sign-ins) or enable an account."""
    user = find_user(session, username)
    user.active = active
    session.flush()
    return user


def delete_user(session: Session, username: str) -> None:
    """Remove an account; its tokens stop working at once (their account is gone)."""
    session.delete(find_user(session, username))
    session.flush()


def token_refusal(session: Session, claims: Claims) -> Problem | None:
    """Why ``claims`` no longer speak for their account, or ``None`` when they still do."""
    row = session.execute(sa.select(User.auth_version, User.active, User.role, User.city,
                                    User.unit).where(User.username == claims.user)).first()
    if row is None or not row.active:
        return unauthenticated("token_revoked", "账号已停用或已删除，请联系系统管理员")
    if (row.auth_version, row.role, row.city, row.unit) != (
            claims.auth_version, claims.role, claims.city, claims.unit):
        return unauthenticated("token_revoked", "账号信息已变更，请重新登录")
    return None
