"""The figures of DOMAIN.md as SQL aggregates: one definition for the city and the province.

:func:`core.figures.tally` is the reference definition over :class:`core.figures.ProjectFacts`;
this module says the same in SQL so the database sums the rows and nothing loads every
project. It is written once and parametrised by the tables it reads (:class:`FigureTables`):
the city passes its ``projects`` and ``fund_tranches`` (:data:`CITY`), the province its
``province_projects`` and ``province_tranches`` with the ``city`` column as an extra key.

Two passes per request, sent as one ``UNION ALL``: one over the projects (conditional sums
give the signed, started, fulfilling and last year's figures at once; signing dates for this
period and last year's are both read from the index on the signing date) and one over the
tranches joined to their projects (verified and pending amounts). Grouping by industry,
channel, 省外 flag or any extra column happens in SQL; by month, the key is the date's year
and month, and last year's signings count under the same month this year (as ``tally`` does:
29 Feb maps into February).
Grouping by unit needs each project's credit on a day (transfers' fractional shares): it is
computed by ``tally`` over only the projects with something in the period
(:func:`active_project_filter`), never over the whole table.

Money is summed as integers of ten-thousandths of a 万元 (``Numeric(18,4)``'s scale): exact
on PostgreSQL and on SQLite, which stores numerics as floats and would add them as floats.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from core.figures import ZERO, Figures, city_projects, shift_year, tally
from core.lifecycle import ProjectStatus, Stage

SCALE = 10000  # ten-thousandths of a 万元: Numeric(18,4)'s places
MONTH = "month"
NOT_FULFILLING_STAGES = (Stage.LOST.value, Stage.CLEARED.value)
NOT_FULFILLING_STATUSES = (ProjectStatus.REATTRACTION.value, ProjectStatus.STALLED.value)
COUNTED = ("verified", "pending")  # rejected tranches are in no figure


@dataclass(frozen=True)
class ProjectColumns:
    """Where a project table keeps what the figures read."""

    table: sa.FromClause
    amount: Any
    stage: Any
    status: Any
    out_of_province: Any
    signed_on: Any
    started_on: Any
    industry: Any
    channel: Any


@dataclass(frozen=True)
class TrancheColumns:
    """Where a tranche table keeps what the figures read; ``project`` joins it to its project."""

    table: sa.FromClause
    arrived_on: Any
    amount: Any
    verification: Any
    project: Any


@dataclass(frozen=True)
class FigureTables:
    projects: ProjectColumns
    tranches: TrancheColumns

    def column(self, name: str) -> Any:
        """A project column by the name a key gives, or the key itself (a column)."""
        return getattr(self.projects, name) if isinstance(name, str) else name


def _city_tables() -> FigureTables:
    from core.models import FundTranche, Project

    return FigureTables(
        ProjectColumns(Project.__table__, Project.amount, Project.stage, Project.status,
                       Project.out_of_province, Project.signed_on, Project.started_on,
                       Project.industry, Project.channel),
        TrancheColumns(FundTranche.__table__, FundTranche.arrived_on, FundTranche.amount,
                       FundTranche.verification, FundTranche.project_id == Project.id))


CITY = _city_tables()


def money(column: Any) -> Any:
    """The amount in ten-thousandths, as an integer SQL sums exactly."""
    return sa.cast(sa.func.round(column * SCALE), sa.BigInteger)


class money_total(FunctionElement):  # noqa: N801 — used like sa.func's functions
    """``money_total(condition, column)``: the sum of :func:`money` over the rows where
    ``condition`` holds, NULL where none does (a ``CASE`` inside ``SUM``)."""

    type = sa.BigInteger()
    name = "money_total"
    inherit_cache = True


@compiles(money_total)
def _money_total(element: money_total, compiler: Any, **kw: Any) -> str:
    condition, column = element.clauses
    return compiler.process(sa.func.sum(sa.case((condition, money(column)))), **kw)


@compiles(money_total, "postgresql")
def _money_total_postgresql(element: money_total, compiler: Any, **kw: Any) -> str:
    # PostgreSQL adds NUMERIC(18,4) exactly: the sum is scaled to ten-thousandths once per
    # group, the same integer as summing each row's, without a multiplication, rounding and
    # cast per row (a fifth of /stats' SQL time at 5,000 projects).
    condition, column = element.clauses
    return compiler.process(
        sa.cast(sa.func.sum(sa.case((condition, column))) * SCALE, sa.BigInteger), **kw)


def amount(summed: Any) -> Decimal:
    """A sum of :func:`money` back in 万元 (4 places); nothing summed is ``ZERO``."""
    return ZERO if summed is None else Decimal(int(summed)).scaleb(-4)


def out_of_province_filter(projects: ProjectColumns, out_of_province: bool | str | None) -> Any:
    """``True``/``False``: (not) 省外; ``"unknown"``: the investor's province is unknown."""
    if out_of_province == "unknown":
        return projects.out_of_province.is_(None)
    if out_of_province is None:
        return sa.true()
    return projects.out_of_province.is_(bool(out_of_province))


