"""Which units a record belongs to: what a unit-scoped rule (``OWN_UNIT``) checks a clerk against.

Each resolver reads the request (path arguments, body) and answers the unit codes, or ``None``
when the record does not exist (the view then answers 404).
"""

from __future__ import annotations

from core.models import Project
from core.models.matters import Matter, WorkOrder
from core.permissions import AccessRequest


def _project(request: AccessRequest) -> Project | None:
    project_id = request.view_args.get("project_id") or request.body.get("project_id")
    if not isinstance(project_id, int) or isinstance(project_id, bool):
        return None
    return request.session.get(Project, project_id)


def project_units(request: AccessRequest) -> list[str] | None:
    """项目的招商单位和落户单位"""
    project = _project(request)
    if project is None:
        return None
    return [project.finding_unit.code, project.host_unit.code]


def matter_owner(request: AccessRequest) -> list[str] | None:
    """协调事项的首问负责单位"""
    matter = request.session.get(Matter, request.view_args.get("matter_id"))
    return None if matter is None else [matter.owner_unit_code]


def work_order_unit(request: AccessRequest) -> list[str] | None:
    """派单的承办单位"""
    order = request.session.get(WorkOrder, request.view_args.get("order_id"))
    return None if order is None else [order.unit_code]
