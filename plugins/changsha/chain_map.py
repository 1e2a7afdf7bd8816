"""The industrial digital map (产业数字地图, 三(九)): chains, links, who is here, who to win.

For each configured chain: its chain office (产业链推进办公室), its segments under
强链、补链、延链、育链, the enterprises already present (investors of its signed,
started or completed projects), the targets on the list and the gaps — segments
still missing, each with the targets that would fill it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.toolkit import City, Project, Stage, Unit
from plugins.changsha.models import ChangshaTarget
from plugins.changsha.settings import CHAIN_LINKS, settings
from plugins.changsha.targets import target_data

PRESENT_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED)


def enterprises_present(session: Session, industries: list[str]) -> list[dict[str, Any]]:
    """Investors with landed projects in the chain's industries, the largest first."""
    projects = session.scalars(sa.select(Project).where(
        Project.industry.in_(industries), Project.stage.in_([s.value for s in PRESENT_STAGES]))
        .order_by(Project.id)).unique().all()
    by_enterprise: dict[int, dict[str, Any]] = {}
    for project in projects:
        entry = by_enterprise.setdefault(project.enterprise_id, {
            "name": project.enterprise.name, "tags": list(project.enterprise.tags or []),
            "projects": 0, "amount": Decimal(0), "units": []})
        entry["projects"] += 1
        entry["amount"] += project.amount
        if project.host_unit.code not in entry["units"]:
            entry["units"].append(project.host_unit.code)
    return sorted(by_enterprise.values(), key=lambda e: (-e["amount"], e["name"]))


def chain_entry(session: Session, city: City, chain: dict[str, Any]) -> dict[str, Any]:
    targets = session.scalars(sa.select(ChangshaTarget).where(ChangshaTarget.chain == chain["code"])
                              .order_by(ChangshaTarget.id)).all()
    office = (session.scalar(sa.select(Unit).where(Unit.code == chain["office"]))
              if chain["office"] else None)
    links = [{"link": link, "label": label, "segments": chain["links"][link],
              "targets": [t.name for t in targets if t.link == link]}
             for link, label in CHAIN_LINKS.items()]
    gaps = [{"segment": gap, "targets": [t.name for t in targets if t.segment == gap]}
            for gap in chain["gaps"]]
    return {
        "code": chain["code"], "name": chain["name"],
        "office": {"code": office.code, "name": office.name} if office else None,
        "industries": [{"code": c, "name": city.industry_name(c)} for c in chain["industries"]],
        "links": links,
        "enterprises_present": enterprises_present(session, chain["industries"]),
        "targets": [target_data(t) for t in targets],
        "gaps": gaps,
        "open_gaps": [gap["segment"] for gap in gaps if not gap["targets"]],
    }


def industrial_map(session: Session, city: City) -> list[dict[str, Any]]:
    """The whole map, one entry per configured chain in configuration order."""
    return [chain_entry(session, city, chain) for chain in settings(city)["chains"]]
