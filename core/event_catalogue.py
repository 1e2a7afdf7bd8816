"""The event catalogue: every event type the suite publishes, its version and its data.

The core's own types are declared here (:data:`CATALOGUE`). A city plugin declares its own
through the ``event_types`` hook (:mod:`core.hookspecs`), each named with the plugin's
prefix (``zhaoshang.<plugin>_<aggregate>.<fact>``): the catalogue a city writes with is
assembled (:func:`assemble`) from the core's and its enabled plugins'
(``City.event_catalogue``), the province's from the core's and every installed plugin's
(:mod:`core.plugin_events`). Two owners declaring one type stop startup
(:class:`CatalogueError`).

``docs/events.md`` is this catalogue in prose (its tables are generated from here, grouped by
owner: ``python -m core.event_catalogue --write docs/events.md``); the tests check that every
event written to an outbox in a full demo run matches its entry here, that every
``record_event(...)`` call in the code names a catalogued type, and that the document shows
the current catalogue.

Data travels as JSON: decimals (万元, ratios) as strings, dates as ``YYYY-MM-DD``, times as
ISO 8601 (see :func:`core.events.to_json_value`). A field is required unless marked
``optional``; ``nullable`` fields are present but may be ``null``. Unknown fields are a
mismatch: a new field is added here (and to the doc) in the same change.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.events import EVENT_TYPE_PREFIX, SCHEMA_VERSION

DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Field:
    """One data field: its JSON kind, and for objects/arrays what they hold."""

    kind: str  # string integer decimal date datetime boolean object array any
    description: str = ""
    nullable: bool = False
    optional: bool = False
    fields: dict[str, Field] | None = None  # an object's fields (None: any mapping)
    items: Field | None = None  # an array's items

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


def _is_decimal(value: Any) -> bool:
    return isinstance(value, str) and bool(DECIMAL.match(value))


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def _is_datetime(value: Any) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


KINDS: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "decimal": _is_decimal,
    "date": _is_date,
    "datetime": _is_datetime,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "any": lambda v: True,
}


def _field_of(kind: str) -> Any:
    def make(description: str = "", **kw: Any) -> Field:
        return Field(kind, description, **kw)

    make.__name__ = kind
    make.__doc__ = f"A {kind} field."
    return make


string = _field_of("string")
integer = _field_of("integer")
decimal = _field_of("decimal")
date = _field_of("date")
datetime = _field_of("datetime")
boolean = _field_of("boolean")


def obj(description: str = "", fields: dict[str, Field] | None = None, **kw: Any) -> Field:
    return Field("object", description, fields=fields, **kw)


def array(description: str = "", items: Field | None = None, **kw: Any) -> Field:
    return Field("array", description, items=items, **kw)


@dataclass(frozen=True)
class EventType:
    """A catalogued event type: ``zhaoshang.<aggregate>.<fact>``."""

    aggregate: str
    fact: str
    summary: str
    data: dict[str, Field]
    version: int = SCHEMA_VERSION
    owner: str = "core"  # or the city plugin that writes it
    description: str = ""
    # Names this type was published under before (a rename): the province still reads them,
    # as this type, while older records are in the topics (core.plugin_events.aliases).
    formerly: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        return f"{EVENT_TYPE_PREFIX}.{self.aggregate}.{self.fact}"

    @property
    def carries(self) -> str | None:
        """The aggregate whose full state every event of this type carries (``project`` or
        ``lead``), or None. Declared by the data: a project (lead) type whose fields include
        every field of :data:`PROJECT` (:data:`LEAD`) carries its state, so a consumer keeps
        the newest such event as the aggregate's state."""
        full = {"project": PROJECT, "lead": LEAD}.get(self.aggregate)
        return self.aggregate if full is not None and self.data.keys() >= full.keys() else None


# The core's own types. A plugin's are declared through its ``event_types`` hook, never here.
CATALOGUE: dict[str, EventType] = {}


