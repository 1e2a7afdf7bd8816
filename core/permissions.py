"""Who may perform an operation: one small vocabulary, declared on every operation.

Every operation of the core and of every plugin names its rule (``operation(..., who=...)``);
a city service refuses to start if one does not. The service enforces the rule once, before the
view runs, on the identity the gateway signed (:func:`authorise`): a refusal is a 403 problem,
nothing is written, and the gateway's audit log records it as refused with its code.

The vocabulary (``docs/permissions.md`` is generated from it):

=================  ==========================================================================
``READER``         anyone of the city, the province's users and administrators (reads only)
``OWN_UNIT``       the clerk of the record's own unit, or the office
``PARTIES``        the clerk of either side (a transfer, a settlement), or the office
``OFFICE``         the city's investment office (officers; administrators)
``LEADER``         a city leader
``DECIDER``        the office or a city leader (the record says which level decides)
``REVIEWER``       an evaluation's reviewers: its project's units' clerks, the office, leaders
``ADMIN``          administrators
``IMPORTER``       the office, or a clerk importing a ledger (each row checked for their unit)
``SIGNED_IN``      any signed-in user of the city, acting on their own settings only
=================  ==========================================================================

A unit-scoped rule (``OWN_UNIT``, ``PARTIES``) is bound to the record's units with
:meth:`Permission.of`: a function of the request (:class:`AccessRequest`) returning the codes of
the units the record belongs to — for a clerk, theirs must be one of them. A plugin adds a rule of
its own by building a :class:`Permission` (``core.toolkit``).

Fields only the office may set (key flags, tiers, judgement dates, gate evidence) carry
``metadata={OFFICE_ONLY: True}`` on their schema field; a clerk who sends one (even to clear
it) is refused with a field-level 403 naming the field (:func:`office_only_problems`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from marshmallow import Schema, fields

from core.identity import READ_METHODS, Actor
from core.policy import FieldProblem
from core.problems import Problem

# Metadata key of a schema field that only the office may set; also its OpenAPI extension.
OFFICE_ONLY = "x-office-only"
# The OpenAPI extension carrying an operation's rule.
PERMISSION_EXTENSION = "x-permission"

ROLE_LABELS = {"clerk": "经办人", "officer": "市招商部门", "leader": "市领导", "province": "省级用户",
               "admin": "系统管理员", "system": "系统"}


@dataclass(frozen=True)
class AccessRequest:
    """What a unit resolver may look at: the request's path arguments, its JSON body, the
    database session and the city."""

    session: Any
    city: Any
    view_args: Mapping[str, Any]
    body: Mapping[str, Any]
    query: Mapping[str, Any]


UnitResolver = Callable[[AccessRequest], Iterable[str] | None]


@dataclass(frozen=True)
class Permission:
    """A named rule: which roles may perform an operation, and for clerks, on which units."""

    code: str
    label: str  # Chinese, shown in refusals, the OpenAPI document and docs/permissions.md
    roles: frozenset[str]
    reads_only: bool = False
    unit_scoped: bool = False  # a clerk acts only on the record's own unit(s)
    units: UnitResolver | None = field(default=None, compare=False)
    unit_source: str = ""  # how the record's units are found, for the documentation

    def of(self, units: UnitResolver, source: str = "") -> Permission:
        """This rule bound to the units of the record (``units(request)`` → unit codes)."""
        if not self.unit_scoped:
            raise ValueError(f"permission {self.code} is not scoped to units")
        return replace(self, units=units, unit_source=source or getattr(units, "__doc__", "") or "")

    def allows_role(self, actor: Actor) -> bool:
        return actor.role in self.roles

    def describe(self) -> dict[str, Any]:
        """The rule as the OpenAPI ``x-permission`` extension shows it."""
        described: dict[str, Any] = {"rule": self.code, "label": self.label,
                                     "roles": sorted(self.roles)}
        if self.unit_scoped:
            described["clerk_units"] = self.unit_source or "记录所属单位"
            unit_fields = getattr(self.units, "fields", None)
            if unit_fields:
                described["unit_fields"] = list(unit_fields)
            record_fields = getattr(self.units, "record_fields", None)
            if record_fields:
                described["record_fields"] = list(record_fields)
        return described


_CITY_READERS = frozenset({"clerk", "officer", "leader", "province", "admin", "system"})
_OFFICE = frozenset({"officer", "admin", "system"})

READER = Permission("reader", "本市用户、省级用户与管理员均可查看", _CITY_READERS, reads_only=True)
OWN_UNIT = Permission("own_unit", "记录所属单位的经办人或市招商部门",
                      frozenset({"clerk"}) | _OFFICE, unit_scoped=True)
PARTIES = Permission("parties", "双方单位的经办人或市招商部门", frozenset({"clerk"}) | _OFFICE,
                     unit_scoped=True)
OFFICE = Permission("office", "市招商部门", _OFFICE)
LEADER = Permission("leader", "市领导", frozenset({"leader", "system"}))
DECIDER = Permission("decider", "市招商部门或市领导（按决策层级）", _OFFICE | {"leader"})
ADMIN = Permission("admin", "系统管理员", frozenset({"admin", "system"}))
# An evaluation's scores and steps: a county-level review is run by the project's own units'
# clerks; the city's by the office and its leaders (the step's own rule may narrow it).
REVIEWER = Permission("reviewer", "评估所涉单位的经办人（县级评估）、市招商部门或市领导",
                      frozenset({"clerk", "leader"}) | _OFFICE, unit_scoped=True)

# A ledger import: the file names its rows' units, so the rule cannot bind the request to one;
# each row goes through the service a form would call, which refuses a clerk's row of another
# unit (``ensure_unit``) as a problem of that row (core.ledger_import).
IMPORTER = Permission("importer", "市招商部门，或经办人导入本单位的记录（逐行核对单位）",
                      frozenset({"clerk"}) | _OFFICE)

# One's own settings (how one is reminded): every signed-in user of the city; the view acts on
# the caller's own records only (a province user only reads).
SIGNED_IN = Permission("signed_in", "本市任一已登录用户（仅限本人的设置）",
                       frozenset({"clerk", "leader"}) | _OFFICE)

VOCABULARY = (READER, OWN_UNIT, PARTIES, OFFICE, LEADER, DECIDER, REVIEWER, ADMIN, IMPORTER,
              SIGNED_IN)


def body_units(*names: str) -> UnitResolver:
    """The units named by the body's ``names`` (e.g. ``reporting_unit``)."""

    def resolve(request: AccessRequest) -> list[str]:
        return [str(request.body[name]) for name in names if request.body.get(name)]

    resolve.__doc__ = "请求中的 " + "、".join(names)
    resolve.fields = names  # type: ignore[attr-defined]  # for x-permission's unit_fields
    return resolve


