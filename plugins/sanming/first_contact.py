"""首招负责制 first-contact responsibility (Seed 三(四)19, POLICIES.md § sanming 7).

The unit that first reports an investor owns it: its lead is *credited*. A later report about
the same investor — by another unit, or by the same one again — is *linked* to the credited
lead and earns nothing; the core's duplicate detection (credit code or normalised name) finds
the earlier report. Lead points go to the owner, and a project with the investor must name the
owner as its finding unit (招商方); landing elsewhere is a transfer (流转), which splits the
figures 3:7. A credited lead that the office rejected owns nothing any more: the next report
becomes the owner.

The ownership is kept on the lead as ``attributes.first_contact`` =
``{"owner_unit", "credited", "linked_to"}``, set by the plugin (never by the reporter).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import FieldProblem, Lead, find_enterprise, record_event

REJECTED = "rejected"


def ownership(lead: Lead) -> dict[str, Any]:
    return (lead.attributes or {}).get("first_contact") or {}


def is_credited(lead: Lead) -> bool:
    return bool(ownership(lead).get("credited"))


def owner_lead(session: Any, enterprise_id: int, before_id: int | None = None) -> Lead | None:
    """The credited, not rejected lead about this investor (the owner's report), if any."""
    query = sa.select(Lead).where(Lead.enterprise_id == enterprise_id).order_by(Lead.id)
    if before_id is not None:
        query = query.where(Lead.id < before_id)
    owners = [lead for lead in session.scalars(query)
              if is_credited(lead) and lead.status != REJECTED]
    return owners[0] if owners else None


def claim_or_link(city: Any, lead: Lead, session: Any) -> None:
    """``after_lead_reported``: credit a first report, link a later one to the owner's."""
    owner = owner_lead(session, lead.enterprise_id, before_id=lead.id) \
        if lead.duplicate_of_id is not None else None
    if owner is None:
        record = {"owner_unit": lead.reporting_unit.code, "credited": True, "linked_to": None}
    else:
        record = {"owner_unit": owner.reporting_unit.code, "credited": False,
                  "linked_to": owner.id}
    lead.attributes = {**(lead.attributes or {}), "first_contact": record}
    session.flush()
    fact = "first_contact_claimed" if owner is None else "first_contact_linked"
    record_event(session, city, "sanming_lead", lead.id, fact,
                 {"lead_id": lead.id, "enterprise_id": lead.enterprise_id,
                  "reporting_unit": lead.reporting_unit.code, **record})


def reporter_may_not_claim(data: dict[str, Any]) -> list[FieldProblem]:
    """``validate_lead``: ownership is decided by the order of reports, not by the reporter."""
    if "first_contact" in (data.get("attributes") or {}):
        return [FieldProblem("attributes.first_contact", "first_contact.reserved",
                             "首招归属由系统按报送先后认定，不能填报")]
    return []


def finding_unit_problems(session: Any, data: dict[str, Any]) -> list[FieldProblem]:
    """``validate_project`` on creation: the owner of the investor is the finding unit."""
    enterprise = data.get("enterprise") or {}
    if not enterprise.get("name"):
        return []
    found = find_enterprise(session, enterprise.get("credit_code"), enterprise["name"])
    owner = owner_lead(session, found.id) if found is not None else None
    if owner is None or owner.reporting_unit.code == data.get("finding_unit"):
        return []
    unit = owner.reporting_unit
    return [FieldProblem(
        "finding_unit", "first_contact.not_owner",
        f"该投资方已由{unit.name}于{owner.reported_on.isoformat()}首报（线索 {owner.id}），"
        f"按首招负责制招商单位应为{unit.name}（{unit.code}）；如在其他地方落户，请办理项目流转")]