class CatalogueError(ValueError):
    """Event types that cannot be assembled: one type declared by two owners, or a plugin's
    type without its prefix. Raised at startup (a city, the province)."""


def register(*event_types: EventType) -> None:
    """Add the core's own event types to :data:`CATALOGUE`."""
    for event_type in event_types:
        if event_type.type in CATALOGUE and CATALOGUE[event_type.type] != event_type:
            raise CatalogueError(f"event type {event_type.type} catalogued twice")
        CATALOGUE[event_type.type] = event_type


def plugin_prefix(plugin: str) -> str:
    """What every event type of ``plugin`` starts with: ``zhaoshang.<plugin>_`` (its aggregate
    is prefixed, so a plugin's types can never take a core type's or another city's name)."""
    return f"{EVENT_TYPE_PREFIX}.{plugin}_"


def assemble(declarations: Iterable[tuple[str, Iterable[EventType]]]) -> dict[str, EventType]:
    """The core's types plus each plugin's declared ones (``(plugin name, types)`` pairs).

    Refuses (:class:`CatalogueError`) a type without its plugin's prefix or owned by another
    name, a type two owners declare, and a former name that is some type's current one.
    """
    catalogue = dict(CATALOGUE)
    for plugin, event_types in declarations:
        for event_type in event_types:
            if event_type.owner != plugin or not event_type.type.startswith(plugin_prefix(plugin)):
                raise CatalogueError(
                    f"plugin {plugin} declares {event_type.type} (owner {event_type.owner}): a "
                    f"plugin's types are named {plugin_prefix(plugin)}<aggregate>.<fact> and "
                    f"owned by it")
            held = catalogue.get(event_type.type)
            if held is not None and held != event_type:
                raise CatalogueError(f"event type {event_type.type} is declared by both "
                                     f"{held.owner} and {plugin}")
            catalogue[event_type.type] = event_type
    renamed = [old for old in aliases(catalogue) if old in catalogue]
    if renamed:
        raise CatalogueError(f"former event type names still in use: {', '.join(renamed)}")
    return catalogue


def aliases(catalogue: Mapping[str, EventType]) -> dict[str, str]:
    """Former name → current name of every renamed type (read by the province)."""
    return {old: entry.type for entry in catalogue.values() for old in entry.formerly}


# --------------------------------------------------------------------------- validation


def problems_in(value: Any, spec: Field, path: str) -> list[str]:
    """Where ``value`` departs from ``spec`` (empty when it matches)."""
    if value is None:
        return [] if spec.nullable else [f"{path}: null but not nullable"]
    if not KINDS[spec.kind](value):
        return [f"{path}: {value!r} is not a {spec.kind}"]
    found: list[str] = []
    if spec.kind == "object" and spec.fields is not None:
        found += fields_problems(value, spec.fields, path)
    if spec.kind == "array" and spec.items is not None:
        for index, item in enumerate(value):
            found += problems_in(item, spec.items, f"{path}[{index}]")
    return found


def fields_problems(data: dict[str, Any], fields: dict[str, Field], path: str = "data") -> list[str]:
    found = [f"{path}.{name}: not catalogued" for name in sorted(set(data) - set(fields))]
    for name, spec in fields.items():
        if name not in data:
            if not spec.optional:
                found.append(f"{path}.{name}: missing")
            continue
        found += problems_in(data[name], spec, f"{path}.{name}")
    return found


def installed() -> dict[str, EventType]:
    """The core's types plus every installed city plugin's (:mod:`core.plugin_events`)."""
    from core.plugin_events import installed_catalogue

    return installed_catalogue()


def check_event(event_type: str, data: Any, version: int | None = None,
                catalogue: Mapping[str, EventType] | None = None) -> list[str]:
    """Every way an event's data departs from ``catalogue`` (by default the core's and every
    installed plugin's types); empty when it matches."""
    entry = (installed() if catalogue is None else catalogue).get(event_type)
    if entry is None:
        return [f"{event_type}: not in the event catalogue"]
    found = []
    if version is not None and version != entry.version:
        found.append(f"{event_type}: schema version {version}, catalogue says {entry.version}")
    if not isinstance(data, dict):
        return [*found, f"{event_type}: data is not an object"]
    return found + [f"{event_type}: {p}" for p in fields_problems(data, entry.data)]


