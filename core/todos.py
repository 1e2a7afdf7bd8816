"""A person's to-do list (待办), computed from the record each time it is asked for.

Nothing is stored: the list is what the records say is waiting for this person today, so it
can never disagree with them. Who "this person" is comes from the identity the gateway signed
(user, role, unit) plus, for a leader, the name their 包抓 projects carry (:class:`Identity`).

The core's kinds (:data:`KIND_LABELS`):

* ``lead_judgement`` — leads not yet judged (待研判): the office's, or a clerk's own unit's;
* ``first_talk`` — the same leads when their first-talk deadline is within one working day
  (official calendar, the city's today), so one lead is never listed twice;
* ``milestone`` — milestones of my projects due within one working day or overdue;
* ``warning`` — my projects' open red and yellow warnings;
* ``matter_decision`` — matters proposed and waiting for a level my role decides;
* ``objection`` — assessment objections the office has not answered yet, and for a clerk, a
  published result whose objection window is still open;
* ``import_review`` — my ledger dry runs (background jobs, core.ledger_import.jobs) that found
  problems or were never committed, until committed or discarded: rows of the city's database
  (``import_jobs``), so they survive a restart and reach the reminder digest too.

A city adds its own with the collected hook ``todo_items(city, session, identity)``
(Pingliang's service requests of my unit, Sanming's legal-review items of my department).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.identity import Actor
from core.lifecycle import ProjectStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City

KIND_LABELS = {
    "lead_judgement": "线索待研判",
    "first_talk": "首谈即将到期",
    "milestone": "节点到期",
    "warning": "项目预警",
    "matter_decision": "事项待决定",
    "objection": "考核异议",
    "import_review": "导入待处理",
}
# Most pressing first; the order the list and the digest use.
URGENCIES = ("overdue", "due_today", "soon", "normal")
URGENCY_LABELS = {"overdue": "已逾期", "due_today": "今日到期", "soon": "即将到期", "normal": "待办"}
# What turns an item urgent enough for an immediate notice (core.reminders).
URGENT = frozenset({"overdue", "due_today"})
OFFICE_ROLES = frozenset({"officer", "admin", "system"})
# The decision levels each role decides from the to-do list (core.services.matters.DECIDERS
# lets a leader decide an office-level matter too, but it waits for the office first).
LEVELS_DECIDED = {"leader": ("leader",), "officer": ("office", "executive_meeting"),
                  "admin": ("office", "executive_meeting")}


@dataclass(frozen=True)
class Identity:
    """Whom a to-do list is for: the signed identity, and a leader's name on 包抓 projects."""

    user: str
    role: str
    unit: str | None = None
    name: str | None = None

    @classmethod
    def of(cls, actor: Actor, name: str | None = None) -> Identity:
        return cls(actor.user, actor.role, actor.unit, name or None)

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting for a person.

    ``key`` identifies the item across days (``lead:12``): a reminder is sent once per item,
    channel and day (core.reminders). ``api_path`` is relative to the city's ``/api/v1/``;
    ``web_path`` relative to the city's pages in the interface (``/web/c/<city>/``).
    """

    kind: str
    key: str
    title: str  # Chinese, what to do and on what
    due: dt.date | None
    urgency: str
    api_path: str
    web_path: str
    kind_label: str = ""

    def as_dict(self) -> dict[str, Any]:
        shown = asdict(self)
        shown["kind_label"] = self.kind_label or KIND_LABELS.get(self.kind, self.kind)
        shown["urgency_label"] = URGENCY_LABELS[self.urgency]
        return shown


def urgency(due: dt.date | None, today: dt.date, soon_until: dt.date | None = None) -> str:
    """``overdue`` past ``due``, ``due_today`` on it, ``soon`` up to ``soon_until``."""
    if due is None:
        return "normal"
    if due < today:
        return "overdue"
    if due == today:
        return "due_today"
    return "soon" if soon_until is not None and due <= soon_until else "normal"


def todo_items(session: Session, city: City, identity: Identity,
               today: dt.date | None = None) -> list[TodoItem]:
    """Everything waiting for ``identity`` as of ``today`` (the city's today by default),
    most pressing first, then by due date."""
    today = today or city.clock.today()
    within = city.calendar.add_workdays(today, 1)  # "within one working day"
    found: list[TodoItem] = []
    found += _leads(session, identity, today, within)
    found += _milestones(session, identity, today, within)
    found += _warnings(session, identity)
    found += _matters(session, identity)
    found += _objections(session, identity, today)
    found += _imports(session, identity)
    found += city.call("todo_items", session=session, identity=identity)
    return sort_items(found)


def sort_items(items: Iterable[TodoItem]) -> list[TodoItem]:
    far = dt.date.max
    return sorted(items, key=lambda item: (URGENCIES.index(item.urgency), item.due or far,
                                           item.kind, item.key))


def _unit_id(session: Session, code: str | None) -> int | None:
    from core.models import Unit

    if code is None:
        return None
    return session.scalar(sa.select(Unit.id).where(Unit.code == code))


def _leads(session: Session, identity: Identity, today: dt.date,
           within: dt.date) -> list[TodoItem]:
    from core.models import Lead
    from core.models.leads import LeadStatus

    query = sa.select(Lead).where(Lead.status == LeadStatus.REPORTED.value)
    if identity.role == "clerk":
        unit_id = _unit_id(session, identity.unit)
        query = query.where(sa.or_(Lead.reporting_unit_id == unit_id,
                                   Lead.routed_to_unit_id == unit_id))
    elif not identity.is_office:
        return []
    items = []
    for lead in session.scalars(query.order_by(Lead.id)):
        due = lead.first_talk_due
        pressing = due is not None and due <= within
        items.append(TodoItem(
            kind="first_talk" if pressing else "lead_judgement", key=f"lead:{lead.id}",
            title=(f"线索“{lead.title}”首谈研判将于 {due} 到期" if pressing
                   else f"线索“{lead.title}”待研判"),
            due=due, urgency=urgency(due, today, within),
            api_path=f"leads/{lead.id}", web_path=f"leads/{lead.id}"))
    return items


def _my_projects(session: Session, identity: Identity) -> Any:
    """The projects whose to-dos are mine: a clerk's unit's (finding or host), a leader's
    包抓 projects, the whole city for the office; ``None`` when none can be."""
    from core.models import Project

    query = sa.select(Project.id).where(Project.status == ProjectStatus.ONGOING.value)
    if identity.role == "clerk":
        unit_id = _unit_id(session, identity.unit)
        return query.where(sa.or_(Project.host_unit_id == unit_id,
                                  Project.finding_unit_id == unit_id))
    if identity.role == "leader":
        return query.where(Project.leader_name == (identity.name or identity.user))
    return query if identity.is_office else None


def _milestones(session: Session, identity: Identity, today: dt.date,
                within: dt.date) -> list[TodoItem]:
    from core.default_warnings import milestone_reached
    from core.models import Milestone, Project
    from core.schemas.projects import MILESTONE_KINDS

    projects = _my_projects(session, identity)
    if projects is None:
        return []
    rows = session.execute(sa.select(Milestone, Project).join(Project).where(
        Milestone.project_id.in_(projects), Milestone.actual_on.is_(None),
        Milestone.planned_on <= within).order_by(Milestone.planned_on, Milestone.id))
    items = []
    for milestone, project in rows:
        if milestone_reached(project, milestone):
            continue
        label = MILESTONE_KINDS.get(milestone.kind, milestone.kind)
        items.append(TodoItem(
            kind="milestone", key=f"milestone:{milestone.id}",
            title=f"项目“{project.name}”{label}节点计划于 {milestone.planned_on}",
            due=milestone.planned_on, urgency=urgency(milestone.planned_on, today, within),
            api_path=f"projects/{project.id}", web_path=f"projects/{project.id}"))
    return items


def _warnings(session: Session, identity: Identity) -> list[TodoItem]:
    from core.models import EarlyWarning, Project
    from core.models.warnings import WARNING_LEVEL_LABELS

    projects = _my_projects(session, identity)
    if projects is None:
        return []
    rows = session.execute(sa.select(EarlyWarning, Project.name).join(
        Project, Project.id == EarlyWarning.subject_id).where(
        EarlyWarning.subject_type == "project", EarlyWarning.cleared_at.is_(None),
        EarlyWarning.level.in_(("red", "yellow")), EarlyWarning.subject_id.in_(projects))
        .order_by(EarlyWarning.id))
    return [TodoItem(
        kind="warning", key=f"warning:{warning.id}",
        title=f"项目“{name}”{WARNING_LEVEL_LABELS[warning.level]}：{warning.rule_name}",
        due=warning.since, urgency="overdue" if warning.level == "red" else "soon",
        api_path=f"projects/{warning.subject_id}", web_path=f"projects/{warning.subject_id}")
        for warning, name in rows]


def _matters(session: Session, identity: Identity) -> list[TodoItem]:
    from core.models import Matter
    from core.models.matters import MatterStatus

    levels = LEVELS_DECIDED.get(identity.role)
    if not levels:
        return []
    rows = session.scalars(sa.select(Matter).where(
        Matter.status == MatterStatus.PROPOSED.value, Matter.decision_level.in_(levels))
        .order_by(Matter.id))
    return [TodoItem(kind="matter_decision", key=f"matter:{matter.id}",
                     title=f"协调事项“{matter.title}”待决定", due=None, urgency="normal",
                     api_path=f"matters/{matter.id}", web_path=f"matters/{matter.id}")
            for matter in rows]


def _objections(session: Session, identity: Identity, today: dt.date) -> list[TodoItem]:
    from core.models import AssessmentObjection, AssessmentRun

    if identity.is_office:
        rows = session.execute(sa.select(AssessmentObjection, AssessmentRun).join(
            AssessmentRun).where(AssessmentObjection.status == "open")
            .order_by(AssessmentObjection.id))
        return [TodoItem(
            kind="objection", key=f"objection:{objection.id}",
            title=f"{run.scheme_name}（{run.period_label}）异议待答复",
            due=run.objection_deadline, urgency=urgency(run.objection_deadline, today),
            api_path=f"assessments/{run.id}", web_path=f"assessments/{run.id}")
            for objection, run in rows]
    if identity.role != "clerk":
        return []
    runs = session.scalars(sa.select(AssessmentRun).where(
        AssessmentRun.status == "published", AssessmentRun.objection_deadline >= today)
        .order_by(AssessmentRun.id))
    return [TodoItem(
        kind="objection", key=f"objection_window:{run.id}",
        title=f"{run.scheme_name}（{run.period_label}）公示中，如有异议请于 {run.objection_deadline} "
              "前提出",
        due=run.objection_deadline, urgency=urgency(run.objection_deadline, today),
        api_path=f"assessments/{run.id}", web_path=f"assessments/{run.id}")
        for run in runs]


def _imports(session: Session, identity: Identity) -> list[TodoItem]:
    """My dry runs awaiting review: to correct the ledger, or to commit it."""
    from core.ledger_import import KIND_LABELS as LEDGER_KINDS
    from core.ledger_import.jobs import awaiting_review

    items = []
    for job in awaiting_review(session, identity.user):
        problems = len(job.problems)
        what = (f"试导入发现 {problems} 个问题，请修改台账后重新上传或放弃" if problems
                else "试导入无误，尚未正式导入")
        items.append(TodoItem(
            kind="import_review", key=f"import:{job.id}",
            title=f"{LEDGER_KINDS[job.kind]}台账“{job.file_name}”{what}",
            due=None, urgency="normal",
            api_path=f"imports/jobs/{job.id}", web_path=f"imports/jobs/{job.id}"))
    return items
