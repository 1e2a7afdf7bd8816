"""The industrial digital map (产业数字地图, 三(九)): chains, links, who is here, who to win.

For each configured chain: its chain office (产业链推进办公室), its segments under
强链、补链、延链、育链, the enterprises already present (investors of its signed,
started or completed projects, counted by the core's investment map), the targets on
the list and the gaps — segments still missing, each with the targets that would fill it.
The chain itself (name, office, industries) is the deployment's ``[[chains]]`` entry, and
the target library also feeds the core's investment map (``map_targets``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.toolkit import City, MapTarget, Project, Unit, enterprises_present, present_projects
from plugins.changsha.models import TARGET_STATUSES, ChangshaTarget
from plugins.changsha.settings import CHAIN_LINKS, settings
from plugins.changsha.targets import target_data


def chain_entry(session: Session, city: City, chain: dict[str, Any],
                present: list[Project]) -> dict[str, Any]:
    core = city.chains[chain["code"]]  # name, office and industries are the core chain's
    industries = sorted({code for link in core["links"] for code in link["industries"]})
    targets = session.scalars(sa.select(ChangshaTarget).where(ChangshaTarget.chain == chain["code"])
                              .order_by(ChangshaTarget.id)).all()
    office = (session.scalar(sa.select(Unit).where(Unit.code == core["office"]))
              if core["office"] else None)
    links = [{"link": link, "label": label, "segments": chain["links"][link],
              "targets": [t.name for t in targets if t.link == link]}
             for link, label in CHAIN_LINKS.items()]
    gaps = [{"segment": gap, "targets": [t.name for t in targets if t.segment == gap]}
            for gap in chain["gaps"]]
    return {
        "code": chain["code"], "name": core["name"],
        "office": {"code": office.code, "name": office.name} if office else None,
        "industries": [{"code": c, "name": city.industry_name(c)} for c in industries],
        "links": links,
        "enterprises_present": enterprises_present(
            p for p in present if p.industry in industries),
        "targets": [target_data(t) for t in targets],
        "gaps": gaps,
        "open_gaps": [gap["segment"] for gap in gaps if not gap["targets"]],
    }


def industrial_map(session: Session, city: City) -> list[dict[str, Any]]:
    """The whole map, one entry per configured chain in configuration order."""
    present = present_projects(session)
    return [chain_entry(session, city, chain, present) for chain in settings(city)["chains"]]


def map_targets(session: Session, city: City) -> list[MapTarget]:
    """The target library on the investment map: a target lands on the core link whose name
    or products include its segment, else on its chain as a whole."""
    targets = []
    for target in session.scalars(sa.select(ChangshaTarget).where(
            ChangshaTarget.chain.is_not(None)).order_by(ChangshaTarget.id)):
        links = city.chains.get(target.chain, {}).get("links", [])
        link = next((item["code"] for item in links if target.segment and (
            target.segment == item["name"] or target.segment in item["products"])), None)
        targets.append(MapTarget(chain=target.chain, link=link, name=target.name,
                                 source="长沙市招商目标企业库",
                                 status_label=TARGET_STATUSES.get(target.status),
                                 reference=f"changsha_targets/{target.id}"))
    return targets
