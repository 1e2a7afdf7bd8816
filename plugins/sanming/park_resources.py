"""要素资源库 the parks' resource inventory (Seed 三(二)7, POLICIES.md § sanming 5).

Each park lists its idle land, idle buildings, idle assets, bad assets and stalled projects
(闲置土地、闲置厂房、闲置资产、不良资产、烂尾项目) and offers them to investors
(对外招引推介) until a project takes one (盘活). A park's clerk keeps its own inventory; the
office may keep any (the operations' rules, ``access.PARK_BODY`` and ``access.PARK_OF_RESOURCE``,
checked before these functions run).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    FieldProblem,
    Project,
    Refusal,
    Unit,
    invalid_input,
    record_event,
    refused,
    unit_by_code,
)
from plugins.sanming.models import RESOURCE_KINDS, RESOURCE_STATUSES, ParkResource


def resource_event_data(resource: ParkResource) -> dict[str, Any]:
    return {"resource_id": resource.id, "park": resource.park_code, "kind": resource.kind,
            "name": resource.name, "area": resource.area, "area_unit": resource.area_unit,
            "reference_price": resource.reference_price, "status": resource.status,
            "offered_to": resource.offered_to, "offered_on": resource.offered_on,
            "project_id": resource.project_id, "taken_on": resource.taken_on}


def add_resource(session: Any, city: Any, data: dict[str, Any], actor: Any) -> ParkResource:
    """Inventory a resource of a park (a unit of kind ``park``)."""
    park = unit_by_code(session, data["park"], "park")
    if park.kind != "park":
        raise invalid_input([FieldProblem("park", "park.not_a_park",
                                          f"{park.name} 不是园区，要素资源须登记在园区名下")])
    resource = ParkResource(
        park=park, kind=data["kind"], name=data["name"], location=data.get("location"),
        area=data.get("area"), area_unit=data.get("area_unit"),
        reference_price=data.get("reference_price"), description=data.get("description"),
        status="available", recorded_by=actor.user)
    session.add(resource)
    session.flush()
    record_event(session, city, "sanming_park_resource", resource.id, "recorded",
                 resource_event_data(resource))
    return resource


def _ensure_open(resource: ParkResource, action: str) -> None:
    if resource.status == "taken":
        raise refused([Refusal("sanming.resource.taken",
                               f"资源“{resource.name}”已于 {resource.taken_on} 盘活，不能再{action}")])


def offer_resource(session: Any, city: Any, resource: ParkResource, data: dict[str, Any],
                   actor: Any) -> ParkResource:
    """Record that the resource was offered (推介) to an investor."""
    _ensure_open(resource, "推介")
    resource.status = "offered"
    resource.offered_to = data["offered_to"]
    resource.offered_on = data["offered_on"]
    session.flush()
    record_event(session, city, "sanming_park_resource", resource.id, "offered",
                 resource_event_data(resource))
    return resource


def take_resource(session: Any, city: Any, resource: ParkResource, data: dict[str, Any],
                  actor: Any) -> ParkResource:
    """Record that a project took the resource (盘活)."""
    _ensure_open(resource, "盘活")
    project = session.get(Project, data["project_id"])
    if project is None:
        raise invalid_input([FieldProblem("project_id", "project.unknown",
                                          f"项目 {data['project_id']} 不存在")])
    resource.status = "taken"
    resource.project_id = project.id
    resource.taken_on = data["taken_on"]
    resource.offered_to = resource.offered_to or project.enterprise.name
    session.flush()
    record_event(session, city, "sanming_park_resource", resource.id, "taken",
                 resource_event_data(resource) | {"project_name": project.name})
    return resource


def resource_query(params: dict[str, Any]) -> sa.Select:
    """The inventory filtered by ``kind``, ``park`` (code) and ``status``."""
    query = sa.select(ParkResource)
    if params.get("kind"):
        query = query.where(ParkResource.kind == params["kind"])
    if params.get("status"):
        query = query.where(ParkResource.status == params["status"])
    if params.get("park"):
        query = query.join(ParkResource.park).where(Unit.code == params["park"])
    return query


def inventory_summary(session: Any) -> list[dict[str, Any]]:
    """How many resources of each kind each park holds, by status."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for resource in session.scalars(sa.select(ParkResource).order_by(ParkResource.id)):
        key = (resource.park_code, resource.kind)
        row = rows.setdefault(key, {"park": resource.park_code, "park_name": resource.park.name,
                                    "kind": resource.kind, "kind_label": RESOURCE_KINDS[resource.kind],
                                    **{status: 0 for status in RESOURCE_STATUSES}})
        row[resource.status] += 1
    return [rows[key] for key in sorted(rows)]
