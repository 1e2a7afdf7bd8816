"""Who may do what in Pingliang's own operations (``docs/cities/pingliang.md`` § who may do what).

The core's vocabulary (``core.toolkit``) bound to the unit each Pingliang record belongs to;
the city service enforces each rule before the view runs:

- a county or department keeps its own opportunities and target enterprises, shares
  information in its own name and records the follow-up of the leads it reported;
- the host county schedules its maturing projects (趋熟项目调度);
- 帮办代办: the project's own units (finding and host) raise a service request; only the
  assigned service unit's clerks record its steps;
- the key list, the customised policy supports, targets and plus/minus points are the office's.
"""

from __future__ import annotations

from core.toolkit import (
    OFFICE,
    OWN_UNIT,
    READER,
    AccessRequest,
    Lead,
    Permission,
    body_units,
    path_record,
    project_host_unit,
    project_units,
)
from plugins.pingliang.lists import ListSpec
from plugins.pingliang.models import ServiceRequest


def lead_reporting_unit(request: AccessRequest) -> list[str] | None:
    """请求中 lead_id 所指线索的报送单位"""
    lead_id = request.body.get("lead_id")
    if not isinstance(lead_id, int) or isinstance(lead_id, bool):
        return None  # no lead to speak of: the view answers 400
    lead = request.session.get(Lead, lead_id)
    return None if lead is None else [lead.reporting_unit_code]


lead_reporting_unit.record_fields = ("lead_id",)  # type: ignore[attr-defined]


def _row_unit(spec: ListSpec):
    def resolve(request: AccessRequest) -> list[str]:
        return [spec.owner_unit(path_record(request, spec.model, "item_id", spec.name))]

    resolve.__doc__ = f"{spec.name}条目所属单位"
    return resolve


def list_rules(spec: ListSpec) -> dict[str, Permission]:
    """Who may list, add, read, change and remove the rows of one of the four lists."""
    if spec.office_only:
        add = change = OFFICE
    else:
        add = OWN_UNIT.of(body_units("unit"))
        change = OWN_UNIT.of(_row_unit(spec))
    return {"list": READER, "add": add, "get": READER, "change": change, "remove": change}


# The host county's clerk (or the office) schedules a maturing project.
SCHEDULING = OWN_UNIT.of(project_host_unit)
# A unit shares information in its own name; the unit that reported the lead records it.
SHARING = OWN_UNIT.of(body_units("unit"))
FOLLOW_UP = OWN_UNIT.of(lead_reporting_unit)


def service_unit(request: AccessRequest) -> list[str]:
    """帮办代办事项的承办单位"""
    return [path_record(request, ServiceRequest, "request_id", "帮办代办事项").unit.code]


# 帮办代办: the project's units (its 包抓 team acts through them) or the office raise a request;
# the assigned service unit's clerks (or the office) accept, advance and close it.
SERVICE_RAISE = OWN_UNIT.of(project_units)
SERVICE_STEP = OWN_UNIT.of(service_unit)
