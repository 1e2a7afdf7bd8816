"""Every extension point of a city service.

Hooks are called with keyword arguments only, so a spec can gain arguments
without breaking implementations. Every hook receives ``city``: the
:class:`core.city.City` of the running service (its code, validated
configuration, working-day calendar). Implement a hook with
``@core.hookimpl`` (re-exported by :mod:`core.toolkit`) in a city plugin.

"Collected" hooks return a list of every implementation's non-None result.
"First result" hooks stop at the first implementation that returns something
other than ``None``; the core's defaults are registered ``trylast`` so a city
overrides them by implementing the same hook.

Each hook has a section in ``docs/hooks.md`` and a test of its own
(``tests/test_hooks.py`` fails otherwise).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pluggy

from core import PROJECT_NAME

if TYPE_CHECKING:
    from flask import Blueprint
    from marshmallow import Schema
    from sqlalchemy.orm import Session

    from core.city import City
    from core.event_catalogue import EventType
    from core.ledger_import.layout import RecordSheet
    from core.models import Lead, Project, Unit
    from core.policy import (
        Adjustment,
        AssessmentScheme,
        DateBound,
        EvaluationForm,
        FieldProblem,
        MapTarget,
        Refusal,
        Report,
        RewardRule,
        TransferSharing,
        WarningRule,
        WebPage,
    )

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------


@hookspec
def plugin_config_schema() -> tuple[str, type[Schema]] | None:
    """Declare this plugin's configuration section and its marshmallow schema.

    Called once at startup, before the city exists. Return ``(name, SchemaClass)``:
    the deployment file's ``[plugins.<name>]`` table is loaded through the schema
    (its ``load_default`` values are the plugin's defaults) and startup fails
    with the schema's field errors when it does not validate. Collected.
    """


@hookspec
def city_profile(city: City) -> dict[str, Any] | None:
    """Add keys to the city's public profile (``GET /api/v1/city``). Collected, merged."""


# ---------------------------------------------------------------------------
# Leads
# ---------------------------------------------------------------------------


@hookspec
def validate_lead(city: City, data: dict[str, Any], session: Session) -> list[FieldProblem] | None:
    """Check a lead before it is reported, after the schema accepted ``data``.

    Return field problems (Chinese messages); any problem refuses the lead with
    422 and nothing is written. Collected.
    """


@hookspec(firstresult=True)
def route_lead(city: City, lead: Lead, session: Session) -> Unit | None:
    """Choose the unit that judges a new lead (an industry group, the office …).

    First result; the core default routes to the city's investment office.
    """


@hookspec(firstresult=True)
def lead_first_talk_deadline(city: City, lead: Lead) -> dt.date | None:
    """The date by which the lead's first-talk location must be named.

    First result; the core default adds ``policy.first_talk_working_days``
    working days (official calendar) to the report date, or returns None when
    the city sets no deadline.
    """


@hookspec
def after_lead_reported(city: City, lead: Lead, session: Session) -> None:
    """React to a reported lead inside its transaction (points, ownership …). Collected."""


@hookspec
def after_lead_changed(
    city: City, lead: Lead, changes: dict[str, tuple[Any, Any]], actor: str, session: Session
) -> None:
    """A lead was judged or converted: ``changes`` maps each changed field (``status``,
    ``first_talk_unit``, ``assigned_on``, ``project_id``, ``rejected_reason``) to ``(old, new)``.

    Called at the end of an assignment, a conversion (after ``after_project_created``) or a
    rejection that changed something, in its transaction. Collected.
    """


@hookspec
def project_from_lead(city: City, lead: Lead) -> dict[str, Any] | None:
    """What a project converted from ``lead`` starts with, from the lead's own fields.

    Called when an assigned lead is converted, before the project is created and validated.
    Return project fields (``leader_name``, ``attributes`` …) to carry over — a key lead's
    leader and team, say. What the officer gives in the conversion request wins; then the
    plugin called first; ``attributes`` are merged key by key. Collected.
    """


# ---------------------------------------------------------------------------
# Projects: classification, gates, guards, effects
# ---------------------------------------------------------------------------


@hookspec
def validate_project(
    city: City, data: dict[str, Any], project: Project | None, session: Session
) -> list[FieldProblem] | None:
    """Check a project's new or changed data (``project`` is None on creation).

    Problems refuse the write with 422. Collected.
    """


@hookspec
def classify_project(city: City, project: Project) -> list[str] | None:
    """Return the tiers a project belongs to (``key``, ``major`` …).

    Called on every project write; the union of all results is stored in
    ``project.tiers``. Collected.
    """


@hookspec
def tier_labels(city: City) -> dict[str, str] | None:
    """Chinese names of the tiers ``classify_project`` gives (``key`` → ``重点项目``).

    Called whenever a project's tiers are shown: the project's ``tier_names`` and the
    web pages. Return ``tier code -> label``; the plugin called first wins a code two
    plugins name, and the core's default (``major``) comes last. Collected.
    """


@hookspec
def stage_required_fields(city: City, project: Project, stage: str) -> list[str] | None:
    """Fields (dotted, ``attributes.x`` for city fields) a project needs to enter ``stage``.

    The union over all implementations is the gate; the API reports what is
    missing for the next stage as ``incomplete_fields``. Collected.
    """


@hookspec
def field_labels(city: City) -> dict[str, str] | None:
    """Chinese names of this city's gate fields (``attributes.x`` paths and the like).

    Called whenever a field path is shown to a person: the refusal of a transition
    (``进入“签约”前须填写：…``) and the checklist of the next stage. Return a mapping
    ``path -> label``; the city's labels win over the core's (``core.gates.FIELD_LABELS``),
    and a path nobody names is shown as it is. Collected.
    """


@hookspec
def list_fields(city: City) -> list[str] | None:
    """This city's own fields that hold a list (``attributes.service_team``: several names).

    Read wherever a field is one cell of a spreadsheet: the project ledger's template and
    import (``core.ledger_import``) split such a cell on 、，, into the list the API takes, and
    the exports join a list with 、, so an export read back gives the same list. A field not
    named is one value. Return the paths (as in ``field_labels``). Collected, flattened.
    """


@hookspec
def transition_guard(
    city: City, project: Project, target: str, actor: str, session: Session
) -> list[Refusal] | None:
    """Refuse a stage transition with readable reasons (409). Collected."""


@hookspec
def date_bounds(
    city: City, project: Project, field: str, session: Session
) -> list[DateBound] | None:
    """Dates the project's stage date ``field`` (``signed_on``, ``started_on``, ``completed_on``,
    ``lost_on``, ``cleared_on``) may not precede: the legal review or the evaluations a signing
    depends on, the signing a start follows… (:class:`core.policy.DateBound`).

    Checked on every transition and date correction (``core.time_order``); a date before a bound
    is refused with a field problem naming the other date (422). Collected.
    """


@hookspec
def after_transition(
    city: City, project: Project, source: str, target: str, actor: str, session: Session
) -> None:
    """Effects of a committed-to transition, in the same transaction. Collected."""


# The three hooks after a project write run last, once the core has written the project, its
# history and its event: a plugin's own rows and events follow the core's in the same
# transaction (so they commit or roll back with it), and raising refuses the whole write.


@hookspec
def after_project_created(city: City, project: Project, actor: str, session: Session) -> None:
    """A project was created (``POST /projects``, a lead's conversion, the demo), at its host
    unit when it was created with one. In the creation's transaction. Collected."""


@hookspec
def after_project_changed(
    city: City, project: Project, changes: dict[str, tuple[Any, Any]], actor: str,
    session: Session,
) -> None:
    """A project's fields changed: ``changes`` maps each changed field to ``(old, new)``.

    Called by ``PATCH /projects/{id}`` (only when something changed), a transfer
    (``host_unit``: unit codes) and a stage-date correction. In the write's transaction.
    Collected.
    """


@hookspec
def after_project_moved(
    city: City, project: Project, from_stage: str, to_stage: str, actor: str, session: Session
) -> None:
    """A project moved from ``from_stage`` to ``to_stage``, after ``after_transition``, its
    tiers, history and ``project.stage_changed`` event. In the move's transaction. Collected."""


# ---------------------------------------------------------------------------
# Transfers
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def transfer_sharing(
    city: City, project: Project, from_unit: Unit, to_unit: Unit
) -> TransferSharing | None:
    """How a transfer splits indicators and tax between the two units.

    First result; the core default reads ``policy.transfer_*`` from configuration.
    A city where sharing is negotiated per project returns its own.
    """


# ---------------------------------------------------------------------------
# Evaluations and matters
# ---------------------------------------------------------------------------


@hookspec
def evaluation_forms(city: City) -> list[EvaluationForm] | None:
    """The evaluation forms the city uses (admission, review, fulfilment …). Collected, flattened."""


@hookspec
def validate_matter(
    city: City, data: dict[str, Any], project: Project, session: Session
) -> list[FieldProblem] | None:
    """Check a matter before it is requested, after the schema accepted ``data``.

    ``project`` is the project it is about. Return field problems (Chinese
    messages); any problem refuses the matter with 422 and nothing is written
    (a city that takes up 一事一议 only for major projects says so here). Collected.
    """


@hookspec(firstresult=True)
def matter_decision_level(city: City, matter: Any, project: Project) -> str | None:
    """Who decides a matter: ``office``, ``leader`` or ``executive_meeting``. First result."""


# ---------------------------------------------------------------------------
# Warnings, assessments, rewards
# ---------------------------------------------------------------------------


@hookspec
def warning_rules(city: City) -> list[WarningRule] | None:
    """Rules the warning recomputation runs. Collected, flattened."""


@hookspec
def assessment_schemes(city: City) -> list[AssessmentScheme] | None:
    """The city's assessment schemes (indicators, weights, points, caps, cadence). Collected."""


@hookspec
def assessment_metrics(city: City, context: Any) -> dict[str, dict[str, Any]] | None:
    """Extra per-unit metrics for assessments: ``{metric: {unit_code: value}}``. Collected."""


@hookspec
def assessment_adjustments(city: City, context: Any) -> list[Adjustment] | None:
    """Bonus and penalty items for an assessment run (exempted ones included). Collected."""


@hookspec
def reward_rules(city: City) -> list[RewardRule] | None:
    """Reward formulas with caps and eligibility. Collected, flattened."""


@hookspec
def credit_withheld(
    city: City, projects: list[Project], session: Session
) -> dict[int, str] | None:
    """Which of ``projects`` earn no credit, and why: ``{project_id: Chinese reason}``.

    A project withheld here counts for no unit in an assessment's figures and no reward may
    rest on it (a candidate naming it is refused with the reason); the city's own figures
    (``/stats``) still count it. Collected; the first reason given for a project is kept.
    """


@hookspec
def credited_unit(
    city: City, projects: list[Project], session: Session
) -> dict[int, int] | None:
    """Which unit an assessment credits as each project's 招商方, in place of its finding unit:
    ``{project_id: unit_id}`` (Lanzhou: the introducing unit its office recognised).

    That unit takes the finding side's share (the whole of a project never transferred); the
    host keeps its share of a transferred one. The city's own figures (``/stats``) keep
    the finding unit. Collected; the first unit given for a project is kept.
    """


# ---------------------------------------------------------------------------
# Ledger import
# ---------------------------------------------------------------------------


@hookspec
def ledger_record_sheets(city: City) -> list[RecordSheet] | None:
    """The city's own records of a project as sheets of its project ledger
    (``core.toolkit.RecordSheet``): what a gate of the city needs that is not a project field
    (Sanming's 法规账), so a signed or started project can be imported with it.

    Each sheet is keyed to its project by 台账编号 and carries the plugin's own service function,
    schema and permission: the template shows the sheet (with drop-downs of its options), and
    the import writes each row through that function, for the importing actor, before the
    project's stage moves dated on or after the row's date. Collected, flattened.
    """


# ---------------------------------------------------------------------------
# API, reports, demo data
# ---------------------------------------------------------------------------


@hookspec
def event_types() -> list[EventType] | None:
    """The plugin's own event types (``core.toolkit.EventType``: data, version, the aggregate
    whose state it carries), each named ``zhaoshang.<plugin>_<aggregate>.<fact>`` and owned
    by the plugin. Collected. The one hook without ``city``: the province assembles its
    catalogue from every installed plugin without any city's deployment file. A type two
    plugins declare, or one without the plugin's prefix, stops startup; ``record_event``
    refuses a type no enabled plugin (nor the core) declares.
    """


@hookspec
def register_blueprints(city: City) -> list[Blueprint] | None:
    """Extra API blueprints, mounted under ``/api/v1/<plugin>/``. Collected."""


@hookspec
def reports(city: City) -> list[Report] | None:
    """Named reports (lists with Chinese headings, exportable to .xlsx). Collected, flattened."""


@hookspec
def investment_map_targets(city: City, session: Session) -> list[MapTarget] | None:
    """Target enterprises from a plugin's own lists, shown on the investment map beside the
    core's list (``core.policy.MapTarget``). Collected, flattened; a target naming a chain or
    link the city does not configure is left off the map.
    """


@hookspec
def web_pages(city: City) -> list[WebPage] | None:
    """The city's own pages of the web interface, declared as data (``core.policy.WebPage``).

    Each page names the roles whose menu shows it, the city API paths it reads and how to
    show their rows (columns, charts, filters); the gateway's interface renders it, so a plugin
    ships no HTML. Served at ``GET /api/v1/web-pages``. Collected, flattened; the first page
    with a code wins.
    """


@hookspec
def demo_data(city: City, session: Session, demo: Any) -> None:
    """Add the city's own demo records, before the core's generic ones. Collected.

    Called before the generic records so that ``demo.before_entering`` callbacks
    prepare every demo project (the core's too) for the city's gates.
    """


@hookspec
def todo_items(city: City, session: Session, identity: Any) -> list[Any] | None:
    """The city's own to-dos for ``identity`` (``core.todos.Identity``: user, role, unit and a
    leader's name), as ``core.todos.TodoItem``s — e.g. service requests assigned to the person's
    unit. Collected, flattened; listed with the core's at ``GET /api/v1/todos`` and sent by the
    reminders (``core.reminders``), so an item's ``key`` must stay the same from day to day.
    """
