"""Adding an enterprise to the core's target list of the investment map (招商目标企业)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.city import City
from core.events import record_event
from core.identity import Actor
from core.models import ChainTarget
from core.policy import FieldProblem
from core.problems import invalid_input
from core.services.office import ensure_office


def chain_problems(city: City, chain: str | None, link: str | None) -> list[FieldProblem]:
    """A chain and link the city does not configure, as field problems."""
    if chain not in city.chains:
        known = "、".join(city.chains) or "（本市未配置产业链）"
        return [FieldProblem("chain", "chain.unknown", f"产业链 {chain} 未配置，可选：{known}")]
    links = [item["code"] for item in city.chains[chain]["links"]]
    if link is not None and link not in links:
        return [FieldProblem("link", "chain.link_unknown",
                             f"产业链 {chain} 没有环节 {link}，可选：{'、'.join(links)}")]
    return []


def target_event_data(target: ChainTarget) -> dict[str, Any]:
    return {"target_id": target.id, "chain": target.chain, "link": target.link,
            "name": target.name, "credit_code": target.credit_code, "tags": list(target.tags),
            "status": target.status, "note": target.note, "actor": target.created_by}


def add_target(session: Session, city: City, data: dict[str, Any], actor: Actor) -> ChainTarget:
    """Put an enterprise on the list for a chain (and link); the office keeps the list."""
    ensure_office(actor, "维护招商目标企业库")
    problems = chain_problems(city, data["chain"], data.get("link"))
    if problems:
        raise invalid_input(problems, status=422)
    target = ChainTarget(chain=data["chain"], link=data.get("link"), name=data["name"],
                         credit_code=data.get("credit_code"), tags=list(data.get("tags") or []),
                         status=data["status"], note=data.get("note"), created_by=actor.user)
    session.add(target)
    session.flush()
    record_event(session, city, "chain_target", target.id, "added", target_event_data(target))
    return target
