"""The leading group's HQ and 8 working groups (Seed 三(五)22, POLICIES.md § sanming 10).

The groups are units of kind ``industry_group`` under the HQ unit. A new lead goes to the
group responsible for it: 央企省企招商组 for a central or provincial state enterprise, 外企招商组
for a foreign-funded one, else the group of its industry (``group`` in ``[[industries]]``);
with none of these the core's default (the office) judges it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import Lead, Unit
from plugins.sanming.settings import settings

SOE_TAGS = ("央企", "省属国企")
FOREIGN_TAGS = ("外资",)
SOE_GROUP, FOREIGN_GROUP = "wg_soe", "wg_foreign"


def working_groups(session: Any, city: Any) -> list[Unit]:
    """The HQ's working groups, in code order."""
    hq = settings(city)["organisation"]["hq_unit"]
    parent = session.scalar(sa.select(Unit).where(Unit.code == hq))
    if parent is None:
        return []
    return list(session.scalars(sa.select(Unit).where(
        Unit.parent_id == parent.id, Unit.kind == "industry_group").order_by(Unit.code)))


def group_for(city: Any, lead: Lead) -> str | None:
    """The code of the working group that judges ``lead``."""
    tags = set(lead.enterprise.tags or [])
    if tags & set(SOE_TAGS):
        return SOE_GROUP
    if tags & set(FOREIGN_TAGS):
        return FOREIGN_GROUP
    return city.industries.get(lead.industry or "", {}).get("group")


def route(city: Any, lead: Lead, session: Any) -> Unit | None:
    """``route_lead``: the responsible working group, if the city has it."""
    code = group_for(city, lead)
    if code is None:
        return None
    return next((unit for unit in working_groups(session, city) if unit.code == code), None)
