"""重点目标企业信息库 the target enterprise library (Seed 三(二)3, POLICIES.md § lanzhou 5).

The office keeps the enterprises Lanzhou goes after — 三个500强、行业100强、央企、上市公司 —
from the key regions 长三角、珠三角、环渤海, each with its background and a point-to-point
approach plan (点对点精准对接) owned by a unit. Category and region must be configured ones.

A target is linked to the leads and projects that approach it, and its approach status is
derived from them (:func:`approaches`), never set by hand: 未接触 (none), 已接触 (a lead that
was not rejected or found a duplicate, or a project), 已签约 (a project signed), 已落地 (a
project started). A lead or project names its target in ``attributes.target_enterprise_id``
(a project converted from a lead keeps the lead's); one that names none approaches the target
whose enterprise it is — the same credit code, or, for a target recorded without one, the same
name as the core matches names — when exactly one target matches. Matching is worked out on
every read, so a target added to the library later still finds the leads that came first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    Enterprise,
    FieldProblem,
    Lead,
    Project,
    invalid_input,
    normalise_enterprise_name,
    record_event,
    unit_by_code,
)
from plugins.lanzhou.models import Target
from plugins.lanzhou.settings import settings


def target_event_data(row: Target) -> dict[str, Any]:
    return {"target_id": row.id, "name": row.name, "category": row.category,
            "region": row.region, "industry": row.industry,
            "responsible_unit": row.responsible_unit_code, "status": row.status}


def add_target(session: Any, city: Any, data: dict[str, Any], actor: Any) -> Target:
    config = settings(city)["targets"]
    problems = [FieldProblem(key, f"target.{key}_unknown",
                             f"{label}“{data[key]}”不在本市配置中，可选：{'、'.join(config[options])}")
                for key, label, options in (("category", "企业类别", "categories"),
                                            ("region", "重点区域", "regions"))
                if data[key] not in config[options]]
    if data.get("industry") and data["industry"] not in city.industries:
        problems.append(FieldProblem("industry", "industry.unknown",
                                     f"产业 {data['industry']} 不在本市产业目录中"))
    if problems:
        raise invalid_input(problems)
    unit = unit_by_code(session, data["responsible_unit"], "responsible_unit")
    row = Target(name=data["name"], category=data["category"], region=data["region"],
                 credit_code=data.get("credit_code"),
                 industry=data.get("industry"), background=data.get("background"),
                 approach_plan=data["approach_plan"], responsible_unit=unit, status="tracking",
                 recorded_by=actor.user)
    session.add(row)
    session.flush()
    record_event(session, city, "lanzhou_target", row.id, "added", target_event_data(row))
    return row


def targets(session: Any, category: str | None = None, region: str | None = None,
            approach_status: str | None = None) -> list[Target]:
    """The library, each target with its ``approach`` (:class:`Approach`)."""
    query = sa.select(Target).order_by(Target.id)
    if category:
        query = query.where(Target.category == category)
    if region:
        query = query.where(Target.region == region)
    rows = list(session.scalars(query))
    with_approach(session, rows)
    return [row for row in rows if approach_status in (None, row.approach.status)]


TARGET_KEY = "target_enterprise_id"  # the attribute a lead or project names its target in
MATCHED_BY = {"named": "指定", "credit_code": "统一社会信用代码", "name": "企业名称"}


@dataclass
class Approach:
    """A target's leads and projects (each ``(row, matched_by)``) and the status they give."""

    leads: list[tuple[Any, str]] = field(default_factory=list)
    projects: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        projects = [project for project, _ in self.projects]
        if any(project.started_on is not None for project in projects):
            return "landed"
        if any(project.signed_on is not None for project in projects):
            return "signed"
        return "approached" if projects or self.leads else "not_approached"