# --------------------------------------------------------------------------- JSON Schema

_JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "string", "pattern": DECIMAL.pattern},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "boolean": {"type": "boolean"},
    "object": {"type": "object"},
    "array": {"type": "array"},
    "any": {},
}


def field_schema(spec: Field) -> dict[str, Any]:
    schema: dict[str, Any] = dict(_JSON_TYPES[spec.kind])
    if spec.description:
        schema["description"] = spec.description
    if spec.kind == "object" and spec.fields is not None:
        schema |= object_schema(spec.fields)
    if spec.kind == "array" and spec.items is not None:
        schema["items"] = field_schema(spec.items)
    if spec.nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


def object_schema(fields: dict[str, Field]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: field_schema(spec) for name, spec in fields.items()},
        "required": [name for name, spec in fields.items() if not spec.optional],
        "additionalProperties": False,
    }


def json_schema(event_type: str, catalogue: Mapping[str, EventType] | None = None
                ) -> dict[str, Any]:
    """The JSON Schema (2020-12) of an event type's data."""
    entry = (installed() if catalogue is None else catalogue)[event_type]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:zhaoshang:event:{entry.type}:v{entry.version}",
            "title": entry.summary} | object_schema(entry.data)


# --------------------------------------------------------------------------- markdown

CATALOGUE_BEGIN = "<!-- catalogue:begin (generated by python -m core.event_catalogue) -->"
CATALOGUE_END = "<!-- catalogue:end -->"


def _kind_label(spec: Field) -> str:
    label = spec.kind
    if spec.kind == "array" and spec.items is not None:
        label = f"array of {_kind_label(spec.items)}"
    if spec.nullable:
        label += " or null"
    if spec.optional:
        label += ", optional"
    return label


def _rows(fields: dict[str, Field], prefix: str = "") -> list[str]:
    rows = []
    for name, spec in fields.items():
        rows.append(f"| `{prefix}{name}` | {_kind_label(spec)} | {spec.description} |")
        nested = spec.fields if spec.kind == "object" else (
            spec.items.fields if spec.items is not None and spec.items.kind == "object" else None)
        if nested:
            marker = "[]." if spec.kind == "array" else "."
            rows += _rows(nested, f"{prefix}{name}{marker}")
    return rows


def _by_owner(catalogue: Mapping[str, EventType]) -> list[tuple[str, list[EventType]]]:
    """The core's types first, then each plugin's, by plugin name; types by name."""
    owners = sorted({entry.owner for entry in catalogue.values()},
                    key=lambda owner: (owner != "core", owner))
    return [(owner, sorted((e for e in catalogue.values() if e.owner == owner),
                           key=lambda e: e.type)) for owner in owners]


def markdown(catalogue: Mapping[str, EventType] | None = None) -> str:
    """The catalogue as the Markdown section of ``docs/events.md``: by default the core's and
    the suite's own city plugins' (the ``plugins`` package), grouped by owner."""
    if catalogue is None:
        from core.plugin_events import suite_catalogue

        catalogue = suite_catalogue()
    groups = _by_owner(catalogue)
    lines = [CATALOGUE_BEGIN]
    for owner, entries in groups:
        lines += ["", f"#### Declared by {'the core' if owner == 'core' else owner}", "",
                  "| type | version | what happened |", "|---|---|---|"]
        for entry in entries:
            name = entry.type
            formerly = "".join(f" (formerly `{old}`)" for old in entry.formerly)
            lines.append(f"| [`{name}`](#{name.replace('.', '')}) | {entry.version} | "
                         f"{entry.summary}{formerly} |")
    shared: dict[int, tuple[str, str]] = {}
    for entry in (entry for _, entries in groups for entry in entries):
        name = entry.type
        lines += ["", f"### {name}", "", f"{entry.summary} (version {entry.version}, "
                  f"written by {entry.owner}; key: the {entry.aggregate} id).", ""]
        if entry.formerly:
            lines += ["Published before as " + ", ".join(f"`{old}`" for old in entry.formerly)
                      + ": the province reads that name as this type.", ""]
        if entry.description:
            lines += [entry.description, ""]
        first = shared.get(id(entry.data))
        if first is not None:
            lines.append(f"Data: the same fields as [`{first[0]}`](#{first[1]}).")
            continue
        shared[id(entry.data)] = (name, name.replace(".", ""))
        lines += ["| field | kind | meaning |", "|---|---|---|", *_rows(entry.data)]
    lines += ["", CATALOGUE_END]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the catalogue

