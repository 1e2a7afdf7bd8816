"""Menus by role and city: each person sees the pages of their daily work.

The items are the interface's own pages; a city's plugin pages (``/api/v1/web-pages``) are
added for the roles each page names. Whether an action on a page is offered is decided by
the API's rules (``ApiClient.may``), not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.tokens import Claims

CITY_ROLES = ("clerk", "officer", "leader")
ROLE_LABELS = {"clerk": "经办人", "officer": "招商干部", "leader": "领导", "province": "省级用户",
               "admin": "系统管理员"}


@dataclass(frozen=True)
class MenuItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]
    args: tuple[tuple[str, str], ...] = ()  # fixed query parameters (a filtered list)


CITY_MENU = (
    MenuItem("我的待办", "web.todos", ("clerk", "officer", "leader", "admin")),
    MenuItem("驾驶舱", "web.dashboard", ("leader", "officer", "province", "admin")),
    MenuItem("报送线索", "web.new_lead", ("clerk", "officer", "admin")),
    MenuItem("本单位线索", "web.leads", ("clerk",), (("mine", "1"),)),
    MenuItem("本单位项目", "web.projects", ("clerk",), (("mine", "1"),)),
    MenuItem("线索研判", "web.leads", ("officer", "admin"), (("status", "reported"),)),
    MenuItem("线索库", "web.leads", ("officer", "leader", "province", "admin")),
    MenuItem("项目库", "web.projects", ("officer", "leader", "province", "admin")),
    MenuItem("我包抓的项目", "web.projects", ("leader",), (("mine", "1"),)),
    MenuItem("待我决定", "web.matters", ("leader",), (("awaiting", "leader"),)),
    MenuItem("协调事项", "web.matters", ("officer", "leader", "admin")),
    MenuItem("考核与擂台赛", "web.assessments", ("officer", "leader", "admin")),
    MenuItem("奖励台账", "web.rewards", ("officer", "leader", "admin")),
    MenuItem("预警", "web.warnings", ("officer", "leader", "province", "admin")),
    MenuItem("异常信号", "web.signals", ("officer", "admin")),  # the office's (GET /signals)
    MenuItem("引荐人名录", "web.intermediaries", ("clerk", "officer", "leader", "province", "admin")),
    MenuItem("招商地图", "web.investment_map", ("clerk", "officer", "leader", "province", "admin")),
    MenuItem("导入台账", "web.imports", ("clerk", "officer", "admin")),
)
PROVINCE_MENU = (  # pages of no single city
    MenuItem("全省对比", "web.province", ("province", "admin")),
    MenuItem("死信", "web.dead_letters", ("province", "admin")),
    MenuItem("审计日志", "web.audit", ("admin",)),
)


def home_city(claims: Claims, cities: list[str]) -> str | None:
    """The city a person works in; province users and administrators start at the first one."""
    if claims.role in CITY_ROLES:
        return claims.city
    return cities[0] if cities else None


def city_menu(role: str, city: str, plugin_pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The city's menu for ``role``: the interface's pages, then the city's own."""
    items = [{"label": item.label, "endpoint": item.endpoint,
              "args": {"city": city, **dict(item.args)}}
             for item in CITY_MENU if role in item.roles]
    items += [{"label": page["title"], "endpoint": "web.city_page",
               "args": {"city": city, "code": page["code"]}}
              for page in plugin_pages if role in page.get("roles", ())
              and shown_on(page, "menu")]
    return items


def shown_on(page: dict[str, Any], place: str) -> bool:
    """Whether the city shows ``page`` in ``place`` (``menu``, ``project``, ``lead``: its
    declared ``shown_on``); a city that predates the field shows its pages in the menu."""
    return place in page.get("shown_on", ("menu",))


def province_menu(role: str) -> list[dict[str, Any]]:
    return [{"label": item.label, "endpoint": item.endpoint, "args": dict(item.args)}
            for item in PROVINCE_MENU if role in item.roles]
