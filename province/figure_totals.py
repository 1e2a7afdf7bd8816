"""The province's figures as a read model: additive sums per city, 省外 flag and calendar bucket.

``province_figure_totals`` (:class:`province.models.FigureTotal`) holds, per city and 省外 flag,
what every project and lead contributes to the figures of DOMAIN.md, keyed by the day each part
counts on — the signing day (signed count and amount, fulfilling count), the start day (started
count), a tranche's arrival day (verified and pending amounts), a lead's report day — and
rolled up at three grains: the day, its month and its year. A period's figures are then a sum
of whole years, whole months and the days at its edges (:func:`pieces`): at most a few dozen
rows per city and flag, however many projects the province holds.

The definition is :func:`core.figure_queries.figure_rows`' (and :func:`core.figures.tally`'s):
last year's signed amount is the signed amount over the same period a year earlier (29 February
maps to the 28th, :func:`core.figures.shift_year`), fulfilling is counted among the projects
signed in the period by their current stage and status, rejected tranches count nowhere.

:class:`Changes` keeps the table in step inside the transaction that applies events
(:func:`province.store.apply_events`): a project's or lead's old contribution is subtracted and
its new one added, so the sums never drift. :func:`refill` recomputes the whole table from
``province_projects``, ``province_tranches`` and ``province_leads`` in SQL (the migration and
the benchmarks' bulk load use it); :func:`drift` compares the table with that recomputation
(``zhaoshang province check-figures``): any difference is a bug.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.figure_queries import COUNTED, NOT_FULFILLING_STAGES, NOT_FULFILLING_STATUSES, SCALE
from core.figure_queries import amount as in_wan
from core.figures import Figures, is_fulfilling, shift_year
from province.models import CityLead, CityProject, CityState, CityTranche, FigureTotal

MEASURES = ("signed_count", "signed_amount", "fulfilling_count", "started_count",
            "arrived_amount", "pending_amount", "leads")
KEY = ("grain", "bucket", "city", "out_of_province")
FLAGS = {True: "yes", False: "no", None: "unknown"}
LEAD = ""  # the flag column of a lead's rows: a lead has no 省外 flag
PLACES = Decimal("0.0001")
_INDEX = {name: position for position, name in enumerate(MEASURES)}


def units(value: Any) -> int:
    """An amount in ten-thousandths of a 万元, as the store's ``Numeric(18,4)`` rounds it and
    :func:`core.figure_queries.money` sums it."""
    return int(Decimal(str(value)).quantize(PLACES, ROUND_HALF_UP).scaleb(4))


def buckets(day: dt.date) -> tuple[tuple[str, dt.date], ...]:
    """The day's bucket at each grain."""
    return (("d", day), ("m", day.replace(day=1)), ("y", day.replace(month=1, day=1)))


class Changes:
    """Contributions added or taken away in one batch, written by :meth:`write` as one upsert
    per row touched (never one per event)."""

    def __init__(self) -> None:
        self.days: dict[tuple[str, str, dt.date], list[int]] = defaultdict(
            lambda: [0] * len(MEASURES))

    def _add(self, city: str, flag: str, day: dt.date | None, measure: str, value: int) -> None:
        if day is not None and value:
            self.days[(city, flag, day)][_INDEX[measure]] += value

    def project(self, row: CityProject, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) what the project's state contributes."""
        from province.store import tranche_rows

        flag = FLAGS[row.out_of_province]
        if row.signed_on is not None:
            self._add(row.city, flag, row.signed_on, "signed_count", sign)
            self._add(row.city, flag, row.signed_on, "signed_amount", sign * units(row.amount))
            self._add(row.city, flag, row.signed_on, "fulfilling_count",
                      sign * is_fulfilling(row))
        self._add(row.city, flag, row.started_on, "started_count", sign)
        for tranche in tranche_rows(row.city, row.project_id, list(row.funds or [])):
            measure = {"verified": "arrived_amount", "pending": "pending_amount"}.get(
                tranche["verification"])
            if measure:
                self._add(row.city, flag, tranche["arrived_on"], measure,
                          sign * units(tranche["amount"]))

    def lead(self, row: CityLead, sign: int) -> None:
        self._add(row.city, LEAD, row.reported_on, "leads", sign)

    def rows(self) -> list[dict[str, Any]]:
        """The changes at every grain, in key order (concurrent batches lock rows alike)."""
        summed: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
        for (city, flag, day), values in self.days.items():
            for grain, bucket in buckets(day):
                row = summed[(grain, bucket, city, flag)]
                for position, value in enumerate(values):
                    row[position] += value
        return [dict(zip(KEY, key, strict=True)) | dict(zip(MEASURES, values, strict=True))
                for key, values in sorted(summed.items()) if any(values)]

    def write(self, session: Session) -> None:
        rows = self.rows()
        if rows:
            session.execute(_upsert(session), rows)
        self.days.clear()


