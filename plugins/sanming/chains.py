"""The "433" industry system, its 16 chains and 21 investment maps (Seed 三(一)1, 三(二)8).

Industries and their tier (主导/优势/扶持产业) are the city's catalogue (``[[industries]]``);
chains and maps are ``[plugins.sanming]``. A map lists, per link (upstream, midstream,
downstream), the enterprises present, the targets to attract and the gaps; projects that
name a map and link (``attributes.map``, ``attributes.link``) show up on it, so a gap with a
signed project on it is being filled (招商地图工作法).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import STAGE_LABELS, Project, Stage, not_found
from plugins.sanming.settings import LINK_POSITIONS, settings

TIERS = ("主导产业", "优势产业", "扶持产业")
LANDED = ("signed", "started", "completed")


def industry_system(city: Any) -> list[dict[str, Any]]:
    """The "433": each tier with its industries and their chains."""
    chains_by_industry: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chain in settings(city)["chains"]:
        chains_by_industry[chain["industry"]].append({"code": chain["code"],
                                                      "name": chain["name"]})
    return [{"tier": tier,
             "industries": [{"code": code, "name": item["name"],
                             "chains": chains_by_industry.get(code, [])}
                            for code, item in city.industries.items() if item.get("chain") == tier]}
            for tier in TIERS]


def _projects_by_map(session: Any) -> dict[tuple[str, str], list[Project]]:
    found: dict[tuple[str, str], list[Project]] = defaultdict(list)
    for project in session.scalars(sa.select(Project).order_by(Project.id)):
        attributes = project.attributes or {}
        if attributes.get("map"):
            found[(attributes["map"], attributes.get("link") or "")].append(project)
    return found


def chain_rows(city: Any, session: Any) -> list[dict[str, Any]]:
    """Every chain with its industry, maps and the projects on its maps."""
    config = settings(city)
    projects = _projects_by_map(session)
    rows = []
    for chain in config["chains"]:
        maps = [m for m in config["maps"] if m["chain"] == chain["code"]]
        map_codes = {m["code"] for m in maps}
        on_chain = [p for (code, _), ps in projects.items() if code in map_codes for p in ps]
        landed = [p for p in on_chain if p.stage in LANDED]
        rows.append({"code": chain["code"], "name": chain["name"],
                     "industry": chain["industry"],
                     "industry_name": city.industry_name(chain["industry"]),
                     "tier": city.industries.get(chain["industry"], {}).get("chain"),
                     "maps": [{"code": m["code"], "name": m["name"]} for m in maps],
                     "projects": len(on_chain), "landed_projects": len(landed),
                     "landed_amount": sum((p.amount for p in landed), Decimal(0))})
    return rows


def map_detail(city: Any, session: Any, code: str) -> dict[str, Any]:
    """One map: its links with enterprises present (configured and landed), targets, gaps,
    and the projects on each link."""
    config = settings(city)
    chosen = next((m for m in config["maps"] if m["code"] == code), None)
    if chosen is None:
        raise not_found("招商地图", code)
    chain = next(c for c in config["chains"] if c["code"] == chosen["chain"])
    projects = _projects_by_map(session)
    links = []
    for link in sorted(chosen["links"], key=lambda item: list(LINK_POSITIONS).index(
            item["position"])):
        on_link = projects.get((code, link["position"]), [])
        landed = [p for p in on_link if p.stage in LANDED]
        present = list(link["present"]) + [p.enterprise.name for p in landed
                                           if p.enterprise.name not in link["present"]]
        links.append({
            "position": link["position"], "position_label": LINK_POSITIONS[link["position"]],
            "name": link["name"], "present": present, "targets": list(link["targets"]),
            "gaps": list(link["gaps"]), "gap_being_filled": bool(landed) and bool(link["gaps"]),
            "projects": [{"id": p.id, "name": p.name, "enterprise": p.enterprise.name,
                          "amount": p.amount, "stage": p.stage,
                          "stage_label": STAGE_LABELS[Stage(p.stage)]} for p in on_link],
        })
    return {"code": chosen["code"], "name": chosen["name"], "chain": chain["code"],
            "chain_name": chain["name"], "industry": chain["industry"],
            "industry_name": city.industry_name(chain["industry"]), "links": links}


def map_rows(city: Any) -> list[dict[str, Any]]:
    """The 21 maps, each with its chain and the number of targets and gaps."""
    chains = {c["code"]: c for c in settings(city)["chains"]}
    return [{"code": m["code"], "name": m["name"], "chain": m["chain"],
             "chain_name": chains[m["chain"]]["name"],
             "targets": sum(len(link["targets"]) for link in m["links"]),
             "gaps": sum(len(link["gaps"]) for link in m["links"])}
            for m in settings(city)["maps"]]