ENTERPRISE = {
    "name": string("企业名称 as entered"),
    "normalized_name": string("matching key of the name (core.names)"),
    "credit_code": string("统一社会信用代码", nullable=True),
    "origin_province": string("the investor's home province, canonical GB/T 2260 name "
                              "(甘肃省); null when unknown", nullable=True),
}

LEAD = {
    "lead_id": integer("the lead's id in its city"),
    "title": string("线索名称"),
    "status": string("reported, assigned, converted or rejected"),
    "industry": string("industry code of the city's catalogue", nullable=True),
    "intended_amount": decimal("意向投资额, 万元", nullable=True),
    "channel": string("招商方式 code: the core's defaults plus the city's [vocabularies]"),
    "contact_name": string("联系人 at the investor", nullable=True, optional=True),
    "contact_phone": string("联系电话: 11-digit mobile or area-number[-extension] landline",
                            nullable=True, optional=True),
    "reported_on": date("报送日期"),
    "reporting_unit": string("报送单位 code"),
    "first_talk_due": date("deadline to name the first-talk location", nullable=True),
    "first_talk_unit": string("首谈地 unit code", nullable=True),
    "enterprise": obj("the investor", ENTERPRISE),
    "duplicate_of_id": integer("an earlier lead about the same investor", nullable=True),
    "project_id": integer("the project it became", nullable=True),
}

PROJECT = {
    "project_id": integer("the project's id in its city"),
    "name": string("项目名称"),
    "industry": string("industry code", nullable=True),
    "amount": decimal("总投资, 万元"),
    "agreement_amount": decimal("协议投资额, 万元", nullable=True),
    "stage": string("reserve, negotiating, signed, started, completed, lost, cleared"),
    "status": string("ongoing, delayed, stalled, reattraction"),
    "tiers": array("the city's classification (key, major, …)", string()),
    "finding_unit": string("招商方 unit code"),
    "host_unit": string("落户方 unit code"),
    "channel": string("招商方式 code"),
    "out_of_province": boolean("省外 investor, derived from its province; null when unknown",
                               nullable=True),
    "signed_on": date("签约日期", nullable=True),
    "started_on": date("开工日期", nullable=True),
    "completed_on": date("竣工投产日期", nullable=True),
    "lost_on": date(nullable=True),
    "cleared_on": date(nullable=True),
    "arrived_amount": decimal("到位资金 so far: tranches the office verified (已核实), 万元"),
    "arrived_pending_amount": decimal("tranches awaiting verification (待核实), 万元; never in "
                                      "figures", optional=True),
    "funds": array("every tranche of arrived funds", obj(fields={
        "id": integer(), "arrived_on": date(), "amount": decimal("万元"),
        "verification": string("pending, verified or rejected")})),
    "enterprise": obj("the investor", ENTERPRISE | {"tags": array("企业标签", string())}),
}

TRANCHE = {
    "id": integer(), "arrived_on": date(), "amount": decimal(), "evidence_ref": string(),
    "payer_name": string("出资方: the organisation that paid", nullable=True, optional=True),
    "payer_credit_code": string("出资方统一社会信用代码", nullable=True, optional=True),
    "over_agreement": boolean("the project's arrived total is beyond agreement × "
                              "policy.funds_over_agreement_ratio", optional=True),
    "over_agreement_ratio": decimal("that total over the agreement amount", nullable=True,
                                    optional=True),
}

