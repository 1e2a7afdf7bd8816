"""Synthetic data for the benchmarks: a city with many units, projects, tranches and leads, and
the province's store of many cities — written in bulk (multi-row INSERT, COPY), never through
the API, so building 1.7 M rows takes seconds, not hours.

Every value comes from a seeded generator: two runs measure the same rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.clock import utcnow
from core.models import Enterprise, FundTranche, Lead, Project, Unit
from tests.support.cities import city_config

CITY = "benchcity"
YEAR = 2024  # the year the figures are measured over; the previous one gives year on year
INDUSTRIES = ("manufacturing", "agriculture", "tourism")
CHANNELS = ("fair", "business", "online", "other")
# Stage weights: most projects of a live portfolio are signed or started.
STAGES = (("reserve", 2), ("negotiating", 2), ("signed", 3), ("started", 4), ("completed", 1),
          ("lost", 1))
STAGE_NAMES = [name for name, weight in STAGES for _ in range(weight)]
START = dt.date(YEAR - 1, 1, 1)


def _day(rng: random.Random) -> dt.date:
    """A day of the measured year or the one before it."""
    return START + dt.timedelta(days=rng.randrange(731))


def _amount(rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(1_000, 5_000_000)) / 100  # 10.00 … 49,999.99 万元


@contextlib.contextmanager
def postgres(work: Path) -> Iterator[Any]:
    """A throwaway PostgreSQL server (``infra.postgres``, as the test fixtures start it)."""
    from infra.postgres import PostgresServer

    work.mkdir(parents=True, exist_ok=True)
    for folder in (work.parent, work):  # as root the server runs as the postgres user,
        folder.chmod(0o755)  # who must reach its directory
    server = PostgresServer(work / "pg")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- a city --------------------------------------------------------------------------------

def city_raw(url: str, units: int) -> dict[str, Any]:
    """The test city's configuration with ``units`` counties beside its own units."""
    counties = [{"code": f"c{n:03d}", "name": f"第{n}县", "kind": "county"}
                for n in range(units)]
    base = city_config()
    return city_config(city={"code": CITY, "name": "基准市"}, database={"url": url},
                       units=[*base["units"], *counties])


def fill_city(engine: sa.Engine, projects: int, leads: int | None = None, seed: int = 7) -> None:
    """``projects`` projects (one enterprise each, a verified tranche for most started ones),
    and ``leads`` leads (as many as projects by default), spread over the city's counties."""
    rng = random.Random(seed)
    leads = projects if leads is None else leads
    now = utcnow()
    with engine.begin() as connection:
        units = list(connection.scalars(sa.select(Unit.id).where(Unit.kind == "county")
                                        .order_by(Unit.id)))
        count = max(projects, leads)
        companies = connection.scalars(
            sa.insert(Enterprise).returning(Enterprise.id, sort_by_parameter_order=True), [
                {"name": f"基准投资{n}号有限公司", "normalized_name": f"基准投资{n}号",
                 "tags": [], "version": 1,
                 "origin_province": rng.choice(("广东省", "浙江省", "甘肃省", None))}
                for n in range(count)]).all()
        project_rows, tranche_plan = [], []
        for n in range(projects):
            stage = rng.choice(STAGE_NAMES)
            signed = _day(rng) if stage in ("signed", "started", "completed", "lost") else None
            started = (signed + dt.timedelta(days=rng.randrange(1, 120))
                       if signed and stage in ("started", "completed") else None)
            unit = rng.choice(units)
            amount = _amount(rng)
            project_rows.append({
                "name": f"基准项目{n}", "enterprise_id": companies[n],
                "industry": rng.choice(INDUSTRIES), "amount": amount, "stage": stage,
                "status": "ongoing", "tiers": [], "finding_unit_id": unit, "host_unit_id": unit,
                "channel": rng.choice(CHANNELS), "out_of_province": rng.choice((True, False, None)),
                "signed_on": signed, "started_on": started,
                "lost_on": signed + dt.timedelta(days=30) if stage == "lost" else None,
                "attributes": {}, "created_at": now, "updated_at": now, "version": 1})
            tranche_plan.append((started, amount))
        ids = connection.scalars(sa.insert(Project).returning(Project.id, sort_by_parameter_order=True),
                                 project_rows).all()
        tranches = [{"project_id": project_id, "arrived_on": started + dt.timedelta(days=10),
                     "amount": (amount / 3).quantize(Decimal("0.0001")),
                     "evidence_ref": f"bench-{project_id}", "verification": "verified",
                     "version": 1}
                    for project_id, (started, amount) in zip(ids, tranche_plan, strict=True)
                    if started is not None]
        if tranches:
            connection.execute(sa.insert(FundTranche), tranches)
        connection.execute(sa.insert(Lead), [
            {"title": f"基准线索{n}", "enterprise_id": companies[n],
             "industry": rng.choice(INDUSTRIES), "intended_amount": _amount(rng),
             "reporting_unit_id": rng.choice(units), "channel": rng.choice(CHANNELS),
             "status": rng.choice(("reported", "assigned", "converted", "rejected")),
             "reported_on": _day(rng), "first_talk_due_estimated": False, "attributes": {},
             "created_at": now, "version": 1}
            for n in range(leads)])
    if engine.dialect.name == "postgresql":
        vacuum_analyze(engine)


