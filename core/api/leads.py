"""``/api/v1/leads``: report, list, judge and assign, convert, reject."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from sqlalchemy.orm import joinedload

from core import search
from core.api.record_units import LEAD
from core.api.registry import operation
from core.api.support import (
    city,
    current_actor,
    load_body,
    load_query,
    paginate,
    respond,
    transaction,
)
from core.models import Enterprise, Lead, Unit
from core.models.leads import LeadStatus
from core.permissions import OFFICE, OWN_UNIT, READER, body_units
from core.schemas.leads import (
    DuplicateCheck,
    DuplicateQuery,
    LeadAssign,
    LeadConvert,
    LeadCreate,
    LeadQuery,
    LeadReject,
    LeadSchema,
)
from core.schemas.projects import ProjectSchema
from core.services import leads as lead_service
from core.services.lookups import get_or_404

blueprint = Blueprint("leads", __name__)

# LeadSchema dumps the investor (a joined relationship), the routed and first-talk units and
# the introducer too: joined, never one select per row.
LEAD_LIST_LOADS = (joinedload(Lead.routed_to_unit), joinedload(Lead.first_talk_unit),
                   joinedload(Lead.intermediary))


@operation(blueprint, "/leads", "POST", summary="报送招商线索", body=LeadCreate,
           response=LeadSchema, status=201, errors=(400, 403, 422),
           who=OWN_UNIT.of(body_units("reporting_unit")))
def report_lead():
    """Reports a lead; a lead about an investor already reported is linked as a duplicate."""
    data = load_body(LeadCreate)
    with transaction() as session:
        lead = lead_service.report_lead(session, city(), data, current_actor())
        return respond(LeadSchema, lead, 201)


@operation(blueprint, "/leads", summary="线索列表", query=LeadQuery, response=LeadSchema, many=True,
           who=READER)
def list_leads():
    params = load_query(LeadQuery)
    with transaction() as session:
        query = sa.select(Lead).options(*LEAD_LIST_LOADS)
        if params.get("status"):
            query = query.where(Lead.status == params["status"])
        if params.get("enterprise_id"):
            query = query.where(Lead.enterprise_id == params["enterprise_id"])
        if params.get("channel"):
            query = query.where(Lead.channel == params["channel"])
        if params.get("reporting_unit"):
            query = query.join(Unit, Lead.reporting_unit_id == Unit.id).where(
                Unit.code == params["reporting_unit"])
        if params.get("overdue") is not None:
            overdue = sa.and_(Lead.status == LeadStatus.REPORTED,
                              Lead.first_talk_due < city().clock.today())
            query = query.where(overdue if params["overdue"] else sa.not_(overdue))
        text = params.get("q")
        if text:
            query = query.where(sa.or_(
                Lead.id.in_(search.matching_ids(session, search.LEADS, text)),
                Lead.enterprise_id.in_(search.matching_ids(session, search.ENTERPRISES, text))))
        # Counted without the investor, which only the ranking reads: every lead has one.
        counted = query
        if text and not params.get("sort"):  # a sort asked for wins over the ranking
            query = query.join(Lead.enterprise).order_by(
                search.rank(text, (Lead.title, Enterprise.name), (Enterprise.credit_code,)),
                Lead.reported_on.desc(), Lead.id.desc())
        return paginate(session, query, params,
                        {"reported_on": Lead.reported_on, "first_talk_due": Lead.first_talk_due,
                         "title": Lead.title, "intended_amount": Lead.intended_amount,
                         "status": Lead.status}, LeadSchema, Lead.id,
                        # A search may match every lead and is sorted by its ranking: the
                        # page is cut before the leads' units and introducers are joined to it
                        # (docs/benchmarks.md, search).
                        page_loads=LEAD_LIST_LOADS if text else None, counted=counted)


@operation(blueprint, "/leads/duplicates", summary="线索查重：同一企业已有的线索和项目",
           query=DuplicateQuery, response=DuplicateCheck, who=READER)
def lead_duplicates():
    """Asked while a clerk types the enterprise: the same credit code or normalised name."""
    params = load_query(DuplicateQuery)
    with transaction() as session:
        return respond(DuplicateCheck, lead_service.duplicates_of(
            session, params.get("credit_code"), params.get("enterprise_name")))


@operation(blueprint, "/leads/<int:lead_id>", summary="线索详情", response=LeadSchema,
           errors=(404,), record=LEAD,
           who=READER)
def get_lead(lead_id: int):
    with transaction() as session:
        lead = get_or_404(session, Lead, lead_id)  # held for the ETag (see get_project)
        return respond(LeadSchema, lead)


@operation(blueprint, "/leads/<int:lead_id>/assign", "POST", summary="研判线索并明确首谈地",
           body=LeadAssign, response=LeadSchema, errors=(400, 404, 409), record=LEAD,
           who=OFFICE)
def assign_lead(lead_id: int):
    data = load_body(LeadAssign)
    with transaction() as session:
        lead = get_or_404(session, Lead, lead_id)
        return respond(LeadSchema, lead_service.assign_lead(session, city(), lead, data,
                                                            current_actor()))


@operation(blueprint, "/leads/<int:lead_id>/convert", "POST", summary="线索转为项目",
           body=LeadConvert, response=ProjectSchema, status=201, errors=(400, 404, 409, 422), record=LEAD,
           who=OFFICE)
def convert_lead(lead_id: int):
    data = load_body(LeadConvert)
    with transaction() as session:
        lead = get_or_404(session, Lead, lead_id)
        project = lead_service.convert_lead(session, city(), lead, data, current_actor())
        from core.api.projects import project_body

        return jsonify(project_body(project)), 201


@operation(blueprint, "/leads/<int:lead_id>/reject", "POST", summary="退回线索",
           body=LeadReject, response=LeadSchema, errors=(400, 404, 409), record=LEAD,
           who=OFFICE)
def reject_lead(lead_id: int):
    data = load_body(LeadReject)
    with transaction() as session:
        lead = get_or_404(session, Lead, lead_id)
        return respond(LeadSchema, lead_service.reject_lead(session, city(), lead, data,
                                                            current_actor()))
