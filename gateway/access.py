"""Where a signed-in person may go: the gateway's city scope and the province's read-only rule.

The gateway authenticates and keeps each person to their own city (province users and
administrators read every city); what a role or a unit may do there is decided by the city
service, once, from the declaration on each operation (``core.permissions``,
``docs/permissions.md``). The gateway has no list of paths per role.
"""

from __future__ import annotations

from core.identity import CITY_ROLES, READ_METHODS
from core.problems import Problem
from gateway.config import GatewaySettings
from gateway.tokens import Claims


def forbidden(code: str, detail: str) -> Problem:
    return Problem(403, code, "无权操作", detail)


def city_refusal(claims: Claims, method: str, city: str, settings: GatewaySettings
                 ) -> Problem | None:
    """Why ``claims`` may not send ``method`` to ``city``'s service at all, or ``None``.

    A city user reaches only their own city; a province user only reads; an administrator
    goes anywhere. Everything else is the city service's decision.
    """
    if claims.role == "admin":
        return None
    if claims.role == "province":
        if method.upper() in READ_METHODS:
            return None
        return forbidden("read_only", "省级账号只能查看数据，不能修改")
    if claims.role not in CITY_ROLES:
        return forbidden("forbidden_role", f"角色 {claims.role} 不能访问城市数据")
    if claims.city != city:
        own = settings.cities.get(claims.city or "")
        return forbidden("forbidden_city",
                         f"只能访问本市（{own.name if own else claims.city}）的数据")
    return None


def province_refusal(claims: Claims, method: str) -> Problem | None:
    """Province views are for province users (read only) and administrators."""
    if claims.role == "admin":
        return None
    if claims.role != "province":
        return forbidden("forbidden_role", "省级数据仅限省级用户查看")
    if method.upper() not in READ_METHODS:
        return forbidden("read_only", "省级账号只能查看数据，不能修改")
    return None


def admin_refusal(claims: Claims) -> Problem | None:
    return None if claims.role == "admin" else forbidden("forbidden_role", "仅系统管理员可查看")
