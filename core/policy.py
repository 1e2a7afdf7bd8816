"""Value types that hooks return: the vocabulary between the core and city plugins.

Plugins build these from their configuration; the core's mechanisms (gates,
evaluations, warnings, assessments, rewards) consume them. They are plain frozen
dataclasses so a plugin can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """A field-level input problem: ``field`` is a dotted path, ``message`` is Chinese."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Refusal:
    """Why a transition (or another action) is refused; ``rule`` names the rule."""

    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message}


@dataclass(frozen=True)
class DateBound:
    """A date another date of the project may not precede (``core.time_order``).

    Returned by ``date_bounds`` for a stage date (``signed_on`` …): the stage date must be on
    or after ``on`` — strictly after it when ``strict`` — and ``label`` names ``on`` in Chinese
    for the refusal (``合法性审查日期``). ``code`` is the problem's stable code.
    """

    on: dt.date
    label: str
    code: str
    strict: bool = False


@dataclass(frozen=True)
class TransferSharing:
    """How a transferred project's figures split between 招商方 (from) and 落户方 (to).

    Shares are the finding unit's part (0.3 for 3:7). Sharing starts at
    ``signing``, ``start`` (construction start) or, for tax, ``first_tax``.
    """

    indicator_share_from: Decimal
    tax_share_from: Decimal
    indicator_sharing_from: str = "signing"
    tax_sharing_from: str = "signing"


@dataclass(frozen=True)
class Dimension:
    """One scored dimension of an evaluation form (score 0..max_score)."""

    code: str
    name: str
    weight: Decimal = Decimal(1)
    max_score: int = 100


@dataclass(frozen=True)
class HardRefusal:
    """A condition that fails the evaluation whatever the scores (一票否决)."""

    code: str
    name: str


@dataclass(frozen=True)
class EvaluationForm:
    """An evaluation a city runs on projects (准入评估, 评审, 履约评估, 后评价 …).

    ``pass_score`` applies to the weighted average of the dimensions (0–100).
    ``steps`` is the review workflow in order; the last step records the decision.
    ``required_before`` names a stage that cannot be entered without a passed
    evaluation of this form; ``applies_to`` limits which projects need it.
    ``level_for`` picks the level (``city`` or ``county``) for a project.
    ``subject`` is ``project`` or ``enterprise`` (an investor evaluation).
    ``ratings`` maps a rating letter to the minimum average score, best first.
    ``step_rules`` names who alone may complete a step (``{"leader_decision": LEADER}``, a
    :class:`core.permissions.Permission`); other steps follow the operation's own rule.
    """

    code: str
    name: str
    dimensions: tuple[Dimension, ...]
    pass_score: Decimal = Decimal(60)
    hard_refusals: tuple[HardRefusal, ...] = ()
    steps: tuple[str, ...] = ("submitted", "decided")
    step_labels: dict[str, str] = field(default_factory=dict)
    required_before: str | None = None
    applies_to: Callable[[Any], bool] | None = None
    level_for: Callable[[Any], str] | None = None
    subject: str = "project"
    ratings: tuple[tuple[str, Decimal], ...] = ()
    step_rules: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """One assessed indicator of a scheme.

    ``metric`` names a figure the core computes per unit (see
    :data:`core.assessments.METRICS`) or one a plugin supplies through
    ``assessment_metrics``. A unit earns ``points × min(actual / target, 1)``
    when ``target`` is set, else ``points × actual / best actual``; the result is
    capped at ``cap`` (defaults to ``points``). ``basis`` (说明) says in Chinese what the
    indicator counts, shown with the scheme in the API and the web.
    """

    code: str
    name: str
    metric: str
    points: Decimal
    target: Decimal | None = None
    cap: Decimal | None = None
    basis: str | None = None


@dataclass(frozen=True)
class AssessmentScheme:
    """How a city scores its units for one kind of period."""

    code: str
    name: str
    period: str  # week, month, quarter, half_year, year
    unit_kinds: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    adjustment_cap: Decimal | None = None  # max |bonus or deduction| per unit
    total_cap: Decimal | None = None
    year: int | None = None  # the rules' version; None = every year


@dataclass(frozen=True)
class Adjustment:
    """A bonus (+) or penalty (−) item on a unit's assessment, with its source."""

    unit_code: str
    points: Decimal
    reason: str
    source: str
    exempted: bool = False
    exemption_reason: str | None = None
    approver: str | None = None