MILESTONE = {
    "kind": string("start, completion or production"),
    "planned_on": date("the agreed date"),
    "original_planned_on": date("the first agreed date, kept forever"),
    "actual_on": date(nullable=True),
}

REPLAN = {
    "replan_id": integer(), "kind": string("start, completion or production"),
    "original_planned_on": date("the milestone's first agreed date"),
    "previous_on": date("the agreed date it replaces"),
    "planned_on": date("the date asked for"),
    "reason": string("调整理由"),
    "status": string("pending, approved or rejected"),
    "requested_by": string(), "decided_by": string(nullable=True),
    "decided_on": date("the city's day of the decision", nullable=True),
    "decision_reason": string("审批意见", nullable=True),
    "late": boolean("approved after the replaced date had passed: still counted overdue"),
}

TRANSFER = {
    "from_unit": string(), "to_unit": string(),
    "indicator_share_from": decimal("the finding unit's share of indicators"),
    "tax_share_from": decimal("the finding unit's share of tax"),
    "indicator_sharing_from": string("signing or start"),
    "tax_sharing_from": string("signing or first_tax"),
}

register(
    EventType("lead", "reported", "a unit reported a lead (招商线索)", LEAD),
    EventType("lead", "assigned", "the office named the first-talk location (首谈地)",
              LEAD | {"assigned_on": date(), "overdue": boolean("judged after its deadline")}),
    EventType("lead", "converted", "the lead became a project", LEAD),
    EventType("lead", "restated", "the lead's current state, re-sent as a new event", LEAD,
              description="Written for every lead by `zhaoshang relay republish --state`."),
    EventType("lead", "rejected", "the lead was turned back",
              LEAD | {"reason": string("退回原因"),
                      "judged_on": date("the day it was judged, by the server's clock",
                                        nullable=True),
                      "overdue": boolean("judged after its deadline")}),
    EventType("project", "created", "a project was registered", PROJECT,
              description="Every project event carries the project's full state, so a "
              "consumer keeps the latest one (by `ce_sequence`)."),
    EventType("project", "updated", "fields of a project changed",
              PROJECT | {"changed": array("names of the changed fields", string())}),
    EventType("project", "stage_changed", "the project moved in its lifecycle",
              PROJECT | {"from_stage": string(), "to_stage": string(), "occurred_on": date(),
                         "reason": string(nullable=True)}),
    EventType("project", "date_corrected",
              "the office corrected a stage date, with its reason (更正阶段日期)",
              PROJECT | {"correction": obj(fields={
                  "field": string("signed_on, started_on, completed_on, lost_on or cleared_on"),
                  "before": date("the date before the correction"),
                  "after": date("the corrected date"), "reason": string("更正原因")})}),
    EventType("project", "funds_reported", "a tranche of arrived funds was reported",
              PROJECT | {"tranche": obj(fields=TRANCHE)}),
    EventType("project", "funds_verified", "the office verified or rejected a tranche",
              PROJECT | {"tranche_id": integer(), "verification": string(),
                         "reason": string("the office's reason (required to confirm an arrival "
                                          "over the agreement)", nullable=True, optional=True),
                         "over_agreement_confirmed": boolean(
                             "verified although over the agreement, on the office's "
                             "confirmation", optional=True)}),
    EventType("project", "milestone_set", "a planned/actual milestone date was set",
              PROJECT | {"milestone": obj(fields={"kind": string(), "planned_on": date(),
                                                  "actual_on": date(nullable=True)})}),
    EventType("project", "milestone_replan_requested",
              "the owning unit asked to move a milestone's agreed date (节点调整申请)",
              PROJECT | {"replan": obj(fields=REPLAN)}),
    EventType("project", "milestone_replan_approved",
              "the office approved a re-plan: the milestone's agreed date moved",
              PROJECT | {"milestone": obj(fields=MILESTONE), "replan": obj(fields=REPLAN)}),
    EventType("project", "milestone_replan_rejected",
              "the office rejected a re-plan: the agreed date stays",
              PROJECT | {"milestone": obj(fields=MILESTONE), "replan": obj(fields=REPLAN)}),
    EventType("project", "transferred", "the project moved to the unit where it lands (流转)",
              PROJECT | {"transfer": obj(fields=TRANSFER)}),
    EventType("project", "restated", "the project's current state, re-sent as a new event",
              PROJECT, description="Written for every project by `zhaoshang relay republish "
              "--state` (a new or rebuilt province): nothing changed."),
    EventType("city", "snapshot", "the city's periodic totals, for reconciliation", {
        "projects": integer("projects held"),
        "projects_by_stage": obj("stage → number of projects"),
        "signed_amount": decimal("total investment of every project ever signed, 万元"),
        "arrived_amount": decimal("arrived funds verified by the office (已核实), 万元"),
        "leads": integer("leads held"),
        "events_before": integer("outbox events written before this one"),
        "taken_at": datetime("when the snapshot was taken"),
    }, description="Written by `zhaoshang snapshot --city <code>` (run it from cron). The "
              "province compares it with what it received (`/api/v1/province/completeness`)."),
)


