"""The investment map (招商地图): per chain, its links upstream to downstream, the enterprises
already present on each link, the targets courted for it, and the gaps.

A project is *present* on a link once signed (signed, started or completed). It lands on the
link it names in ``attributes.chain_link`` (``"<chain>.<link>"``); naming none, on the one link
of the chain whose industries include the project's industry. A project whose industry belongs
to several links of a chain and that names none is listed under the chain's ``unplaced``
enterprises rather than guessed onto a link. A link with no enterprise present is a gap (缺链).

Targets come from the core's list (``chain_targets``) and from every plugin's own lists through
the ``investment_map_targets`` hook; one piece of code (this module) serves every city.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.city import City
from core.config import LINK_POSITIONS
from core.lifecycle import Stage
from core.map_geography import Places, city_places, geography
from core.models import ChainTarget, Project
from core.models.chains import TARGET_STATUSES
from core.policy import MapTarget

PRESENT_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED)
CHAIN_LINK_ATTRIBUTE = "chain_link"
CORE_TARGET_SOURCE = "招商目标企业库"


def present_projects(session: Session) -> list[Project]:
    """Every signed, started or completed project, oldest first."""
    return list(session.scalars(sa.select(Project).where(
        Project.stage.in_([stage.value for stage in PRESENT_STAGES])).order_by(Project.id))
        .unique())


def enterprises_present(projects: Iterable[Project]) -> list[dict[str, Any]]:
    """The investors of ``projects``, each once with its project count, amount (万元) and host
    units, the largest amount first."""
    by_enterprise: dict[int, dict[str, Any]] = {}
    for project in projects:
        entry = by_enterprise.setdefault(project.enterprise_id, {
            "enterprise_id": project.enterprise_id, "name": project.enterprise.name,
            "tags": list(project.enterprise.tags or []), "projects": 0, "amount": Decimal(0),
            "units": []})
        entry["projects"] += 1
        entry["amount"] += project.amount
        if project.host_unit.code not in entry["units"]:
            entry["units"].append(project.host_unit.code)
    return sorted(by_enterprise.values(), key=lambda e: (-e["amount"], e["name"]))


def link_of(chain: dict[str, Any], project: Project) -> str | None:
    """The code of the link of ``chain`` the project is on, ``""`` when it is on the chain but
    its link is ambiguous, None when it is not on the chain."""
    named = str((project.attributes or {}).get(CHAIN_LINK_ATTRIBUTE) or "")
    codes = {link["code"] for link in chain["links"]}
    if named:
        chain_code, _, link_code = named.partition(".")
        if chain_code == chain["code"] and link_code in codes:
            return link_code
    by_industry = [link["code"] for link in chain["links"] if project.industry in link["industries"]]
    if len(by_industry) == 1:
        return by_industry[0]
    return "" if by_industry else None


def map_targets(session: Session, city: City) -> list[MapTarget]:
    """The core's targets (not dropped) and the plugins', on configured chains and links only."""
    rows = session.scalars(sa.select(ChainTarget).where(ChainTarget.status != "dropped")
                           .order_by(ChainTarget.id))
    targets = [MapTarget(chain=row.chain, link=row.link, name=row.name,
                         source=CORE_TARGET_SOURCE, status_label=TARGET_STATUSES.get(row.status),
                         reference=f"chain_targets/{row.id}", credit_code=row.credit_code)
               for row in rows]
    targets += city.call("investment_map_targets", session=session)
    return [target for target in targets if target.chain in city.chains and (
        target.link is None
        or any(link["code"] == target.link for link in city.chains[target.chain]["links"]))]


def _target_row(target: MapTarget) -> dict[str, Any]:
    return {"name": target.name, "source": target.source, "status_label": target.status_label,
            "reference": target.reference}


def chain_entry(city: City, chain: dict[str, Any], projects: list[Project],
                targets: list[MapTarget], unit_names: dict[str, str],
                places: Places | None = None) -> dict[str, Any]:
    """One chain of the map: its links in order upstream → downstream, present, targets, gaps."""
    placed: dict[str | None, list[Project]] = {}
    for project in projects:
        placed.setdefault(link_of(chain, project), []).append(project)
    links = []
    ordered = sorted(chain["links"], key=lambda link: list(LINK_POSITIONS).index(link["position"]))
    for link in ordered:
        on_link = placed.get(link["code"], [])
        link_targets = [t for t in targets if t.chain == chain["code"] and t.link == link["code"]]
        links.append({
            "code": link["code"], "name": link["name"], "position": link["position"],
            "position_label": LINK_POSITIONS[link["position"]],
            "industries": [{"code": code, "name": city.industry_name(code)}
                           for code in link["industries"]],
            "products": list(link["products"]),
            "enterprises_present": enterprises_present(on_link),
            "project_count": len(on_link),
            "amount": sum((p.amount for p in on_link), Decimal(0)),
            "targets": [_target_row(t) for t in link_targets],
            "gap": not on_link,
        })
    office = chain["office"]
    on_chain = [p for code, ps in placed.items() if code is not None for p in ps]
    return {
        "code": chain["code"], "name": chain["name"],
        "office": {"code": office, "name": unit_names.get(office)} if office else None,
        "links": links,
        "unplaced": enterprises_present(placed.get("", [])),
        "chain_targets": [_target_row(t) for t in targets
                          if t.chain == chain["code"] and t.link is None],
        "gaps": [{"code": link["code"], "name": link["name"], "position": link["position"],
                  "position_label": link["position_label"], "targets": len(link["targets"])}
                 for link in links if link["gap"]],
        "summary": {
            "links": len(links), "gaps": sum(link["gap"] for link in links),
            "enterprises": len({p.enterprise_id for p in on_chain}),
            "projects": len(on_chain), "amount": sum((p.amount for p in on_chain), Decimal(0)),
            "targets": sum(1 for t in targets if t.chain == chain["code"]),
        },
        # Where they are: the chain's enterprises and targets per county and park.
        "geography": geography(places, on_chain, [t for t in targets if t.chain == chain["code"]])
        if places is not None else None,
    }


def investment_map(session: Session, city: City, chain: str | None = None) -> dict[str, Any]:
    """The city's map: every configured chain (or the one named), in configuration order."""
    from core.models import Unit

    projects = present_projects(session)
    targets = map_targets(session, city)
    unit_names = {code: name for code, name in session.execute(sa.select(Unit.code, Unit.name))}
    chains = [c for code, c in city.chains.items() if chain is None or code == chain]
    places = city_places(session, city)
    return {"city": city.code, "city_name": city.name,
            "chains": [chain_entry(city, c, projects, targets, unit_names, places)
                       for c in chains]}