@dataclass(frozen=True)
class NotComputable:
    """An assessment item that cannot be computed, with the reason in Chinese.

    A metric hook (``assessment_metrics``) returns it in place of a unit's value, or in place
    of a metric's whole ``{unit: value}`` (no unit can be computed); an adjustment hook
    (``assessment_adjustments``) returns it among its ``Adjustment``s, naming its ``item``
    (and ``unit_code``, ``None`` for every assessed unit). The run keeps the item with the
    reason — no value, no points — and says it is incomplete (``core.assessments``).
    """

    reason: str
    item: str = ""
    name: str = ""
    unit_code: str | None = None


@dataclass(frozen=True)
class WarningFinding:
    """One raised warning found by a rule: level red, yellow, blue or overdue."""

    subject_type: str  # project, lead, matter
    subject_id: int
    level: str
    reason: str
    since: dt.date
    # The unit answerable for it; the core derives it for projects and leads when None.
    unit_code: str | None = None


@dataclass(frozen=True)
class WarningRule:
    """A rule the core runs on every recomputation; ``evaluate(context)`` returns findings."""

    code: str
    name: str
    evaluate: Callable[[Any], list[WarningFinding]]


@dataclass(frozen=True)
class RewardCandidate:
    """Who a reward rule proposes to pay, how much before the cap, and why."""

    recipient_type: str  # unit, team, person, intermediary, enterprise
    recipient_id: int | None
    recipient_name: str
    amount: Decimal  # 万元 before the cap
    basis: str
    project_ids: tuple[int, ...] = ()
    is_public_official: bool = False
    # What the amount is made of, each rewarded once per rule and recipient: ``(key, amount)``
    # with keys like ``tranche:17`` or ``ranking:<scheme>:<from>:<to>``. Empty: the whole
    # amount rests on the run's period (``period:<from>:<to>``).
    items: tuple[tuple[str, Decimal], ...] = ()
    # The scope its cap and its once-only apply within, when the rule's own (``RewardRule.
    # scope``) does not say it: e.g. ``ranking:<scheme>:<from>:<to>`` for a ranking's award.
    scope: str | None = None
    ranking_run_id: int | None = None  # the assessment run it rests on (basis)


@dataclass(frozen=True)
class RewardRule:
    """A reward: ``candidates(context)`` proposes, the core caps and checks eligibility.

    ``cap`` is per recipient and ``scope`` (万元): ``scope`` is ``"year"`` (the calendar year
    in which the run's period ends) or ``"period"``
    (the run's period); a candidate's own ``scope`` overrides it. The core subtracts what is
    already approved or paid in that scope before capping. ``excludes_public_officials``
    refuses state public officials with a readable reason.
    """

    code: str
    name: str
    candidates: Callable[[Any], list[RewardCandidate]]
    cap: Decimal | None = None
    excludes_public_officials: bool = False
    scope: str = "period"


@dataclass(frozen=True)
class Report:
    """A named report a city offers: ``build(context, params)`` returns rows."""

    code: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (key, Chinese heading)
    build: Callable[[Any, dict], list[dict]]


@dataclass(frozen=True)
class MapTarget:
    """An enterprise a plugin's own list courts for a chain of the investment map (招商地图).

    ``chain`` and ``link`` are codes of ``[[chains]]``; ``link=None`` places it on the chain as
    a whole. ``source`` names the list in Chinese (shown on the map); ``status_label`` says where
    the courting stands, in Chinese, if the list knows.
    """

    chain: str
    name: str
    source: str
    link: str | None = None
    status_label: str | None = None
    reference: str | None = None  # the row in the plugin's own list, e.g. "changsha_targets/7"
    # Places the target on the map's counties (core.map_geography) by its registering division.
    credit_code: str | None = None


# -- pages of the web interface -----------------------------------------------------------------

WEB_FORMATS = ("text", "amount", "count", "percent", "date", "yes_no", "list")
WEB_CHART_KINDS = ("bar", "line", "pie")
WEB_FILTER_KINDS = ("month", "year", "date", "text")
WEB_ROLES = ("clerk", "officer", "leader", "province", "admin")
# Where the web shows a city page: in the menu, and/or as sections of one project's or one
# lead's page (filtered by that record's id, the page's filter of that name).
WEB_PLACES = {"menu": None, "project": "project_id", "lead": "lead_id"}