def vacuum_analyze(engine: sa.Engine) -> None:
    """The tables as autovacuum leaves them a minute after a bulk load: measured without their
    statistics, a query is planned for empty tables (sorts and nested loops over thousands of
    rows), which no running city or province sees."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


# -- the province's store ------------------------------------------------------------------

def city_codes(count: int) -> list[str]:
    return [f"city{n:03d}" for n in range(count)]


def migrate_province(engine: sa.Engine, target: str) -> None:
    """The province schema up to ``target`` (``heads``: the newest)."""
    from province.migrate import upgrade

    upgrade(engine, target)


PROJECT_COLUMNS = ("city", "project_id", "name", "industry", "amount", "stage", "status",
                   "channel", "out_of_province", "signed_on", "started_on", "completed_on",
                   "arrived_amount", "funds", "enterprise_name", "normalized_name",
                   "credit_code", "origin_province", "sequence", "event_time")
LEAD_COLUMNS = ("city", "lead_id", "title", "status", "industry", "intended_amount",
                "reported_on", "enterprise_name", "normalized_name", "credit_code",
                "origin_province", "project_id", "sequence", "event_time")


def _province_project(rng: random.Random, city: str, number: int, moment: dt.datetime
                      ) -> tuple[tuple[Any, ...], list[dict[str, Any]]]:
    stage = rng.choice(STAGE_NAMES)
    signed = _day(rng) if stage in ("signed", "started", "completed", "lost") else None
    started = (signed + dt.timedelta(days=rng.randrange(1, 120))
               if signed and stage in ("started", "completed") else None)
    amount = _amount(rng)
    funds = []
    if started is not None:
        third = (amount / 3).quantize(Decimal("0.0001"))
        funds = [{"id": number * 2 + k, "arrived_on": (started + dt.timedelta(days=10 + 30 * k))
                  .isoformat(), "amount": format(third, "f"),
                  "verification": "verified" if k == 0 else "pending"} for k in range(2)]
    arrived = sum((Decimal(t["amount"]) for t in funds if t["verification"] == "verified"),
                  Decimal(0))
    name = f"投资{number % 50_000}号"
    return (city, number, f"项目{number}", rng.choice(INDUSTRIES), amount, stage, "ongoing",
            rng.choice(CHANNELS), rng.choice((True, False, None)), signed, started, None,
            arrived, json.dumps(funds, ensure_ascii=False), f"{name}有限公司", name, None,
            "广东省", number, moment), funds


def fill_province(url: str, projects: int, cities: int, seed: int = 11) -> None:
    """``projects`` projects and as many leads spread evenly over ``cities`` cities, written
    with ``COPY`` into a migrated province database — with the rows the province's store keeps
    beside each project state (its tranches, :func:`province.store.tranche_rows`; the figures'
    read model and project counters, :func:`province.figure_totals.refill`)."""
    import psycopg

    from province import store

    engine = sa.create_engine(url)
    migrate_province(engine, "heads")
    tranche_rows = getattr(store, "tranche_rows", None)  # the tranche table, once it exists
    rng = random.Random(seed)
    codes = city_codes(cities)
    moment = utcnow()
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        tranches: list[dict[str, Any]] = []
        with cursor.copy(f"COPY province_projects ({', '.join(PROJECT_COLUMNS)}) FROM STDIN"
                         ) as copy:
            for n in range(projects):
                row, funds = _province_project(rng, codes[n % cities], n + 1, moment)
                copy.write_row(row)
                if tranche_rows and funds:
                    tranches += tranche_rows(row[0], row[1], funds)
        if tranches:
            columns = list(tranches[0])
            with cursor.copy(f"COPY province_tranches ({', '.join(columns)}) FROM STDIN"
                             ) as copy:
                for tranche in tranches:
                    copy.write_row([tranche[column] for column in columns])
        with cursor.copy(f"COPY province_leads ({', '.join(LEAD_COLUMNS)}) FROM STDIN") as copy:
            for n in range(projects):
                name = f"投资{n % 50_000}号"
                copy.write_row((codes[n % cities], n + 1, f"线索{n}", "reported",
                                rng.choice(INDUSTRIES), _amount(rng), _day(rng),
                                f"{name}有限公司", name, None, "广东省", None, n + 1, moment))
        connection.commit()
    _refill_figures(engine)
    vacuum_analyze(engine)
    engine.dispose()


def _refill_figures(engine: sa.Engine) -> None:
    """The figures' read model and project counters from the rows just copied, by the SQL the
    migration fills them with (the store keeps them as it applies events; a bulk load does
    not go through it)."""
    from sqlalchemy.orm import Session

    try:  # an older commit measured side by side has no read model
        from province.figure_totals import refill
    except ImportError:
        return
    with Session(engine) as session, session.begin():
        refill(session)
