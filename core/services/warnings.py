"""Warnings (预警): run every rule, raise what is found, clear what no longer is.

The rules come from the ``warning_rules`` hook: the city's, then the core's
defaults (:mod:`core.default_warnings`). A city replaces a core rule by returning
a rule with the same code (the first rule with a code wins, and the city's come
first). Each rule's ``evaluate(context)`` receives a :class:`WarningContext` and
returns :class:`~core.policy.WarningFinding` objects.

A recomputation may cover the whole city (the schedule: ``zhaoshang warnings``,
``POST /api/v1/warnings/recompute``) or one subject (after a project or lead is
written, :func:`refresh`), so a change shows at once without rerunning the city.
Every raise, change and clear writes an outbox event in the caller's transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.clock import utcnow
from core.direct_inserts import insert_rows
from core.events import record_event
from core.lifecycle import OPEN_STAGES
from core.models import EarlyWarning, Lead, Project
from core.models.warnings import WARNING_LEVEL_LABELS, WarningLevel
from core.policy import WarningFinding, WarningRule

if TYPE_CHECKING:
    from core.city import City

T = TypeVar("T")

# When one rule finds a subject twice, the graver finding is kept.
SEVERITY = {WarningLevel.RED: 4, WarningLevel.OVERDUE: 3, WarningLevel.YELLOW: 2,
            WarningLevel.BLUE: 1}


# What the rules read of a project: loaded with it, never one select per project.
_PROJECT_LOADS = (selectinload(Project.milestones), selectinload(Project.funds),
                  selectinload(Project.transfers))


@dataclass
class WarningContext:
    """What a warning rule reads: the session, the city, today, and the records in scope.

    Rules should read records through :meth:`projects` and :meth:`leads`: when
    the recomputation covers one subject they return only that subject, which
    keeps the recomputation after each write cheap.
    """

    session: Session
    city: City
    today: dt.date
    subject: tuple[str, int] | None = None
    # Several subjects at once (a ledger import's projects): the rules run as for the whole
    # city, one pass, and only findings about these subjects count.
    among: frozenset[tuple[str, int]] | None = None
    _cache: dict[Any, Any] = field(default_factory=dict)

    def covers(self, subject_type: str, subject_id: int) -> bool:
        """Whether a finding about this subject belongs to this recomputation."""
        return (self.subject is None or self.subject == (subject_type, subject_id)) and (
            self.among is None or (subject_type, subject_id) in self.among)

    def _scoped(self, subject_type: str, query: sa.Select, id_column: Any) -> sa.Select | None:
        if self.subject is None:
            return query
        if self.subject[0] != subject_type:
            return None
        return query.where(id_column == self.subject[1])

    def projects(self, stages: Iterable[str] = OPEN_STAGES) -> list[Project]:
        """Projects in ``stages`` (open ones by default) with milestones, funds and transfers."""
        key = ("projects", tuple(sorted(stages)))
        if self.subject is not None and key not in self._cache:
            # One subject (the refresh after a write): loaded once, whatever its stage, and
            # filtered here — each rule asking for its own stages would load it again.
            self._cache[key] = [project for project in self._subject_project()
                                if project.stage in key[1]]
        if key not in self._cache:
            query = self._scoped("project", sa.select(Project).where(
                Project.stage.in_(key[1])).options(*_PROJECT_LOADS).order_by(Project.id), Project.id)
            self._cache[key] = [] if query is None else list(self.session.scalars(
                query.execution_options(populate_existing=True)).unique())
        return self._cache[key]

    def _subject_project(self) -> list[Project]:
        """The one project refreshed after a write: the session's own, as just flushed.

        The write that calls the refresh holds the project and whichever of its milestones,
        funds and transfers it touched, and every change to them goes through the session
        (none by a bulk statement), so what the session holds is current: only what it has
        not loaded is read, on first use. Reading them all again, and overwriting the loaded
        records with the same values, was most of a refresh's cost.
        """
        key = ("subject_project",)
        if key not in self._cache:
            subject = self.subject
            project = (self.session.get(Project, subject[1])
                       if subject is not None and subject[0] == "project" else None)
            self._cache[key] = [] if project is None else [project]
        return self._cache[key]

    def once(self, key: Hashable, read: Callable[[], T]) -> T:
        """``read()``'s answer, read once per recomputation whichever rule asks first: what
        several of a city's rules share (a list the city keeps, rows of its settings). Name the
        key after the plugin (``("pingliang", "listed")``) so that no two cities' keys meet."""
        held = ("once", key)
        if held not in self._cache:
            self._cache[held] = read()
        return self._cache[held]

    def leads(self, statuses: Iterable[str] | None = None) -> list[Lead]:
        """Leads, optionally only those in ``statuses``."""
        key = ("leads", tuple(sorted(statuses)) if statuses is not None else None)
        if self.subject is not None and self.subject[0] == "lead" and key not in self._cache:
            # One lead (the refresh after a write): the session's own, as just flushed — the
            # write that calls the refresh holds it; read again only if the session has not.
            lead = self.session.get(Lead, self.subject[1])
            self._cache[key] = [lead] if lead is not None and (
                statuses is None or lead.status in key[1]) else []
        if key not in self._cache:
            query = sa.select(Lead).order_by(Lead.id)
            if statuses is not None:
                query = query.where(Lead.status.in_(key[1]))
            query = self._scoped("lead", query, Lead.id)
            self._cache[key] = [] if query is None else list(self.session.scalars(
                query.execution_options(populate_existing=True)).unique())
        return self._cache[key]