def _web_path(path: str, what: str) -> None:
    """A page reads the city's own API only: a path under ``/api/v1/``, never out of it."""
    if not path or path.startswith("/") or "://" in path or ".." in path.split("/"):
        raise ValueError(f"{what} must be a path under the city's /api/v1/, got {path!r}")


@dataclass(frozen=True)
class WebColumn:
    """One column of a web table: ``key`` is a dotted path into a row.

    ``format`` tells the interface how to show the value: ``amount`` (万元 → 万元/亿元),
    ``count``, ``percent`` (a ratio 0–1), ``date``, ``yes_no`` (是/否), ``list`` (the
    ``item_key`` of each element, joined) or ``text``.
    """

    key: str
    heading: str
    format: str = "text"
    item_key: str | None = None

    def __post_init__(self) -> None:
        if self.format not in WEB_FORMATS:
            raise ValueError(f"column {self.key!r}: format must be one of {WEB_FORMATS}")


@dataclass(frozen=True)
class WebChart:
    """A chart drawn from a section's rows: ``category`` names each bar, point or slice and
    ``values`` are ``(key, series name)`` pairs."""

    kind: str
    title: str
    category: str
    values: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if self.kind not in WEB_CHART_KINDS:
            raise ValueError(f"chart {self.title!r}: kind must be one of {WEB_CHART_KINDS}")


@dataclass(frozen=True)
class WebSection:
    """A table (and its charts) read from one of the city's API paths.

    ``source`` is relative to the city's ``/api/v1/`` (``reports/sanming_battle``,
    ``ziyang/groups``); ``rows`` is the dotted path of the row list in its answer (empty:
    the answer is the list). ``export`` is the API path of the same rows as ``.xlsx``.
    """

    title: str
    source: str
    columns: tuple[WebColumn, ...]
    rows: str = ""
    charts: tuple[WebChart, ...] = ()
    export: str | None = None

    def __post_init__(self) -> None:
        _web_path(self.source, f"section {self.title!r} source")
        if self.export is not None:
            _web_path(self.export, f"section {self.title!r} export")


@dataclass(frozen=True)
class WebFilter:
    """A query parameter the person may set; it is sent to every section's source."""

    name: str
    label: str
    kind: str = "text"
    default: str | None = None
    # ``(code, 中文)`` pairs: the page offers a select of the names, never codes to type.
    choices: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in WEB_FILTER_KINDS:
            raise ValueError(f"filter {self.name!r}: kind must be one of {WEB_FILTER_KINDS}")


WEB_FIELD_KINDS = ("text", "textarea", "date", "number", "amount", "choice", "choices", "yes_no")
WEB_FORM_METHODS = ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class WebFormField:
    """One input of a declared form. ``name`` is the dotted path of its value in the body sent
    (``attributes.legal_review.reviewer``) or, when ``{name}`` appears in the form's ``target``,
    the part of the path it fills (Sanming's 法规账 item). ``choices`` are ``(code, 中文)`` pairs
    for ``choice`` (one) and ``choices`` (several: a list); ``yes_no`` sends true/false, ``number``
    a whole number, ``amount`` the decimal as typed (万元, never a float)."""

    name: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""

    def __post_init__(self) -> None:
        if self.kind not in WEB_FIELD_KINDS:
            raise ValueError(f"field {self.name!r}: kind must be one of {WEB_FIELD_KINDS}")
        if (self.kind in ("choice", "choices")) != bool(self.choices):
            raise ValueError(f"field {self.name!r}: choices go with kind choice or choices only")


