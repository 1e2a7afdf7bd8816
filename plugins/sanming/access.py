"""Who may do what in Sanming's own operations (``docs/cities/sanming.md`` § who may do what).

The rules are the core's vocabulary (``core.toolkit``: ``READER``, ``OWN_UNIT``, ``OFFICE`` …)
bound to the unit a Sanming record belongs to, plus one rule of Sanming's own: a year-end tax
settlement is confirmed by the clerks of its two sides, each for its own side
(:data:`SETTLEMENT_SIDES`). The city service enforces each rule before the view runs.

Fields only the office sets — the key-project flags on a project's ``attributes`` — are declared
on :class:`plugins.sanming.attributes.ProjectAttributes` and refused by the core's
``refuse_office_only`` from the ``validate_project`` hook.
"""

from __future__ import annotations

from core.toolkit import (
    OWN_UNIT,
    AccessRequest,
    Permission,
    body_units,
    path_record,
    project_host_unit,
)
from plugins.sanming.legal_review import item_unit
from plugins.sanming.models import ParkResource, TaxSettlement


def resource_park(request: AccessRequest) -> list[str]:
    """要素资源所属园区"""
    return [path_record(request, ParkResource, "resource_id", "要素资源").park_code]


def settlement_sides(request: AccessRequest) -> list[str]:
    """税收分成的招商方和落户方"""
    settlement = path_record(request, TaxSettlement, "settlement_id", "税收分成")
    return [settlement.from_unit_code, settlement.to_unit_code]


# A park's clerk keeps its own inventory (Seed 三(二)7); the office keeps any.
PARK_BODY = OWN_UNIT.of(body_units("park"), "请求中的 park（园区）")
PARK_OF_RESOURCE = OWN_UNIT.of(resource_park)
# The landing side states the year's local tax (Seed 三(二)11: 落户方据实申报).
LANDING_SIDE = OWN_UNIT.of(project_host_unit)
# A working group's clerk records its own group's meetings; joint meetings are the office's.
GROUP_BODY = OWN_UNIT.of(body_units("group"), "请求中的 group（工作组；联席会议只由市招商部门登记）")

# Both sides confirm a settlement, each its own side: their clerks, not the office for them.
SETTLEMENT_SIDES = Permission(
    "sanming_settlement_sides", "税收分成的招商方、落户方经办人（各自确认本方）",
    frozenset({"clerk"}), unit_scoped=True,
).of(settlement_sides)


def legal_review_unit(request: AccessRequest) -> list[str] | None:
    """法规账该审查事项的审查部门（two_accounts.legal_items）"""
    # An item the city does not review has no department: only the office may go on (to the
    # view's 404); a clerk is refused before learning which items exist.
    return item_unit(request.city, str(request.view_args.get("item", ""))) or []


# Seed 三(五)29: each item of the 法规账 is reviewed by its department — the clerks of the
# item's reviewing unit record it — or by the office (an item with no unit: the office only).
LEGAL_REVIEWER = Permission(
    "sanming_legal_reviewer", "法规账审查事项所属审查部门的经办人或市招商部门",
    OWN_UNIT.roles, unit_scoped=True,
).of(legal_review_unit)