@dataclass
class WarningSummary:
    """What a recomputation did."""

    raised: int = 0
    changed: int = 0
    cleared: int = 0
    open: int = 0
    dry_run: bool = False
    # What was (or, in a dry run, would be) raised, changed and cleared, one row each.
    details: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"raised": self.raised, "changed": self.changed, "cleared": self.cleared,
                "open": self.open}

    def note(self, action: str, subject_type: str, subject_id: int, rule_code: str,
             level: str, reason: str, since: dt.date) -> None:
        self.details.append({"action": action, "subject_type": subject_type,
                             "subject_id": subject_id, "rule_code": rule_code, "level": level,
                             "reason": reason, "since": since})


def active_rules(city: City) -> list[WarningRule]:
    """The rules a recomputation runs: one per code, the city's before the core's."""
    rules: dict[str, WarningRule] = {}
    for rule in city.call("warning_rules"):
        rules.setdefault(rule.code, rule)
    return list(rules.values())


def _check_finding(rule: WarningRule, finding: WarningFinding) -> None:
    if finding.level not in SEVERITY:
        # A plugin bug, not user input: stop loudly rather than store a level nobody shows.
        raise ValueError(f"warning rule {rule.code} returned unknown level {finding.level!r}; "
                         f"levels: {', '.join(SEVERITY)}")


def _findings(context: WarningContext, rules: list[WarningRule]
              ) -> dict[tuple[str, int, str], tuple[WarningRule, WarningFinding]]:
    found: dict[tuple[str, int, str], tuple[WarningRule, WarningFinding]] = {}
    for rule in rules:
        for finding in rule.evaluate(context) or []:
            _check_finding(rule, finding)
            if not context.covers(finding.subject_type, finding.subject_id):
                continue
            key = (finding.subject_type, finding.subject_id, rule.code)
            kept = found.get(key)
            if kept is None or SEVERITY[finding.level] > SEVERITY[kept[1].level]:
                found[key] = (rule, finding)
    return found


def _unit_code(session: Session, finding: WarningFinding) -> str | None:
    if finding.unit_code is not None:
        return finding.unit_code
    if finding.subject_type == "project":
        project = session.get(Project, finding.subject_id)
        return project.host_unit.code if project else None
    if finding.subject_type == "lead":
        lead = session.get(Lead, finding.subject_id)
        if lead is None:
            return None
        return lead.routed_to_unit_code or lead.reporting_unit_code
    return None


def warning_event_data(warning: EarlyWarning) -> dict[str, Any]:
    return {
        "warning_id": warning.id,
        "subject_type": warning.subject_type,
        "subject_id": warning.subject_id,
        "unit": warning.unit_code,
        "rule_code": warning.rule_code,
        "rule_name": warning.rule_name,
        "level": warning.level,
        "level_label": WARNING_LEVEL_LABELS[WarningLevel(warning.level)],
        "reason": warning.reason,
        "since": warning.since,
        "raised_at": warning.raised_at,
        "cleared_at": warning.cleared_at,
    }