@dataclass(frozen=True)
class WebForm:
    """A form the web shows with a city page, to record what the city's rules ask for (a gate's
    evidence, a review item): the gateway renders it and sends its values to ``target``, a path
    under the city's ``/api/v1/`` in which ``{project_id}``/``{lead_id}`` is the record's id and
    any other ``{name}`` is filled by the field of that name. ``satisfies`` names the refusal
    rules (``Refusal.rule``, a prefix) it answers: the transition dry-run points each such
    refusal to this form. ``roles`` are the gateway roles who see it (the API still decides)."""

    code: str
    title: str
    target: str
    fields: tuple[WebFormField, ...]
    method: str = "POST"
    roles: tuple[str, ...] = ("officer", "admin")
    satisfies: tuple[str, ...] = ()
    submit: str = "保存"
    description: str = ""

    def __post_init__(self) -> None:
        _web_path(self.target.replace("{", "").replace("}", ""), f"form {self.code!r} target")
        if self.method not in WEB_FORM_METHODS:
            raise ValueError(f"form {self.code!r}: method must be one of {WEB_FORM_METHODS}")
        unknown = sorted(set(self.roles) - set(WEB_ROLES))
        if unknown:
            raise ValueError(f"form {self.code!r}: unknown roles {unknown}")
        if not self.fields:
            raise ValueError(f"form {self.code!r} has no field")
        names = {item.name for item in self.fields} | set(WEB_PLACES.values())
        for placeholder in re.findall(r"{([^}]*)}", self.target):
            if placeholder not in names:
                raise ValueError(f"form {self.code!r}: {{{placeholder}}} in its target is "
                                 "neither the record's id nor one of its fields")

    def remedies(self, rule: str) -> bool:
        """Whether this form records what the refusal ``rule`` asks for."""
        return any(rule == prefix or rule.startswith(prefix + ".") for prefix in self.satisfies)


@dataclass(frozen=True)
class WebPage:
    """A city's own page of the web interface, declared as data: plugins ship no HTML.

    ``roles`` are the gateway roles who see it. ``shown_on`` says where (``WEB_PLACES``):
    ``menu`` (a page of its own in those roles' menu), ``project`` (its sections on each
    project's page, read with that project's id as the page's ``project_id`` filter), ``lead``
    (the same on each lead's page with ``lead_id``). A list that is also about one record (Pingliang's
    帮办代办) names both; a page that means nothing without its record (Sanming's 法规账
    review) names the record only.
    """

    code: str
    title: str
    sections: tuple[WebSection, ...]
    roles: tuple[str, ...] = ("officer", "leader", "admin")
    filters: tuple[WebFilter, ...] = ()
    description: str = ""
    shown_on: tuple[str, ...] = ("menu",)
    # Forms shown with the page's sections (on the record's page when shown there).
    forms: tuple[WebForm, ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.roles) - set(WEB_ROLES))
        if unknown:
            raise ValueError(f"page {self.code!r}: unknown roles {unknown}")
        if not self.sections:
            raise ValueError(f"page {self.code!r} has no section")
        places = sorted(set(self.shown_on) - set(WEB_PLACES))
        if not self.shown_on or places:
            raise ValueError(f"page {self.code!r}: shown_on must name some of "
                             f"{tuple(WEB_PLACES)}, got {self.shown_on!r}")
        names = {item.name for item in self.filters}
        for place in self.shown_on:
            # The record's id reaches the sections as this filter: a page without it would show
            # every record's rows on each record's page.
            needed = WEB_PLACES[place]
            if needed and needed not in names:
                raise ValueError(f"page {self.code!r} is shown on the {place} page: "
                                 f"it needs a filter named {needed!r}")
        for form in self.forms:
            # A form about one record is shown on that record's page only (its id fills the path).
            for place, needed in WEB_PLACES.items():
                if needed and f"{{{needed}}}" in form.target and place not in self.shown_on:
                    raise ValueError(f"page {self.code!r}: form {form.code!r} needs the "
                                     f"{place} page ({{{needed}}}); add it to shown_on")


def report_section(report: Report, formats: dict[str, str] | None = None,
                   charts: tuple[WebChart, ...] = (), title: str | None = None) -> WebSection:
    """A web section showing one of the city's reports (``reports`` hook) with its ``.xlsx``.

    ``formats`` gives a column's format by key; an amount column drops its "（万元）" heading
    suffix, since the page shows the unit with each amount (万元 or 亿元).
    """
    formats = formats or {}
    keys = {key for key, _ in report.columns}
    # A code with its name beside it (``unit`` and ``unit_name``) is for the workbook's matching;
    # the page shows the name only.
    columns = tuple(
        WebColumn(key, heading.replace("（万元）", "") if formats.get(key) == "amount" else heading,
                  formats.get(key, "text"))
        for key, heading in report.columns if f"{key}_name" not in keys)
    return WebSection(title=title or report.name, source=f"reports/{report.code}", rows="rows",
                      columns=columns, charts=charts, export=f"reports/{report.code}.xlsx")
