"""The target-investor library: adding a target and listing the libraries.

Every target belongs to at least one library — a top list (``target_libraries``), a
headquarters type (``headquarters_types``) or 湘商回归 — and, when placed on the
map, to a configured chain and one of its links.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.toolkit import City, FieldProblem, check_intermediary, invalid_input, record_event
from plugins.changsha.models import TARGET_STATUSES, ChangshaTarget
from plugins.changsha.settings import CHAIN_LINKS, settings
from plugins.changsha.wording import listing


def chain_config(city: City, code: str | None) -> dict[str, Any] | None:
    """The configured chain with ``code``."""
    return next((c for c in settings(city)["chains"] if c["code"] == code), None)


def target_problems(session: Session, city: City, data: dict[str, Any]) -> list[FieldProblem]:
    """Everything wrong with a new target, as field problems."""
    config = settings(city)
    problems = []
    if data.get("library") and data["library"] not in config["target_libraries"]:
        problems.append(FieldProblem("library", "changsha.target.library",
                                     f"目标库应为：{listing(config['target_libraries'])}"))
    if data.get("headquarters_type") and data["headquarters_type"] not in config["headquarters_types"]:
        problems.append(FieldProblem("headquarters_type", "changsha.target.headquarters_type",
                                     f"总部类型应为：{listing(config['headquarters_types'])}"))
    if not (data.get("library") or data.get("headquarters_type") or data.get("xiangshang")):
        problems.append(FieldProblem("library", "changsha.target.no_library",
                                     "目标企业须属于至少一个目标库（500强/行业前20强、总部经济或湘商回归）"))
    chain = chain_config(city, data.get("chain"))
    if data.get("chain") and chain is None:
        names = [c["code"] for c in config["chains"]]
        problems.append(FieldProblem("chain", "changsha.target.chain",
                                     f"产业链 {data['chain']} 未配置，可选：{listing(names)}"))
    if data.get("link") and not data.get("chain"):
        problems.append(FieldProblem("chain", "changsha.target.link_without_chain",
                                     f"“{CHAIN_LINKS[data['link']]}”须指明产业链"))
    if data.get("industry") and data["industry"] not in city.industries:
        problems.append(FieldProblem("industry", "industry.unknown",
                                     f"产业 {data['industry']} 不在本市产业目录中"))
    if data.get("intermediary_id"):
        problems += check_intermediary(session, data["intermediary_id"])  # 引荐人名录, active
    return problems


def add_target(session: Session, city: City, data: dict[str, Any], user: str) -> ChangshaTarget:
    """Put an enterprise on the target list; bad input writes nothing."""
    problems = target_problems(session, city, data)
    if problems:
        raise invalid_input(problems, status=422)
    target = ChangshaTarget(**data, created_by=user)
    session.add(target)
    session.flush()
    record_event(session, city, "changsha_target", target.id, "added", target_data(target))
    return target


def target_data(target: ChangshaTarget) -> dict[str, Any]:
    """A target as events and the map show it."""
    return {"id": target.id, "name": target.name, "library": target.library,
            "headquarters_type": target.headquarters_type, "xiangshang": target.xiangshang,
            "chain": target.chain, "link": target.link, "segment": target.segment,
            "industry": target.industry, "status": target.status,
            "status_label": TARGET_STATUSES.get(target.status)}


def filtered_targets(params: dict[str, Any]) -> sa.Select:
    """The target query for the list's filters."""
    query = sa.select(ChangshaTarget)
    for key in ("library", "headquarters_type", "chain", "link", "status", "xiangshang"):
        if params.get(key) is not None:
            query = query.where(getattr(ChangshaTarget, key) == params[key])
    return query


def library_counts(session: Session, city: City) -> list[dict[str, Any]]:
    """How many targets each library holds: top lists, headquarters types, 湘商回归."""
    config = settings(city)
    rows = []
    for library in config["target_libraries"]:
        rows.append({"library": library, "kind": "top", "count": session.scalar(
            sa.select(sa.func.count()).where(ChangshaTarget.library == library))})
    for hq in config["headquarters_types"]:
        rows.append({"library": hq, "kind": "headquarters", "count": session.scalar(
            sa.select(sa.func.count()).where(ChangshaTarget.headquarters_type == hq))})
    rows.append({"library": "湘商回归", "kind": "xiangshang", "count": session.scalar(
        sa.select(sa.func.count()).where(ChangshaTarget.xiangshang.is_(True)))})
    return rows