def recompute(
    session: Session,
    city: City,
    today: dt.date | None = None,
    subject: tuple[str, int] | None = None,
    dry_run: bool = False,
    new: bool = False,
    among: frozenset[tuple[str, int]] | None = None,
) -> WarningSummary:
    """Run every rule as of ``today`` (whole city, or one ``(type, id)`` subject).

    ``dry_run`` only reports what would be raised, changed and cleared: no warning row and no
    outbox event is written (what ``POST /warnings/recompute`` with ``today`` does).
    ``new``: the subject was inserted by this transaction, so it has no warning to read.
    ``among``: only these subjects, in one pass over the city (:func:`refreshes_deferred`).
    """
    session.flush()  # rules read what the caller has just written
    today = today or city.clock.today()
    context = WarningContext(session=session, city=city, today=today, subject=subject,
                             among=among)
    found = _findings(context, active_rules(city))
    open_warnings = {} if new else _open_warnings(session, subject, among)
    now = utcnow()
    summary = WarningSummary(dry_run=dry_run)
    # Each event names its warning's id: the writes go out in one flush, then the events are
    # recorded in the same order — not a flush per warning (a 5,000-project import raises
    # thousands at once).
    events: list[tuple[EarlyWarning, str, dict[str, Any]]] = []
    raised: list[EarlyWarning] = []
    for key, (rule, finding) in found.items():
        warning = open_warnings.pop(key, None)
        if warning is None:
            action = "raised"
        elif (warning.level, warning.reason, warning.since) != (
                finding.level, finding.reason, finding.since):
            action = "changed"
        else:
            continue
        summary.note(action, finding.subject_type, finding.subject_id, rule.code,
                     finding.level, finding.reason, finding.since)
        if dry_run:
            setattr(summary, action, getattr(summary, action) + 1)
            continue
        if warning is None:
            warning = EarlyWarning(
                subject_type=finding.subject_type, subject_id=finding.subject_id,
                unit_code=_unit_code(session, finding), rule_code=rule.code, rule_name=rule.name,
                level=finding.level, reason=finding.reason, since=finding.since,
                raised_at=now, updated_at=now, cleared_at=None)
            raised.append(warning)
            events.append((warning, "raised", {}))
            summary.raised += 1
        else:
            previous = warning.level
            warning.level, warning.reason, warning.since = (finding.level, finding.reason,
                                                            finding.since)
            warning.updated_at = now
            events.append((warning, "changed", {"previous_level": previous}))
            summary.changed += 1
    for warning in open_warnings.values():
        summary.note("cleared", warning.subject_type, warning.subject_id, warning.rule_code,
                     warning.level, warning.reason, warning.since)
        if dry_run:
            summary.cleared += 1
            continue
        warning.cleared_at = now
        warning.updated_at = now
        events.append((warning, "cleared", {}))
        summary.cleared += 1
    # New warnings by one INSERT … RETURNING (core.direct_inserts), each given its id for its
    # event; nothing reads them back as records in this transaction, so they stay transient.
    insert_rows(session, raised)
    if len(events) > len(raised):  # changed or cleared ones: the ORM's updates
        session.flush()
    for warning, fact, extra in events:
        record_event(session, city, "warning", warning.id, fact, warning_event_data(warning) | extra)
    summary.open = len(found)
    return summary


def _open_warnings(session: Session, subject: tuple[str, int] | None,
                   among: frozenset[tuple[str, int]] | None
                   ) -> dict[tuple[str, int, str], EarlyWarning]:
    query = sa.select(EarlyWarning).where(EarlyWarning.cleared_at.is_(None))
    if subject is not None:
        query = query.where(EarlyWarning.subject_type == subject[0],
                            EarlyWarning.subject_id == subject[1])
    return {(w.subject_type, w.subject_id, w.rule_code): w for w in session.scalars(query)
            if among is None or (w.subject_type, w.subject_id) in among}


# Subjects whose refresh is held until the end of a ``refreshes_deferred`` block.
_DEFERRED: ContextVar[dict[tuple[str, int], bool] | None] = ContextVar("deferred_refreshes",
                                                                      default=None)


@contextlib.contextmanager
def refreshes_deferred(session: Session, city: City
                       ) -> Iterator[dict[tuple[str, int], bool]]:
    """Refresh the subjects written in the block once, together, when the block ends without
    error; the block may empty the dict it is given (subject → inserted in this transaction)
    to refresh nothing — a dry run, or an import refused and rolled back.

    A ledger's projects are created, given their milestones and moved through their stages
    in one go (core.ledger_import): their warnings as of the end are what a refresh after
    each one's last change finds, and one pass of the rules over the city for all of them,
    instead of one per change or per project, keeps a 5,000-row import within its minute.
    Nothing is read in between that would see a stale warning.
    """
    pending: dict[tuple[str, int], bool] = {}
    token = _DEFERRED.set(pending)
    try:
        yield pending
    finally:
        _DEFERRED.reset(token)
    _judge(session, city, pending)


def judge_deferred(session: Session, city: City) -> None:
    """Inside a :func:`refreshes_deferred` block, judge now the subjects noted so far, so a
    reader of warnings in the block sees every write made before it: an assessment run counts
    red warnings (Pingliang), and the demo computes its assessments after writing its
    projects. The block goes on noting what is written after. Outside a block: nothing."""
    pending = _DEFERRED.get()
    if pending:
        _judge(session, city, pending)
        pending.clear()


def _judge(session: Session, city: City, pending: dict[tuple[str, int], bool]) -> None:
    if len(pending) == 1:
        (subject_type, subject_id), new = next(iter(pending.items()))
        recompute(session, city, city.clock.today(), (subject_type, subject_id), new=new)
    elif pending:
        recompute(session, city, city.clock.today(), new=all(pending.values()),
                  among=frozenset(pending))


def refresh(session: Session, city: City, subject_type: str, subject_id: int,
            new: bool = False) -> WarningSummary:
    """Recompute one subject's warnings as of today, right after it was written (``new``: by
    an INSERT in this transaction)."""
    pending = _DEFERRED.get()
    if pending is not None:
        key = (subject_type, subject_id)
        pending[key] = pending.get(key, True) and new
        return WarningSummary()
    return recompute(session, city, city.clock.today(), (subject_type, subject_id), new=new)
