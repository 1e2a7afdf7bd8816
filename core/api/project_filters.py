"""The project list's filters as bound parameters, and its statements built once per process.

A list request's two statements (the total and the page) used to be built afresh from its
filters' values, and SQLAlchemy then walked each of them (35 columns, four joins) for its SQL
cache key: about a third of a millisecond a request before anything ran. Here every filter is
a condition on a bound parameter named after it, so the statements depend only on *which*
filters and which sort a request asks for: :func:`list_statements` builds them once for each
such shape (and SQLAlchemy keeps each one's cache key on the object), and a request passes
its values (:func:`filter_values`) when it executes them.

A free-text search (``q``) is not among them: its matches are ids looked up per request
(``core.search``) and its ranking depends on the words; ``core.api.projects`` adds it to the
filtered select per request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from core.api import project_rows
from core.api.support import sorted_by
from core.input_rules import LIKE_ESCAPE, like_pattern
from core.lifecycle import Stage
from core.models import Project, Unit

# The pipeline's order (储备 first), not the codes' alphabetical one.
STAGE_ORDER = sa.case({stage.value: rank for rank, stage in enumerate(Stage)}, value=Project.stage)

SORTABLE: dict[str, Any] = {
    "amount": Project.amount, "signed_on": Project.signed_on, "name": Project.name,
    "updated_at": Project.updated_at, "stage": STAGE_ORDER, "industry": Project.industry,
    "leader_name": Project.leader_name, "last_progress_on": Project.last_progress_on}

# The page's size and start: bound parameters too, so a page's statement is the same object
# for every page.
LIMIT, OFFSET = "page_limit", "page_offset"


def _unit_clause(unit: sa.BindParameter[Any]) -> sa.ColumnElement[bool]:
    unit_id = sa.select(Unit.id).where(Unit.code == unit).scalar_subquery()
    return sa.or_(Project.finding_unit_id == unit_id, Project.host_unit_id == unit_id)


@dataclass(frozen=True)
class Filter:
    """One filter of the list: its name (and its bound parameter's), its condition on that
    parameter, the query parameter it reads, whether a request's value asks for it, and the
    value it binds."""

    name: str
    condition: Callable[[sa.BindParameter[Any]], sa.ColumnElement[bool]]
    param: str = ""  # the query parameter it reads: the filter's name unless given
    applies: Callable[[Any], bool] = bool  # a value given (not empty)
    value: Callable[[Any], Any] = lambda given: given

    @property
    def reads(self) -> str:
        return self.param or self.name


# Filter name → its filter. The order is the order the conditions are applied in, whatever
# order a request names them in.
FILTERS: dict[str, Filter] = {list_filter.name: list_filter for list_filter in (
    Filter("stage", lambda stage: Project.stage == stage),
    Filter("industry", lambda industry: Project.industry == industry),
    Filter("enterprise_id", lambda enterprise_id: Project.enterprise_id == enterprise_id),
    # true / false, or "unknown": the investor's province is not known.
    Filter("out_of_province", lambda known: Project.out_of_province == known,
           applies=lambda given: given != "unknown"),
    Filter("out_of_province_unknown", lambda _none: Project.out_of_province.is_(None),
           param="out_of_province", applies=lambda given: given == "unknown",
           value=lambda _given: None),
    Filter("leader", lambda leader: Project.leader_name == leader, value=str.strip),
    Filter("channel", lambda channel: Project.channel == channel),
    Filter("signed_from", lambda day: Project.signed_on >= day),
    Filter("signed_to", lambda day: Project.signed_on <= day),
    Filter("started_from", lambda day: Project.started_on >= day),
    Filter("started_to", lambda day: Project.started_on <= day),
    # A tier is one string of the JSON list: found with its quotes, as typed (wildcards escaped).
    Filter("tier", lambda tier: sa.cast(Project.tiers, sa.Text).like(tier, escape=LIKE_ESCAPE),
           value=lambda tier: like_pattern(f'"{tier}"')),
    Filter("unit", _unit_clause),  # the finding or the host unit
)}


def filter_values(params: dict[str, Any]) -> dict[str, Any]:
    """The request's filters (the loaded ``ProjectQuery``), as :data:`FILTERS`' names and the
    values of their parameters (None for a filter without one)."""
    values: dict[str, Any] = {}
    for name, list_filter in FILTERS.items():
        given = params.get(list_filter.reads)
        if given is not None and list_filter.applies(given):
            values[name] = list_filter.value(given)
    return values


@functools.lru_cache(maxsize=1024)
def filtered(names: frozenset[str]) -> sa.Select:
    """``select(Project)`` with the named filters' conditions: what the total counts."""
    query = sa.select(Project)
    for name, list_filter in FILTERS.items():
        if name in names:
            query = query.where(list_filter.condition(sa.bindparam(name)))
    return query


@functools.lru_cache(maxsize=1024)
def list_statements(names: frozenset[str], sort: str | None) -> tuple[sa.Select, sa.Select]:
    """The total's and the page's statements for the named filters and ``sort``; the page's
    size and start are the parameters :data:`LIMIT` and :data:`OFFSET`. The cache keeps the
    1,024 shapes used last: the screens and exports use a few dozen."""
    counted = filtered(names)
    return total_statement(counted), paged(page_statement(counted), sort)


def total_statement(counted: sa.Select) -> sa.Select:
    """``SELECT count(*)`` over the filtered projects, without the page's joins (every project
    has one investor and its two units: the joins cannot change the count)."""
    return counted.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)


def page_statement(counted: sa.Select) -> sa.Select:
    """The page's columns (:func:`core.api.project_rows.page_select`) under ``counted``'s
    conditions."""
    query = project_rows.page_select()
    return query if counted.whereclause is None else query.where(counted.whereclause)


def paged(query: sa.Select, sort: str | None) -> sa.Select:
    """``query`` sorted as asked (the id breaks ties) and cut to the bound page."""
    return (sorted_by(query, sort, SORTABLE, Project.id)
            .limit(sa.bindparam(LIMIT)).offset(sa.bindparam(OFFSET)))