# --------------------------------------------------------------------------- core mechanisms

WARNING = {
    "warning_id": integer(),
    "subject_type": string("project, lead, matter, …"),
    "subject_id": integer(),
    "unit": string("the responsible unit's code", nullable=True),
    "rule_code": string(), "rule_name": string(),
    "level": string("red, yellow or blue"), "level_label": string("红色/黄色/蓝色预警"),
    "reason": string(), "since": date("the day the lag began"),
    "raised_at": datetime(), "cleared_at": datetime(nullable=True),
}

RUN = {
    "run_id": integer(), "scheme_code": string(), "scheme_name": string(),
    "period_kind": string("month, quarter, half or year"), "period": string("e.g. 2024Q1"),
    "period_start": date(), "period_end": date(), "rules_year": integer(),
    "status": string("draft, published or superseded"),
    "published_on": date("the day of publication in the city's zone", nullable=True),
    "published_at": datetime("the server's time of publication", nullable=True),
    "published_by": string(nullable=True),
    "objection_deadline": date(nullable=True),
    "supersedes_run_id": integer("the run this one replaced as published", nullable=True),
    "superseded_by_run_id": integer("the corrected run that replaced this one", nullable=True),
    "superseded_at": datetime(nullable=True), "superseded_by": string(nullable=True),
    "supersession_reason": string(nullable=True),
    "not_computed": array("items that could not be computed, with the reason", obj(fields={
        "item": string(), "name": string(), "reason": string(),
        "units": array(items=string())})),
    "ranking": array("each unit's rank and total score", obj(fields={
        "unit": string(), "rank": integer(), "total": decimal()})),
}

OBJECTION = {
    "objection_id": integer(), "run_id": integer(), "unit": string(), "text": string(),
    "filed_on": date(), "filed_by": string(), "status": string("open or answered"),
    "answer": string(nullable=True), "answered_by": string(nullable=True),
}

EVALUATION = {
    "evaluation_id": integer(), "form": string("the city's evaluation form code"),
    "form_name": string(), "subject": string("project or enterprise"),
    "project_id": integer(nullable=True), "enterprise_id": integer(nullable=True),
    "level": string("city or county"), "status": string("created or the last step done"),
}

MATTER = {
    "matter_id": integer(), "project_id": integer(), "kind": string("finance, land, tax, …"),
    "title": string(), "status": string(), "decision_level": string("who decides it"),
    "owner_unit": string("首问负责单位"), "requested_amount": decimal("万元", nullable=True),
    "support_amount": decimal("万元 offered", nullable=True),
}

