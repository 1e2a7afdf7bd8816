"""The project list read without the ORM: one Core ``select`` of the columns ``ProjectSchema``
dumps (the investor's and the two unit codes joined), the page's milestones and funds in one
statement (a ``UNION ALL``), and a row → dict function compiled once per process from the schema itself.

The answer is the one ``ProjectSchema`` gives for the ORM records (``tests/api/
test_project_rows.py`` compares them): each value is formatted by its own field's
``_serialize`` (a string, integer or boolean column as it comes), ``fields.Function`` gets
the row, whose labels are the attributes it reads. What a list page no longer does: build
about 70 ORM objects in the identity map, read the units' and other unused columns (their JSON
decoded per row), and look each value up through marshmallow's per-field wrappers.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from marshmallow import Schema, fields
from sqlalchemy.orm import Session, aliased

from core.api.support import dumper
from core.models import Enterprise, FundTranche, Intermediary, Milestone, Project, Unit
from core.schemas.projects import MilestoneSchema, ProjectSchema

# Read from the page's children, not from the row (Project's properties over its funds).
CHILDREN = ("arrived_amount", "arrived_pending_amount", "milestones")
# Filled in by the single-project views (project_body), absent from a list's records.
VIEW_ONLY = ("next_stage", "incomplete_fields", "tier_names", "checklist")
# A string, integer or boolean column's value is already what its field dumps.
AS_IS = (fields.String, fields.Integer, fields.Boolean)
ENTERPRISE = "enterprise__"

Dump = Callable[[Any, dict[str, Any]], dict[str, Any]]


def _formatter(field: fields.Field) -> Callable[[Any], Any] | None:
    """How a column's value is formatted for ``field``: None when it dumps as it comes."""
    if type(field).serialize is not fields.Field.serialize:
        raise TypeError(f"{field!r} dumps through its own serialize: not compiled")
    if type(field) in AS_IS:
        return None
    if type(field) is fields.Date and field.format in (None, "iso"):
        return dt.date.isoformat  # what the field's own ISO formatting calls, minus its dispatch
    serialize = field._serialize
    return lambda value: serialize(value, None, None)


def _function(field: fields.Function, name: str) -> Callable[[Any], Any]:
    """A ``fields.Function``'s value of a row: its function itself, unless the field's class
    serializes in its own way."""
    if type(field)._serialize is fields.Function._serialize:
        return field.serialize_func  # what Function._serialize calls, and nothing else
    serialize = field._serialize
    return lambda row: serialize(None, name, row)


def compile_dump(schema: Schema, labels: dict[str, int], children: tuple[str, ...] = (),
                 absent: tuple[str, ...] = ()) -> Dump:
    """``dump(row, kids)``: ``schema``'s dict of a row whose column ``labels[name]`` holds the
    value of field ``name``; a nested schema reads its own labels (``name__field``) in the same
    row; ``children`` are in ``kids`` (already dumped by their own function or formatted here);
    ``absent`` fields are left out, as a record without the attribute dumps them.

    The function is generated (as :mod:`dataclasses` generates ``__init__``): one dict display,
    in the schema's order, of each field's expression — ``row[3]`` for a column that dumps as
    it comes, a formatter's call otherwise. A list page dumps about 40 fields for each of its
    projects and milestones, and a call per field (the first compiled form) cost a fifth of the
    request.
    """
    helpers: dict[str, Any] = {}  # what the generated code calls, by the name it uses

    def helper(function: Callable[..., Any]) -> str:
        name = f"_{len(helpers)}"
        helpers[name] = function
        return name

    entries: list[str] = []
    for name, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else name
        if name in absent:
            continue
        if name in children:
            if isinstance(field, fields.List):  # already dumped, one dict per child
                value = f"kids[{name!r}]"
            else:
                formatter = _formatter(field)
                assert formatter is not None
                value = f"{helper(formatter)}(kids[{name!r}])"
        elif isinstance(field, fields.Function):
            value = f"{helper(_function(field, name))}(row)"
        elif isinstance(field, fields.Nested):
            prefix = f"{name}__"
            nested = compile_dump(field.schema, {
                label[len(prefix):]: index for label, index in labels.items()
                if label.startswith(prefix)})
            value = f"{helper(nested)}(row, kids)"
        elif name in labels:
            column = f"row[{labels[name]:d}]"
            formatter = _formatter(field)
            value = column if formatter is None else (
                f"(None if {column} is None else {helper(formatter)}({column}))")
        else:
            raise LookupError(f"{type(schema).__name__}.{name} has no column in the list's row")
        entries.append(f"{key!r}: {value}")
    source = "def dump(row, kids):\n    return {" + ", ".join(entries) + "}\n"
    namespace = dict(helpers)
    exec(compile(source, f"<dump of {type(schema).__name__}>", "exec"), namespace)  # noqa: S102
    dump: Dump = namespace["dump"]
    dump.source = source  # type: ignore[attr-defined]  # what was generated, for a reader
    return dump


