"""Figures: the province's cross-city figures at 10k, 100k and 1.7 M projects, and a city's
``/stats`` at 5,000 projects — each against one SQL aggregate over the same rows.

The province's are what ``/province/cities`` serves (:func:`province.reports.city_figures`, one
year, 333 cities); the baseline is one ``GROUP BY city`` pass with conditional aggregates over
``province_projects``. Memory is the peak of Python allocations during one call (tracemalloc).
The city's is ``GET /api/v1/stats`` for one year through the Flask test client; its baseline one
aggregate over ``projects``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from benchmarks.measure import Row, median_seconds, traced_peak_mb
from benchmarks.synthetic import YEAR, city_codes, fill_province
from core.db import make_engine

SCALES = {"tiny": (50, 500), "small": (10_000, 100_000), "full": (10_000, 100_000, 1_700_000)}
CITIES = 333
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
PREVIOUS = (dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31))


def _conditional(table: str, extra_key: str = "") -> sa.TextClause:
    """One pass: this year's and last year's signings, starts, 省外 signings, per group."""
    key = f"{extra_key}, " if extra_key else ""
    group = f" GROUP BY {extra_key}" if extra_key else ""
    signed = "signed_on BETWEEN :start AND :end"
    return sa.text(
        f"SELECT {key}"  # noqa: S608 — table and key are constants of this module
        f"COUNT(*) FILTER (WHERE {signed}), SUM(amount) FILTER (WHERE {signed}), "
        "COUNT(*) FILTER (WHERE started_on BETWEEN :start AND :end), "
        "SUM(amount) FILTER (WHERE signed_on BETWEEN :previous_start AND :previous_end), "
        f"SUM(amount) FILTER (WHERE {signed} AND out_of_province), "
        f"COUNT(*) FILTER (WHERE {signed} AND out_of_province IS NULL) "
        f"FROM {table}{group}"
    ).bindparams(start=START, end=END, previous_start=PREVIOUS[0], previous_end=PREVIOUS[1])


PROVINCE_SQL = _conditional("province_projects", "city")
CITY_SQL = _conditional("projects")


def province_config(url: str, cities: int) -> Any:
    from province.config import build_config

    return build_config({"cities": {"collect": city_codes(cities)}, "database": {"url": url}})


def province(server: Any, scale: str = "full", cities: int = CITIES, repeat: int = 3
             ) -> list[Row]:
    """The province's figures at each of the scale's sizes, on their own database each."""
    from province.reports import city_figures

    rows: list[Row] = []
    first: tuple[float, float] | None = None
    sizes = SCALES[scale]
    for projects in sizes:
        name = f"bench_province_{projects}"
        url = server.create_database(name)
        fill_province(url, projects, cities)
        engine = make_engine(url)
        config = province_config(url, cities)

        def figures(engine=engine, config=config) -> None:
            with Session(engine) as session:
                result = city_figures(session, config, START, END)
                assert len(result) == cities

        def one_pass(engine=engine) -> None:
            with engine.connect() as connection:
                connection.execute(PROVINCE_SQL).all()

        times = repeat if projects < 1_000_000 else 1
        seconds = median_seconds(figures, times)
        baseline = median_seconds(one_pass, times)
        peak = traced_peak_mb(figures)
        engine.dispose()
        server.drop_database(name)
        first = first or (seconds, peak)
        label = f"{projects:,} projects"
        largest = projects == sizes[-1] and projects >= 1_000_000
        rows.append(Row("province figures", f"{label}, {cities} cities, one year", seconds,
                        baseline, "one SQL GROUP BY", goal="< 2× at 1.7 M" if largest else "",
                        met=seconds < 2 * baseline if largest else None,
                        note=f"peak Python memory {peak:,.0f} MB"))
        if projects != sizes[0]:
            rows.append(Row("province figures", f"growth {sizes[0]:,} → {projects:,}", seconds,
                            first[0], f"its time at {sizes[0]:,}",
                            goal="≤ 3× at 1.7 M" if largest else "",
                            met=seconds <= 3 * first[0] if largest else None))
            rows.append(Row("province figures", f"memory {sizes[0]:,} → {projects:,}", peak,
                            first[1], f"at {sizes[0]:,}", unit=" MB", goal="flat",
                            met=peak <= 2 * first[1] + 5))
    return rows


def city_stats(app: Flask, headers: dict[str, str], repeat: int = 5) -> list[Row]:
    """``GET /api/v1/stats`` for one year against one SQL aggregate over ``projects``."""
    client = app.test_client()
    path = f"/api/v1/stats?from={START}&to={END}"

    def stats() -> None:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_json()

    engine = app.extensions["zhaoshang"].engine

    def one_pass() -> None:
        with engine.connect() as connection:
            connection.execute(CITY_SQL).all()

    seconds = median_seconds(stats, repeat)
    baseline = median_seconds(one_pass, repeat)
    with engine.connect() as connection:
        projects = connection.scalar(sa.text("SELECT count(*) FROM projects"))
    return [Row("city figures", f"/stats, one year, {projects:,} projects", seconds, baseline,
                "one SQL aggregate", goal="≤ 3×", met=seconds <= 3 * baseline)]