register(
    EventType("warning", "raised", "a project or deadline started to lag (预警)", WARNING),
    EventType("warning", "changed", "an open warning changed level or reason",
              WARNING | {"previous_level": string()}),
    EventType("warning", "cleared", "the lag is over", WARNING),
    EventType("assessment", "computed", "a unit assessment was computed (draft)", RUN),
    EventType("assessment", "published", "an assessment ranking was published", RUN | {
        "acknowledged_incomplete": boolean("published with items not computed, acknowledged")}),
    EventType("assessment", "superseded",
              "a published ranking was replaced by a corrected run of the same period (kept)", RUN),
    EventType("assessment", "objection_filed", "a unit disputed its result", OBJECTION),
    EventType("assessment", "objection_answered", "the office answered an objection",
              OBJECTION),
    EventType("evaluation", "created", "a project/enterprise evaluation was opened",
              EVALUATION | {"reviewers": array("reviewer names", string())}),
    EventType("evaluation", "reviewers_assigned", "reviewers were added to an evaluation",
              EVALUATION | {"reviewers": array(items=obj(fields={
                  "id": integer(), "kind": string("expert, unit or person"), "name": string(),
                  "role": string(nullable=True)}))}),
    EventType("evaluation", "scored", "a reviewer scored an evaluation",
              EVALUATION | {"reviewer_id": integer(),
                            "scores": array(items=obj(fields={"dimension": string(),
                                                              "score": decimal()})),
                            "hard_refusals": array(items=obj(fields={
                                "code": string(), "ticked": boolean(),
                                "note": string(nullable=True)})),
                            "current_result": decimal(nullable=True),
                            "current_passed": boolean(nullable=True)}),
    EventType("evaluation", "step_completed", "a review step of an evaluation was completed",
              EVALUATION | {"step": string(), "opinion": string(nullable=True),
                            "decision": string(nullable=True), "actor": string()}),
    EventType("evaluation", "decided", "an evaluation was approved or rejected",
              EVALUATION | {"decision": string(), "result": decimal(nullable=True),
                            "passed": boolean(nullable=True), "rating": string(nullable=True),
                            "failures": array(items=obj(fields={"rule": string(),
                                                                "message": string()})),
                            "decided_by": string()}),
    EventType("chain_target", "added",
              "an enterprise joined the investment map's target list (招商目标企业)", {
                  "target_id": integer(), "chain": string("chain code of [[chains]]"),
                  "link": string("link code; null: the chain as a whole", nullable=True),
                  "name": string(), "credit_code": string(nullable=True),
                  "tags": array(items=string()), "status": string(),
                  "note": string(nullable=True), "actor": string()}),
    EventType("expert", "added", "an expert joined the city's expert pool", {
        "expert_id": integer(), "name": string(), "field": string(),
        "organisation": string(nullable=True)}),
    EventType("matter", "requested", "a project asked the city for a decision (协调事项)",
              MATTER | {"request": string(), "requested_on": date(), "actor": string()}),
    EventType("matter", "escalated", "a matter went up to a higher decision level",
              MATTER | {"from_level": string(nullable=True), "to_level": string()}),
    EventType("matter", "proposed", "the owner proposed how to settle a matter",
              MATTER | {"proposal": string(nullable=True), "actor": string()}),
    EventType("matter", "work_order_issued", "a unit was given a task for a matter",
              MATTER | {"work_order": obj(fields={
                  "id": integer(), "unit": string(), "task": string(), "issued_on": date(),
                  "due_on": date(), "due_estimated": boolean()})}),
    EventType("matter", "work_order_done", "a unit finished its task",
              MATTER | {"work_order": obj(fields={
                  "id": integer(), "unit": string(), "done_on": date(), "due_on": date(),
                  "overdue": boolean()})}),
    EventType("matter", "decided", "a matter was decided (一事一议)",
              MATTER | {"decision": string(nullable=True), "decision_text": string(nullable=True),
                        "decided_by": string(), "decided_on": date(nullable=True),
                        "meeting_ref": string(nullable=True),
                        "conditions": array(items=obj(fields={
                            "id": integer(), "text": string(),
                            "due_on": date(nullable=True)}))}),
    EventType("matter", "condition_checked", "a condition of a decision was checked",
              MATTER | {"condition": obj(fields={
                  "id": integer(), "text": string(), "met": boolean(nullable=True),
                  "checked_on": date(nullable=True), "due_on": date(nullable=True)}),
                        "conditions_met": boolean(nullable=True)}),
)