def _labelled(table_columns: Any, schema: Schema, prefix: str = "") -> list[sa.ColumnElement]:
    """The table's columns that ``schema`` dumps, labelled ``prefix + field name``."""
    return [table_columns[field.attribute or name].label(prefix + name)
            for name, field in schema.dump_fields.items()
            if (field.attribute or name) in table_columns]


class PageShape(NamedTuple):
    finding: Any  # the finding and host units' aliases
    host: Any
    columns: list[sa.ColumnElement]
    dump: Dump
    milestone_dump: Dump
    # The page's milestones and funds (by the page's ids, ``ids``) in one statement: a round
    # trip and a statement's execution fewer per page than one for each.
    children: sa.CompoundSelect


# The children statement's last three columns: which child a row is (milestones 0, funds 1),
# a fund's amount and its verification (NULL on a milestone's row).
PART, FUND_AMOUNT, FUND_VERIFICATION = -3, -2, -1


@functools.cache
def page_shape() -> PageShape:
    """The page's columns and dump, the children's statement and milestone dump: built once per
    process."""
    finding, host = aliased(Unit), aliased(Unit)
    schema = dumper(ProjectSchema)
    columns = [*_labelled(Project.__table__.c, schema),
               *_labelled(Enterprise.__table__.c, schema.fields["enterprise"].schema, ENTERPRISE),
               finding.code.label("finding_unit_code"), host.code.label("host_unit_code"),
               Intermediary.name.label("intermediary_name")]
    labels = {column.key: index for index, column in enumerate(columns)}
    milestone_columns = [Milestone.project_id,
                         *_labelled(Milestone.__table__.c, dumper(MilestoneSchema))]
    ids = sa.bindparam("ids", expanding=True)
    # A fund's row puts its project and id where a milestone's are, typed NULLs elsewhere (a
    # UNION's columns are typed pairwise on PostgreSQL).
    fund_columns = [FundTranche.project_id, *(
        FundTranche.id.label("id") if column.key == "id" else
        sa.cast(sa.null(), column.type).label(column.key) for column in milestone_columns[1:])]
    milestones = sa.select(*milestone_columns, sa.literal_column("0").label("part"),
                           sa.cast(sa.null(), FundTranche.amount.type).label("fund_amount"),
                           sa.cast(sa.null(), FundTranche.verification.type)
                           .label("fund_verification")).where(Milestone.project_id.in_(ids))
    funds = sa.select(*fund_columns, sa.literal_column("1").label("part"),
                      FundTranche.amount.label("fund_amount"),
                      FundTranche.verification.label("fund_verification")
                      ).where(FundTranche.project_id.in_(ids))
    children = sa.union_all(milestones, funds).order_by(sa.literal_column("part"),
                                                        sa.literal_column("id"))
    return PageShape(finding, host, columns, compile_dump(schema, labels, CHILDREN, VIEW_ONLY),
                     compile_dump(dumper(MilestoneSchema), {
                         column.key: index for index, column in enumerate(milestone_columns)}),
                     children)


@functools.cache
def page_select() -> sa.Select:
    """The list's columns from the projects, their investors, the two units' codes and the
    introducer's name, joined:
    built once per process (35 columns coerced and two aliases joined are ~0.3 ms a request);
    a request adds its filters (``where``), sort and page to it."""
    shape = page_shape()
    return (sa.select(*shape.columns).select_from(Project).join(Project.enterprise)
            .join(shape.finding, shape.finding.id == Project.finding_unit_id)
            .join(shape.host, shape.host.id == Project.host_unit_id)
            .outerjoin(Intermediary, Intermediary.id == Project.intermediary_id))


def page_items(session: Session, query: sa.Select, parameters: dict[str, Any]
               ) -> list[dict[str, Any]]:
    """The page's projects as ``ProjectSchema`` dumps them, in the order of ``query`` (a
    :func:`page_select` filtered, sorted and paged), run with ``parameters``."""
    shape = page_shape()
    # Plain rows: through the session's connection (its transaction), without the ORM's
    # execution layer, which has no entity to load here.
    connection = session.connection()
    rows = connection.execute(query, parameters).all()
    ids = [row.id for row in rows]
    if not ids:
        return []
    verified: dict[int, Decimal] = {}
    pending: dict[int, Decimal] = {}
    milestones: dict[int, list[dict[str, Any]]] = {project_id: [] for project_id in ids}
    for row in connection.execute(shape.children, {"ids": ids}):
        project_id = row[0]
        if int(row[PART]) == 0:
            milestones[project_id].append(shape.milestone_dump(row, {}))
            continue
        # Summed in Python as Project.arrived_amount does: exact on every backend.
        amount, verification = row[FUND_AMOUNT], row[FUND_VERIFICATION]
        if verification == "verified":
            verified[project_id] = verified.get(project_id, Decimal(0)) + amount
        elif verification == "pending":
            pending[project_id] = pending.get(project_id, Decimal(0)) + amount
    return [shape.dump(row, {"arrived_amount": verified.get(row.id, Decimal(0)),
                       "arrived_pending_amount": pending.get(row.id, Decimal(0)),
                       "milestones": milestones[row.id]}) for row in rows]