def _enterprise_targets(session: Any, rows: list[Target]) -> dict[int, tuple[int, str]]:
    """``{enterprise_id: (target_id, matched_by)}`` for the enterprises exactly one target
    matches: by credit code, or by name for a target recorded without a credit code."""
    by_code = {row.credit_code: row.id for row in rows if row.credit_code}
    by_name: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if not row.credit_code:
            by_name[normalise_enterprise_name(row.name)].append(row.id)
    found: dict[int, tuple[int, str]] = {}
    if not by_code and not by_name:
        return found
    enterprises = session.execute(sa.select(
        Enterprise.id, Enterprise.credit_code, Enterprise.normalized_name).where(sa.or_(
            Enterprise.credit_code.in_(list(by_code)),
            Enterprise.normalized_name.in_(list(by_name))))).all()
    for enterprise_id, credit_code, name in enterprises:
        if credit_code in by_code:
            found[enterprise_id] = (by_code[credit_code], "credit_code")
        elif len(by_name.get(name, ())) == 1 and not (credit_code and credit_code in by_code):
            found[enterprise_id] = (by_name[name][0], "name")
    return found


def _linked(session: Any, model: Any, rows: list[Target],
            matches: dict[int, tuple[int, str]]) -> list[tuple[Any, int, str]]:
    """``(record, target_id, matched_by)`` of the leads or projects approaching ``rows``."""
    ids = {row.id for row in rows}
    named = model.attributes[TARGET_KEY].as_integer()
    found = []
    for record in session.scalars(sa.select(model).where(sa.or_(
            named.in_(ids), model.enterprise_id.in_(list(matches)))).order_by(model.id)):
        target_id = (record.attributes or {}).get(TARGET_KEY)
        if target_id is not None:
            if target_id in ids:
                found.append((record, target_id, "named"))
        elif record.enterprise_id in matches:
            found.append((record, *matches[record.enterprise_id]))
    return found


def with_approach(session: Any, rows: list[Target]) -> list[Target]:
    """Set each target's ``approach`` from its leads and projects (a fixed number of queries,
    whatever the library's size). Rejected and duplicate leads are no approach."""
    approach = {row.id: Approach() for row in rows}
    if rows:
        matches = _enterprise_targets(session, rows)
        for lead, target_id, how in _linked(session, Lead, rows, matches):
            if lead.status != "rejected" and lead.duplicate_of_id is None:
                approach[target_id].leads.append((lead, how))
        for project, target_id, how in _linked(session, Project, rows, matches):
            approach[target_id].projects.append((project, how))
    for row in rows:
        row.approach = approach[row.id]
    return rows


def target_of(session: Any, record: Any) -> Target | None:
    """The target a lead or project approaches (named, or its enterprise's), if any."""
    named = (record.attributes or {}).get(TARGET_KEY)
    if named is not None:
        return session.get(Target, named)
    matches = _enterprise_targets(session, list(session.scalars(sa.select(Target))))
    match = matches.get(record.enterprise_id)
    return session.get(Target, match[0]) if match else None


def approach_page(session: Any, target: Target | None) -> dict[str, Any]:
    """A target's page: the target (a list of one, or none) and its leads and projects."""
    if target is None:
        return {"targets": [], "leads": [], "projects": []}
    with_approach(session, [target])
    return {"targets": [target],
            "leads": [_row(lead, how) for lead, how in target.approach.leads],
            "projects": [_row(project, how) for project, how in target.approach.projects]}


def _row(record: Any, how: str) -> Any:
    record.matched_by = MATCHED_BY[how]
    return record


def carried_target(lead_attributes: dict[str, Any]) -> dict[str, Any]:
    """The target a lead names stays with the project it becomes."""
    named = lead_attributes.get(TARGET_KEY)
    return {TARGET_KEY: named} if named is not None else {}


def target_problems(session: Any, attributes: dict[str, Any]) -> list[FieldProblem]:
    """A lead or project naming a target must name one of the library."""
    named = attributes.get(TARGET_KEY)
    if named is None or not isinstance(named, int) or session.get(Target, named) is not None:
        return []
    return [FieldProblem(f"attributes.{TARGET_KEY}", "target.unknown",
                         f"目标企业 #{named} 不在重点目标企业信息库中")]


def change_status(session: Any, city: Any, row: Target, status: str, actor: Any) -> Target:
    """跟踪中 → 已对接 → 已落地 (or back): where the point-to-point approach stands."""
    row.status = status
    session.flush()
    record_event(session, city, "lanzhou_target", row.id, "status_changed",
                 target_event_data(row))
    return row