def forbidden_role(permission: Permission, actor: Actor) -> Problem:
    role = ROLE_LABELS.get(actor.role, actor.role)
    return Problem(403, "forbidden_role", "无权操作",
                   f"此操作限{permission.label}办理，{role}账号不能办理",
                   permission=permission.code)


def forbidden_unit(actor: Actor, units: Iterable[str], unit_names: Mapping[str, str]) -> Problem:
    own = unit_names.get(actor.unit or "", actor.unit or "未绑定单位")
    targets = "、".join(unit_names.get(code, code) for code in sorted(set(units))) or "其他单位"
    # ``units`` lets a program (and the permission matrix) see which units may act instead.
    return Problem(403, "forbidden_unit", "无权操作",
                   f"您属于{own}，只能办理本单位的事项；此记录属于{targets}",
                   units=sorted(set(units)))


def authorise(permission: Permission, actor: Actor, method: str,
              request_for_units: Callable[[], AccessRequest],
              unit_names: Callable[[], Mapping[str, str]]) -> None:
    """Raise the 403 problem ``permission`` gives ``actor`` for this request, if any."""
    if permission.reads_only and method.upper() not in READ_METHODS:
        raise ValueError(f"permission {permission.code} only covers reads, not {method}")
    if not permission.allows_role(actor):
        raise forbidden_role(permission, actor)
    if actor.role != "clerk" or not permission.unit_scoped:
        return
    if permission.units is None:
        raise ValueError(f"permission {permission.code} is not bound to the record's units")
    units = permission.units(request_for_units())
    if units is None:
        return  # no such record: the view answers 404
    units = list(units)
    if actor.unit not in units:
        raise forbidden_unit(actor, units, unit_names())


def office_only_fields(schema: type[Schema] | Schema) -> dict[str, str]:
    """The office-only fields of ``schema`` (data key → label), nested schemas included."""
    if isinstance(schema, type):
        # A class's fields are fixed: found once per process, not on every clerk's write.
        return dict(_office_only_fields_of_class(schema))
    return _office_only_fields(schema)


@functools.cache
def _office_only_fields_of_class(schema: type[Schema]) -> dict[str, str]:
    return _office_only_fields(schema())


def _office_only_fields(instance: Schema) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, declared in instance.fields.items():
        key = declared.data_key or name
        if declared.metadata.get(OFFICE_ONLY):
            found[key] = str(declared.metadata.get("description") or key)
        elif isinstance(declared, fields.Nested) and isinstance(declared.schema, Schema):
            for inner, label in office_only_fields(declared.schema).items():
                found[f"{key}.{inner}"] = label
    return found


def office_only_problems(schema: type[Schema] | Schema, payload: Any, actor: Actor,
                         prefix: str = "") -> list[FieldProblem]:
    """A field-level refusal for each office-only field a non-office ``actor`` sent (named
    ``prefix`` + its key: ``attributes.key_project`` for a city's ``attributes`` schema)."""
    if actor.role in OFFICE.roles or not isinstance(payload, Mapping):
        return []
    problems = []
    for path, label in office_only_fields(schema).items():
        value: Any = payload
        for part in path.split("."):
            if not isinstance(value, Mapping) or part not in value:
                break
            value = value[part]
        else:
            role = ROLE_LABELS.get(actor.role, actor.role)
            problems.append(FieldProblem(prefix + path, "field.office_only",
                                         f"{label}由市招商部门填写，{role}不能填写或清除"))
    return problems


def forbidden_fields(problems: list[FieldProblem]) -> Problem:
    return Problem(403, "forbidden_field", "无权填写",
                   "；".join(f"{e.field}：{e.message}" for e in problems), problems)


def ensure_permission(permission: Permission, actor: Actor) -> None:
    """A service-level check of a rule's roles (a step whose rule depends on the record)."""
    if not permission.allows_role(actor):
        raise forbidden_role(permission, actor)