def _ranges(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    return shift_year(start, -1), shift_year(end, -1)


def active_project_filter(tables: FigureTables, start: dt.date, end: dt.date) -> Any:
    """Projects with something in ``start``..``end`` (or last year's signings): the only ones
    a figure over that period reads."""
    p, t = tables.projects, tables.tranches
    previous_start, previous_end = _ranges(start, end)
    tranche = sa.exists().where(t.project, t.arrived_on.between(start, end),
                                t.verification.in_(COUNTED))
    return sa.or_(p.signed_on.between(start, end), p.started_on.between(start, end),
                  p.signed_on.between(previous_start, previous_end), tranche)


def _month_key(day: Any) -> list[Any]:
    return [sa.extract("year", day), sa.extract("month", day)]


def _month(year: Any, month: Any, shift: int = 0) -> str:
    return f"{int(year) + shift:04d}-{int(month):02d}"


@dataclass(frozen=True)
class FigureStatements:
    """The passes of :func:`figure_rows` for one set of keys, the dates left as parameters
    (``start``, ``end``, ``previous_start``, ``previous_end``), sent as one statement: a
    ``UNION ALL`` whose rows lead with their pass's number (one round trip, not two or three).
    """

    by_month: bool
    width: int  # the plain keys' columns after the pass number
    reads: tuple[str, ...]  # which dates each pass over the projects reads; then the tranches
    statement: Any


# Built once per process for each combination a service asks for (keys are names, no extra
# criterion): building the expressions cost more than running them (``/stats``).
_BUILT: dict[tuple, tuple[FigureTables, FigureStatements]] = {}
_BUILT_LOCK = threading.Lock()


def _statements(tables: FigureTables, keys: tuple, out_of_province: bool | str | None,
                where: Any) -> FigureStatements:
    if where is not None or not all(isinstance(key, str) for key in keys):
        return _build(tables, keys, out_of_province, where)
    cache_key = (id(tables), keys, out_of_province)
    built = _BUILT.get(cache_key)
    if built is None or built[0] is not tables:
        with _BUILT_LOCK:
            built = _BUILT[cache_key] = (tables, _build(tables, keys, out_of_province, None))
    return built[1]


def _build(tables: FigureTables, keys: tuple, out_of_province: bool | str | None,
           where: Any) -> FigureStatements:
    p, t = tables.projects, tables.tranches
    by_month = bool(keys) and isinstance(keys[-1], str) and keys[-1] == MONTH
    plain = [tables.column(k) for k in (keys[:-1] if by_month else keys)]
    narrow = sa.and_(out_of_province_filter(p, out_of_province),
                     where if where is not None else sa.true())
    start, end, previous_start, previous_end = (
        sa.bindparam(name, type_=sa.Date())
        for name in ("start", "end", "previous_start", "previous_end"))
    signed = p.signed_on.between(start, end)
    started = p.started_on.between(start, end)
    previous = p.signed_on.between(previous_start, previous_end)
    # ``a <> x AND a <> y`` and ``a = x OR a = y``, not ``NOT IN``/``IN``: the same truth
    # (NULL included), but plain parameters, where an IN list is re-rendered into the SQL
    # text on every execution (SQLAlchemy's "expanding" parameters: half a millisecond).
    fulfilling = sa.and_(signed, *(p.stage != stage for stage in NOT_FULFILLING_STAGES),
                         *(p.status != status for status in NOT_FULFILLING_STATUSES))
    counted = sa.or_(*(t.verification == verification for verification in COUNTED))

    def count(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    def total(condition: Any, column: Any) -> Any:
        return money_total(condition, column)

    measures = [count(signed), total(signed, p.amount), count(fulfilling), count(started),
                total(previous, p.amount)]
    # By month the signing and start dates key different months: one pass for each date.
    passes = ([(p.signed_on, sa.or_(signed, previous), "signed"), (p.started_on, started, "started")]
              if by_month else [(None, sa.or_(signed, started, previous), "all")])
    # Each pass's row: its number, the keys, the five project measures, the two tranche
    # sums; a pass fills only its own measures, the others are typed NULLs (PostgreSQL types a
    # UNION's column pairwise: two untyped NULLs would make it text).
    nothing = [sa.cast(sa.null(), sa.BigInteger())] * 2
    branches = []
    for number, (day, relevant, _) in enumerate(passes):
        month = _month_key(day) if by_month else []
        branches.append(sa.select(sa.literal_column(str(number)), *plain, *month, *measures,
                                  *nothing)
                        .select_from(p.table).where(relevant, narrow).group_by(*plain, *month))
    month = _month_key(t.arrived_on) if by_month else []
    branches.append(sa.select(sa.literal_column(str(len(passes))), *plain, *month,
                              *(sa.cast(sa.null(), measure.type) for measure in measures),
                              total(t.verification == "verified", t.amount),
                              total(t.verification == "pending", t.amount))
                    .select_from(t.table.join(p.table, t.project))
                    .where(t.arrived_on.between(start, end), counted, narrow)
                    .group_by(*plain, *month))
    return FigureStatements(by_month, len(plain), tuple(reads for _, _, reads in passes),
                            sa.union_all(*branches))


def figure_rows(session: Session, tables: FigureTables, start: dt.date, end: dt.date,
                keys: Sequence[Any] = (), out_of_province: bool | str | None = None,
                where: Any = None) -> dict[tuple, Figures]:
    """The figures over ``start``..``end`` per combination of ``keys``.

    A key is a project column's name (``"industry"``, ``"channel"``, ``"out_of_province"``),
    a column of the project table (the province's ``city``), or ``"month"`` (the month of
    each contribution's date; at most one, last). ``where``: a SQL criterion on the project
    table narrowing the projects counted. Only combinations with a contribution appear.
    """
    statements = _statements(tables, tuple(keys), out_of_province, where)
    by_month, width = statements.by_month, statements.width
    previous_start, previous_end = _ranges(start, end)
    dates = {"start": start, "end": end, "previous_start": previous_start,
             "previous_end": previous_end}
    rows: dict[tuple, Figures] = defaultdict(Figures)
    passes = statements.reads
    for number, *row in session.execute(statements.statement, dates):
        if int(number) == len(passes):  # the tranches
            key = tuple(row[:width]) + ((_month(*row[width:width + 2]),) if by_month else ())
            verified, pending = row[-2:]
            figures = rows[key]
            if verified is not None:
                figures.arrived_amount += amount(verified)
            if pending is not None:
                figures.arrived_pending_amount += amount(pending)
            continue
        reads = passes[int(number)]
        key, month_of = tuple(row[:width]), row[width:width + (2 if by_month else 0)]
        signed_n, signed_sum, fulfilling_n, started_n, previous_sum = row[-7:-2]

        def at(shift: int = 0, key: tuple = key, month_of: Any = month_of) -> Figures:
            return rows[key + ((_month(*month_of, shift=shift),) if by_month else ())]

        if reads == "started":
            signed_n, previous_sum = 0, None
        elif reads == "signed":
            started_n = 0
        if signed_n:
            here = at()
            here.signed_count += Decimal(signed_n)
            here.signed_amount += amount(signed_sum)
            here.fulfilling_count += Decimal(fulfilling_n)
        if started_n:
            at().started_count += Decimal(started_n)
        if previous_sum is not None:
            # Last year's signings line up with this year's month (DOMAIN.md's 同比).
            at(1).previous_signed_amount += amount(previous_sum)
    return dict(rows)


def add_up(parts: Iterable[Figures]) -> Figures:
    """The sum of figures (groups always add up to their total)."""
    summed = Figures()
    for part in parts:
        summed.signed_count += part.signed_count
        summed.signed_amount += part.signed_amount
        summed.started_count += part.started_count
        summed.arrived_amount += part.arrived_amount
        summed.arrived_pending_amount += part.arrived_pending_amount
        summed.previous_signed_amount += part.previous_signed_amount
        summed.fulfilling_count += part.fulfilling_count
    return summed


def grouped(rows: dict[tuple, Figures], labels: dict[str, str] | None = None
            ) -> tuple[Figures, list[Figures]]:
    """``(total, groups)`` as ``tally`` returns them, from rows keyed by one group key."""
    ordered = []
    for (key,) in sorted(rows, key=lambda k: (k[0] is None, k[0] or "")):
        figures = rows[(key,)]
        figures.key = key
        figures.label = (labels or {}).get(key or "", key)
        ordered.append(figures)
    return add_up(ordered), ordered


def city_figures(session: Session, start: dt.date, end: dt.date, group_by: str | None = None,
                 out_of_province: bool | str | None = None,
                 labels: dict[str, str] | None = None,
                 where: Any = None) -> tuple[Figures, list[Figures]]:
    """The city's total and groups (``unit``, ``industry``, ``channel``, ``month``) as
    :func:`core.figures.compute_figures` defines them, summed by the database. By unit, the
    credit of each project on each day (transfers) is ``tally``'s, over only the projects
    with something in the period."""
    if group_by == "unit":
        active = active_project_filter(CITY, start, end)
        facts = city_projects(session, out_of_province, by_unit=True,
                              where=active if where is None else sa.and_(active, where))
        return tally(facts, start, end, group_by, labels)
    rows = figure_rows(session, CITY, start, end, (group_by,) if group_by else (),
                       out_of_province, where)
    if group_by is None:
        return add_up(rows.values()), []
    return grouped(rows, labels)


def _is_kept(flag: bool | None, out_of_province: bool | str | None) -> bool:
    """:func:`out_of_province_filter` on a row's 省外 flag."""
    if out_of_province == "unknown":
        return flag is None
    return out_of_province is None or (flag is not None and flag == bool(out_of_province))


def city_stats(session: Session, start: dt.date, end: dt.date, group_by: str | None = None,
               out_of_province: bool | str | None = None,
               labels: dict[str, str] | None = None) -> tuple[Figures, list[Figures], Decimal]:
    """:func:`city_figures` and the signed count of the projects whose investor's province is
    unknown (``/stats`` shows it beside them), from the same two passes: the rows are grouped
    by the 省外 flag as well, then the flag the caller asked for is kept and summed. By unit
    (``tally``'s credit), the count takes its own passes."""
    if group_by == "unit":
        total, groups = city_figures(session, start, end, group_by, out_of_province, labels)
        unknown, _ = city_figures(session, start, end, None, "unknown")
        return total, groups, unknown.signed_count
    rows = figure_rows(session, CITY, start, end,
                       ("out_of_province", group_by) if group_by else ("out_of_province",))
    unknown = add_up(figures for (flag, *_), figures in rows.items() if flag is None)
    kept: dict[tuple, list[Figures]] = defaultdict(list)
    for (flag, *key), figures in rows.items():
        if _is_kept(flag, out_of_province):
            kept[tuple(key)].append(figures)
    if group_by is None:
        return add_up(figures for parts in kept.values() for figures in parts), [], (
            unknown.signed_count)
    total, groups = grouped({key: add_up(parts) for key, parts in kept.items()}, labels)
    return total, groups, unknown.signed_count