def _upsert(session: Session) -> Any:
    """``INSERT … ON CONFLICT DO UPDATE`` adding to the row held (PostgreSQL and SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = FigureTotal.__table__
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={name: table.c[name] + statement.excluded[name] for name in MEASURES})


# --------------------------------------------------------------------------- reading


def pieces(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """``start``..``end`` as whole years, whole months and days: ``(grain, first bucket, last
    bucket)`` ranges, at most five (days, months, years, months, days)."""
    ranges: list[tuple[str, dt.date, dt.date]] = []
    day = start
    while day <= end:
        if day.month == 1 and day.day == 1 and dt.date(day.year, 12, 31) <= end:
            grain, following = "y", dt.date(day.year + 1, 1, 1)
        elif day.day == 1 and _next_month(day) - dt.timedelta(days=1) <= end:
            grain, following = "m", _next_month(day)
        else:
            grain, following = "d", day + dt.timedelta(days=1)
        if ranges and ranges[-1][0] == grain:
            ranges[-1] = (grain, ranges[-1][1], day)
        else:
            ranges.append((grain, day, day))
        day = following
    return ranges


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _within(ranges: Iterable[tuple[str, dt.date, dt.date]]) -> Any:
    t = FigureTotal
    return sa.or_(*(sa.and_(t.grain == grain, t.bucket.between(first, last))
                    for grain, first, last in ranges))


def period_figures(session: Session, start: dt.date, end: dt.date
                   ) -> tuple[dict[tuple[str, bool | None], Figures], dict[str, int]]:
    """``({(city, 省外 flag): figures}, {city: leads reported})`` over ``start``..``end``, in
    one statement over a bounded number of rows: only combinations with a contribution."""
    t = FigureTotal
    now, before = _within(pieces(start, end)), _within(
        pieces(shift_year(start, -1), shift_year(end, -1)))

    def total(column: Any, when: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((when, column), else_=0)), 0)

    query = (sa.select(t.city, t.out_of_province,
                       *(total(getattr(t, name), now) for name in MEASURES),
                       total(t.signed_amount, before))
             .where(sa.or_(now, before)).group_by(t.city, t.out_of_province))
    flags = {value: key for key, value in FLAGS.items()}
    rows: dict[tuple[str, bool | None], Figures] = {}
    leads: dict[str, int] = defaultdict(int)
    for city, flag, *sums in session.execute(query):
        (signed_n, signed_sum, fulfilling_n, started_n, arrived, pending, lead_n,
         previous) = (int(value) for value in sums)
        if flag == LEAD:
            leads[city] += lead_n
            continue
        if not any((signed_n, signed_sum, fulfilling_n, started_n, arrived, pending, previous)):
            continue  # rows whose contributions were all taken away again
        rows[(city, flags[flag])] = Figures(
            signed_count=Decimal(signed_n), signed_amount=in_wan(signed_sum),
            started_count=Decimal(started_n), arrived_amount=in_wan(arrived),
            arrived_pending_amount=in_wan(pending), previous_signed_amount=in_wan(previous),
            fulfilling_count=Decimal(fulfilling_n))
    return rows, dict(leads)


def project_counts(session: Session) -> dict[str, int]:
    """The projects held per city (the counter :func:`province.store.apply_events` keeps)."""
    return {city: count for city, count in session.execute(
        sa.select(CityState.city, CityState.projects)) if count}


# --------------------------------------------------------------------------- recomputing


def _flag_sql() -> Any:
    flag = CityProject.out_of_province
    return sa.case((flag.is_(None), FLAGS[None]), (flag, FLAGS[True]), else_=FLAGS[False])


def _money(column: Any) -> Any:
    return sa.cast(sa.func.round(column * SCALE), sa.BigInteger)


def _daily() -> Any:
    """Every contribution per city, flag and day, recomputed from the raw tables."""
    p, t = CityProject, CityTranche
    zero = sa.literal(0, sa.BigInteger)

    def part(city: Any, flag: Any, day: Any, source: Any, where: Any, **values: Any) -> Any:
        return (sa.select(city.label("city"), flag.label("flag"), day.label("day"),
                          *((values.get(name, zero)).label(name) for name in MEASURES))
                .select_from(source).where(where))

    fulfilling = sa.case((sa.and_(p.stage.not_in(NOT_FULFILLING_STAGES),
                                  p.status.not_in(NOT_FULFILLING_STATUSES)), 1), else_=0)
    joined = t.__table__.join(p.__table__, sa.and_(t.city == p.city,
                                                   t.project_id == p.project_id))
    return sa.union_all(
        part(p.city, _flag_sql(), p.signed_on, p.__table__, p.signed_on.is_not(None),
             signed_count=sa.literal(1, sa.BigInteger), signed_amount=_money(p.amount),
             fulfilling_count=fulfilling),
        part(p.city, _flag_sql(), p.started_on, p.__table__, p.started_on.is_not(None),
             started_count=sa.literal(1, sa.BigInteger)),
        part(t.city, _flag_sql(), t.arrived_on, joined, t.verification.in_(COUNTED),
             arrived_amount=sa.case((t.verification == "verified", _money(t.amount)), else_=0),
             pending_amount=sa.case((t.verification == "pending", _money(t.amount)), else_=0)),
        part(CityLead.city, sa.literal(LEAD), CityLead.reported_on, CityLead.__table__,
             sa.true(), leads=sa.literal(1, sa.BigInteger)),
    ).subquery("parts")


def _bucket(dialect: str, grain: str, day: Any) -> Any:
    if grain == "d":
        return day
    unit = {"m": "month", "y": "year"}[grain]
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc(unit, day), sa.Date)
    return sa.func.date(day, f"start of {unit}")


def _recomputed(dialect: str) -> Any:
    """The whole table as the raw tables define it (a SELECT with :data:`KEY` and measures)."""
    parts = _daily()
    selects = []
    for grain in ("d", "m", "y"):
        bucket = _bucket(dialect, grain, parts.c.day)
        selects.append(sa.select(sa.literal(grain, sa.String).label("grain"),
                                 bucket.label("bucket"), parts.c.city,
                                 parts.c.flag.label("out_of_province"),
                                 *(sa.func.sum(parts.c[name]).label(name) for name in MEASURES))
                       .group_by(bucket, parts.c.city, parts.c.flag))
    return selects


def refill(session: Session) -> int:
    """Recompute the table and the per-city project counters from the raw tables; the rows
    written. Used by the migration that creates the table and by bulk loads (benchmarks)."""
    dialect = session.get_bind().dialect.name
    session.execute(sa.delete(FigureTotal))
    written = 0
    for select in _recomputed(dialect):
        written += session.execute(sa.insert(FigureTotal).from_select(
            [*KEY, *MEASURES], select)).rowcount or 0
    counted = (sa.select(sa.func.count()).where(CityProject.city == CityState.city)
               .scalar_subquery())
    session.execute(sa.update(CityState).values(projects=counted))
    missing = (sa.select(CityProject.city, sa.literal(0), sa.literal(0), sa.func.count())
               .where(CityProject.city.not_in(sa.select(CityState.city)))
               .group_by(CityProject.city))
    session.execute(sa.insert(CityState).from_select(
        ["city", "events", "pruned_events", "projects"], missing))
    return written


def drift(session: Session) -> list[dict[str, Any]]:
    """Where the table differs from its recomputation (empty: in step). Each difference as
    ``{key…, "held": {measure: value}, "expected": {…}}``; rows of zeros count as absent."""
    def read(rows: Iterable[Any]) -> dict[tuple, tuple[int, ...]]:
        found = {}
        for row in rows:
            values = tuple(int(row[name] or 0) for name in MEASURES)
            if any(values):
                bucket = row["bucket"]
                if isinstance(bucket, str):  # SQLite's date() in the recomputation
                    bucket = dt.date.fromisoformat(bucket)
                elif isinstance(bucket, dt.datetime):
                    bucket = bucket.date()
                found[(row["grain"], bucket, row["city"], row["out_of_province"])] = values
        return found

    dialect = session.get_bind().dialect.name
    held = read(session.execute(sa.select(FigureTotal.__table__)).mappings())
    expected: dict[tuple, tuple[int, ...]] = {}
    for select in _recomputed(dialect):
        expected |= read(session.execute(select).mappings())
    counters = {city: count for city, count in session.execute(
        sa.select(CityState.city, CityState.projects))}
    counted = dict(session.execute(sa.select(CityProject.city, sa.func.count())
                                   .group_by(CityProject.city)).all())
    differences = [
        dict(zip(KEY, key, strict=True)) | {
            "held": dict(zip(MEASURES, held.get(key, (0,) * len(MEASURES)), strict=True)),
            "expected": dict(zip(MEASURES, expected.get(key, (0,) * len(MEASURES)),
                                 strict=True))}
        for key in sorted(held.keys() | expected.keys(), key=str)
        if held.get(key) != expected.get(key)]
    differences += [{"city": city, "held": {"projects": counters.get(city) or 0},
                     "expected": {"projects": counted.get(city, 0)}}
                    for city in sorted(counters.keys() | counted.keys())
                    if (counters.get(city) or 0) != counted.get(city, 0)]
    return differences
