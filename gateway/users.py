"""Users: creating them, checking their passwords (argon2id, ``argon2-cffi``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from gateway.store import User

USER_ROLES = ("clerk", "officer", "leader", "province", "admin")
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
    if new.role in ("clerk", "officer", "leader"):
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
