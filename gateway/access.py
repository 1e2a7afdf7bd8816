"""Who may do what where: the gateway's role and city rules (table in ``docs/gateway.md``).

The gateway decides on the city and the kind of operation; the services check the
forwarded identity again, and a city service also refuses a clerk writing another
unit's data (``core.identity.may_write_unit``), which only it can see.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from core.identity import READ_METHODS
from core.problems import Problem
from gateway.config import GatewaySettings
from gateway.tokens import Claims


def forbidden(code: str, detail: str) -> Problem:
    return Problem(403, code, "无权操作", detail)


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(path, pattern) for pattern in patterns)


def city_refusal(claims: Claims, method: str, city: str, path: str,
                 settings: GatewaySettings) -> Problem | None:
    """Why ``claims`` may not send ``method`` to ``path`` of ``city``'s service, or ``None``.

    ``path`` is relative to the city's ``/api/v1/`` (``projects/3/transitions``).
    """
    reading = method.upper() in READ_METHODS
    if claims.role == "admin":
        return None
    if claims.role == "province":
        return None if reading else forbidden("read_only", "省级账号只能查看数据，不能修改")
    if claims.role not in ("clerk", "officer", "leader"):
        return forbidden("forbidden_role", f"角色 {claims.role} 不能访问城市数据")
    if claims.city != city:
        own = settings.cities.get(claims.city or "")
        return forbidden("forbidden_city",
                         f"只能访问本市（{own.name if own else claims.city}）的数据")
    if reading or claims.role == "officer":
        return None
    if claims.role == "clerk" and not _matches(path, settings.clerk_writes):
        return forbidden("forbidden_role", "经办人只能填报本单位的线索和项目")
    if claims.role == "leader" and not _matches(path, settings.leader_writes):
        return forbidden("forbidden_role", "领导账号只能作出决定和评审意见")
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
