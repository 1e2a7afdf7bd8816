"""Leads: report, judge and assign the first-talk unit, convert to a project, reject."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import deferred_rows
from core.clock import utcnow
from core.direct_inserts import insert_persistent
from core.events import record_event
from core.identity import Actor
from core.introducers import check_intermediary
from core.models import Lead
from core.models.leads import LeadStatus
from core.policy import FieldProblem, Refusal
from core.problems import invalid_input, refused
from core.services import projects as project_service
from core.services.enterprises import enterprise_for, matching_enterprises
from core.services.lookups import unit_by_code
from core.services.office import ensure_unit
from core.services.warnings import refresh as refresh_warnings
from core.time_order import business_date_problems

if TYPE_CHECKING:
    from core.city import City
    from core.workdays import WorkdayCalendar




def check_industry(city: City, industry: str | None, field: str = "industry") -> None:
    if industry is not None and industry not in city.industries:
        raise invalid_input([FieldProblem(field, "industry.unknown",
                                          f"产业 {industry} 不在本市产业目录中")])


def lead_event_data(lead: Lead) -> dict[str, Any]:
    enterprise = lead.enterprise
    return {
        "lead_id": lead.id,
        "title": lead.title,
        "status": lead.status,
        "industry": lead.industry,
        "intended_amount": lead.intended_amount,
        "channel": lead.channel,
        "contact_name": lead.contact_name,
        "contact_phone": lead.contact_phone,
        "reported_on": lead.reported_on,
        "reporting_unit": lead.reporting_unit.code,
        "first_talk_due": lead.first_talk_due,
        "first_talk_unit": lead.first_talk_unit.code if lead.first_talk_unit else None,
        "enterprise": {
            "name": enterprise.name,
            "normalized_name": enterprise.normalized_name,
            "credit_code": enterprise.credit_code,
            "origin_province": enterprise.origin_province,
        },
        "duplicate_of_id": lead.duplicate_of_id,
        "project_id": lead.project_id,
    }


def duplicates_of(session: Session, credit_code: str | None,
                  enterprise_name: str | None) -> dict[str, Any]:
    """Leads and projects already held about the enterprise a clerk is typing (查重).

    Matched by the same credit code or the same normalised name (``core.names``); each row
    says which, with its unit and where it stands, oldest first.
    """
    from core.models import Project

    matches = matching_enterprises(session, credit_code, enterprise_name)
    matched_by = {enterprise.id: reason for enterprise, reason in matches}
    if not matched_by:
        return {"leads": [], "projects": []}
    leads = session.scalars(sa.select(Lead).where(Lead.enterprise_id.in_(matched_by))
                            .order_by(Lead.reported_on, Lead.id)).all()
    projects = session.scalars(sa.select(Project).where(Project.enterprise_id.in_(matched_by))
                               .order_by(Project.id)).unique().all()
    for row in (*leads, *projects):
        row.matched_by = matched_by[row.enterprise_id]  # read by the schema
    return {"leads": leads, "projects": projects}


def first_talk_working_days_left(lead: Lead, calendar: WorkdayCalendar,
                                 today: dt.date) -> int | None:
    """Working days left to name the first-talk location, on the official calendar.

    0 on the due day; negative once it has passed — at least -1 from the day after the
    deadline, even over a weekend, so a negative number always means overdue. None when
    the lead has no deadline or is no longer waiting for its judgement.
    """
    if lead.first_talk_due is None or lead.status != LeadStatus.REPORTED:
        return None
    if today <= lead.first_talk_due:
        return calendar.workdays_between(today, lead.first_talk_due)
    return min(-1, -calendar.workdays_between(lead.first_talk_due, today))


def earlier_lead_for(session: Session, enterprise_id: int) -> int | None:
    """The id of the first lead already reported about this investor (credit code or name
    match): only its id is linked, so no lead is loaded (nor its units joined)."""
    # What the investor's match filled in (a province, tags) changes no lead: not flushed
    # for this read, it goes out with the report's next flush.
    with session.no_autoflush:
        return session.scalar(sa.select(Lead.id).where(Lead.enterprise_id == enterprise_id)
                              .order_by(Lead.id).limit(1))


def report_lead(session: Session, city: City, data: dict[str, Any], actor: Actor) -> Lead:
    unit = unit_by_code(session, data["reporting_unit"], "reporting_unit")
    ensure_unit(session, actor, [unit.code])
    check_industry(city, data.get("industry"))
    introducer = check_intermediary(session, data.get("intermediary_id"))
    if introducer:
        raise invalid_input(introducer)
    dated = business_date_problems(city, "reported_on", data["reported_on"], actor, "报送日期")
    if dated:
        raise invalid_input(dated, status=422)
    problems = city.call("validate_lead", data=data, session=session)
    if problems:
        raise invalid_input(problems, status=422)
    enterprise, new = enterprise_for(session, data["enterprise"], city, actor)
    # An investor inserted just now by this transaction has no lead yet: none is looked for.
    earlier = earlier_lead_for(session, enterprise.id) if enterprise.id and not new else None
    lead = Lead(
        title=data["title"],
        enterprise=enterprise,
        industry=data.get("industry"),
        intended_amount=data.get("intended_amount"),
        reporting_unit=unit,
        intermediary_id=data.get("intermediary_id"),
        channel=data["channel"],
        reported_on=data["reported_on"],
        reported_by=actor.user,
        description=data.get("description"),
        contact_name=data.get("contact_name"),
        contact_phone=data.get("contact_phone"),
        attributes=data.get("attributes") or {},
        duplicate_of_id=earlier,
        status=LeadStatus.REPORTED,
    )
    # Routed and given its deadline before its row is written (the hooks read the lead's
    # fields, never its id): one INSERT at version 1, not an INSERT and an UPDATE.
    with session.no_autoflush:
        lead.routed_to_unit = city.hook.route_lead(city=city, lead=lead, session=session)
        due = city.hook.lead_first_talk_deadline(city=city, lead=lead)
    lead.first_talk_due = due
    lead.first_talk_due_estimated = bool(due and city.calendar.is_estimated(due))
    # Inserted by its own INSERT, not a flush: the ORM's unit of work for one new row was a
    # fifth of the request (core.direct_inserts). A changed known investor goes out with the
    # flush below.
    insert_persistent(session, lead)
    # The events (the lead's, and any warning's) are added together at the end and go out in
    # the commit's flush: one INSERT, and no flush of the first before the warnings' reads.
    with deferred_rows.held_to_the_end(session):
        city.call("after_lead_reported", lead=lead, session=session)
        session.flush()
        record_event(session, city, "lead", lead.id, "reported", lead_event_data(lead))
        # A lead reported just now has no warning yet: none is read before its first is raised.
        refresh_warnings(session, city, "lead", lead.id, new=True)
    return lead


def _require_status(lead: Lead, allowed: set[str], action: str) -> None:
    if lead.status not in allowed:
        raise refused([Refusal("lead.status", f"线索当前状态为“{lead.status}”，不能{action}")],
                      f"线索不能{action}")


def assign_lead(
    session: Session, city: City, lead: Lead, data: dict[str, Any], actor: Actor
) -> Lead:
    """Name the first-talk location (首谈地) after judging the lead."""
    _require_status(lead, {LeadStatus.REPORTED, LeadStatus.ASSIGNED}, "明确首谈地")
    before = judged_state(lead)
    unit = unit_by_code(session, data["first_talk_unit"], "first_talk_unit")
    record_judgement(city, lead)
    lead.first_talk_unit = unit
    if lead.assigned_on is None:
        lead.assigned_on = lead.judged_on
    lead.status = LeadStatus.ASSIGNED
    session.flush()
    payload = lead_event_data(lead) | {"assigned_on": lead.assigned_on,
                                       "overdue": is_judgement_overdue(lead, lead.judged_on)}
    record_event(session, city, "lead", lead.id, "assigned", payload)
    refresh_warnings(session, city, "lead", lead.id)
    after_lead_changed(session, city, lead, before, actor)
    return lead


def judged_state(lead: Lead) -> dict[str, Any]:
    """What judging or converting a lead changes, as ``after_lead_changed`` reports it."""
    return {"status": str(lead.status), "first_talk_unit": lead.first_talk_unit_code,
            "assigned_on": lead.assigned_on, "project_id": lead.project_id,
            "rejected_reason": lead.rejected_reason}


def after_lead_changed(session: Session, city: City, lead: Lead, before: dict[str, Any],
                       actor: Actor) -> None:
    """Tell the plugins what changed since ``before`` (``judged_state``), if anything did."""
    after = judged_state(lead)
    changes = {field: (old, after[field]) for field, old in before.items() if old != after[field]}
    if changes:
        city.call("after_lead_changed", lead=lead, changes=changes, actor=actor.user,
                  session=session)


def record_judgement(city: City, lead: Lead) -> None:
    """The server records when the lead was judged (assigned or rejected): the instant and the
    city's business date, never before the report. The first judgement stands: naming another
    first-talk unit later does not move it (nor hide that it came late)."""
    if lead.judged_at is not None:
        return
    now = utcnow()
    today = city.clock.day_of(now)
    if today < lead.reported_on:
        raise refused([Refusal("lead.judged_before_report",
                               f"线索报送日期为 {lead.reported_on}，今天（{today}）尚不能研判")],
                      "线索不能研判")
    lead.judged_at, lead.judged_on = now, today


def is_judgement_overdue(lead: Lead, today: dt.date) -> bool:
    """Whether the first-talk judgement came (or is still missing) after its due date.

    A judgement is an assignment or a rejection: rejecting a lead late is as late as assigning
    it late, so a late rejection cannot hide an overdue judgement.
    """
    if lead.first_talk_due is None:
        return False
    judged = lead.judged_on or lead.assigned_on or (
        today if lead.status == LeadStatus.REPORTED else None)
    return judged is not None and judged > lead.first_talk_due


def convert_lead(
    session: Session, city: City, lead: Lead, data: dict[str, Any], actor: Actor
) -> Any:
    """Turn an assigned lead into a project found by its first-talk unit."""
    _require_status(lead, {LeadStatus.ASSIGNED}, "转为项目")
    before = judged_state(lead)
    enterprise = lead.enterprise
    project_data = {
        "name": data.get("name") or lead.title,
        "enterprise": {"name": enterprise.name, "credit_code": enterprise.credit_code},
        "industry": data.get("industry") or lead.industry,
        "amount": data["amount"],
        "finding_unit": lead.first_talk_unit.code,
        "host_unit": data.get("host_unit"),
        "intermediary_id": lead.intermediary_id,
        "channel": lead.channel,
        "attributes": data.get("attributes") or {},
    }
    project_data = carried_over(city, lead, project_data, data)
    project = project_service.create_project(session, city, project_data, actor, lead=lead)
    lead.project_id = project.id
    lead.status = LeadStatus.CONVERTED
    session.flush()
    record_event(session, city, "lead", lead.id, "converted", lead_event_data(lead))
    refresh_warnings(session, city, "lead", lead.id)
    after_lead_changed(session, city, lead, before, actor)
    return project


def carried_over(city: City, lead: Lead, project_data: dict[str, Any],
                 given: dict[str, Any]) -> dict[str, Any]:
    """``project_data`` with what the city's plugins carry over from the lead
    (``project_from_lead``): fields the officer gave win, then the plugin called first."""
    merged = dict(project_data)
    attributes = dict(merged.get("attributes") or {})
    for carried in city.call("project_from_lead", lead=lead):
        for key, value in carried.items():
            if key == "attributes":
                for name, item in value.items():
                    if name not in (given.get("attributes") or {}):
                        attributes.setdefault(name, item)
            elif given.get(key) is None and merged.get(key) is None:
                merged[key] = value
    merged["attributes"] = attributes
    return merged


def reject_lead(
    session: Session, city: City, lead: Lead, data: dict[str, Any], actor: Actor
) -> Lead:
    _require_status(lead, {LeadStatus.REPORTED, LeadStatus.ASSIGNED}, "退回")
    before = judged_state(lead)
    record_judgement(city, lead)
    lead.status = LeadStatus.REJECTED
    lead.rejected_reason = data["reason"]
    session.flush()
    record_event(session, city, "lead", lead.id, "rejected",
                 lead_event_data(lead) | {"reason": data["reason"], "judged_on": lead.judged_on,
                                          "overdue": is_judgement_overdue(lead, lead.judged_on)})
    refresh_warnings(session, city, "lead", lead.id)
    after_lead_changed(session, city, lead, before, actor)
    return lead