REWARD = {
    "reward_id": integer(), "run_id": integer(), "period_start": date(), "period_end": date(),
    "rule_code": string(), "rule_name": string(),
    "recipient_type": string("unit, team, person or intermediary"),
    "recipient_id": integer(nullable=True), "recipient_name": string(),
    "uncapped_amount": decimal("万元"), "amount": decimal("万元 after the cap"),
    "cap": decimal(nullable=True), "capped": boolean(), "eligible": boolean(),
    "ineligible_reason": string(nullable=True), "basis": string(),
    "project_ids": array(items=integer()),
    "state": string("proposed, approved, rejected, paid or superseded"),
    "scope_key": string("rule|recipient|year or ranking the cap applies within", nullable=True),
    "items": array(items=obj(fields={"key": string("tranche:<id>, ranking:…, period:…"),
                                     "amount": decimal("万元 before the cap")})),
    "reductions": array(items=string("a reduction or refusal, Chinese")),
    "ranking_run_id": integer(nullable=True), "superseded_by_id": integer(nullable=True),
    "decided_by": string(nullable=True), "decision_reason": string(nullable=True),
    "voucher_ref": string(nullable=True), "paid_on": date(nullable=True),
}
register(
    EventType("reward", "proposed", "a reward run proposed a ledger line (eligible or refused, "
              "capped against what is already approved or paid)", REWARD),
    EventType("reward", "superseded", "a later run proposed the same items again", REWARD),
    EventType("reward", "approved", "the office approved a reward line", REWARD),
    EventType("reward", "rejected", "the office rejected a reward line, with the reason", REWARD),
    EventType("reward", "paid", "the office recorded the payment of an approved line", REWARD),
)


INTERMEDIARY = {
    "intermediary_id": integer(), "name": string(), "kind": string(
        "firm (中介机构), advisor, ambassador or individual"),
    "credit_code": string(nullable=True), "roles": array(items=string()),
    "status": string("active or inactive"),
    "public_official": string("yes, no or unknown (是否国家公职人员)"),
    "public_official_confirmed_at": datetime(nullable=True),
}
register(
    EventType("intermediary", "registered",
              "the office registered someone who introduces investment (引荐人名录)", INTERMEDIARY),
    EventType("intermediary", "updated", "the office corrected a registry entry", INTERMEDIARY),
    EventType("intermediary", "public_official_confirmed",
              "the office confirmed whether an entry is a state public official", INTERMEDIARY),
    EventType("intermediary", "status_changed", "an entry was deactivated or restored",
              INTERMEDIARY),
)


# --------------------------------------------------------------------------- for plugins


def loose(**kinds: str) -> dict[str, Field]:
    """Plugin data whose fields may each be null (the plugin's model decides)."""
    return {name: Field(kind, nullable=True) for name, kind in kinds.items()}


def write_into(path: str) -> None:
    """Replace the catalogue section of a Markdown file (``docs/events.md``) in place."""
    from pathlib import Path

    document = Path(path)
    text = document.read_text(encoding="utf-8")
    start, end = text.index(CATALOGUE_BEGIN), text.index(CATALOGUE_END) + len(CATALOGUE_END)
    document.write_text(text[:start] + markdown().rstrip("\n") + text[end:], encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:2] == ["--write"]:
        write_into(sys.argv[2] if len(sys.argv) > 2 else "docs/events.md")
    else:
        sys.stdout.write(markdown())
