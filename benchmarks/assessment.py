"""An assessment run (``core.services.assessments.create_run``: metrics with transfer credit,
scoring, the results written) for one year of a city with 5,000 projects and 200 assessed units,
against one SQL pass computing the same kind of per-unit sums (projects, then leads, grouped by
unit). Each run is rolled back, so every repetition assesses the same rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask

from benchmarks.measure import Row, median_seconds
from benchmarks.synthetic import YEAR
from core import hookimpl
from core.identity import Actor
from core.policy import AssessmentScheme, Indicator

D = Decimal
SCHEME = AssessmentScheme(
    code="bench", name="基准考核", period="year", unit_kinds=("county",),
    indicators=(
        Indicator("signed", "签约总额", "signed_amount", points=D(30)),
        Indicator("signed_count", "签约项目数", "signed_count", points=D(10), target=D(10)),
        Indicator("started", "开工项目数", "started_count", points=D(15), target=D(5)),
        Indicator("arrived", "到位资金", "arrived_amount", points=D(15)),
        Indicator("fulfilling", "履约项目数", "fulfilling_count", points=D(10)),
        Indicator("leads", "报送线索", "leads_reported", points=D(10), target=D(20)),
        Indicator("valid", "有效线索", "leads_valid", points=D(10), target=D(10)),
    ),
    adjustment_cap=D(5))
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)


class AssessmentPlugin:
    """The benchmark city's scheme: every core metric, over the counties."""

    @hookimpl
    def assessment_schemes(self, city):
        return [SCHEME]


ONE_PASS = (
    sa.text("SELECT finding_unit_id, COUNT(*) FILTER (WHERE signed_on BETWEEN :s AND :e), "
            "SUM(amount) FILTER (WHERE signed_on BETWEEN :s AND :e), "
            "COUNT(*) FILTER (WHERE started_on BETWEEN :s AND :e) "
            "FROM projects GROUP BY finding_unit_id"),
    sa.text("SELECT reporting_unit_id, COUNT(*) FILTER (WHERE reported_on BETWEEN :s AND :e), "
            "COUNT(*) FILTER (WHERE reported_on BETWEEN :s AND :e "
            "AND status IN ('assigned', 'converted')) FROM leads GROUP BY reporting_unit_id"),
)


def run(app: Flask, repeat: int = 3) -> list[Row]:
    from core.services.assessments import create_run

    runtime = app.extensions["zhaoshang"]
    actor = Actor("bench", "officer", unit="office", city=runtime.city.code)
    units = []

    def assess() -> None:
        with runtime.sessions() as session:
            made = create_run(session, runtime.city, {"scheme": "bench", "period": str(YEAR)},
                              actor)
            units.append(len(made.results))
            session.rollback()

    def one_pass() -> None:
        with runtime.engine.connect() as connection:
            for statement in ONE_PASS:
                connection.execute(statement, {"s": START, "e": END}).all()

    with app.app_context():
        seconds = median_seconds(assess, repeat)
    baseline = median_seconds(one_pass, repeat)
    with runtime.engine.connect() as connection:
        projects = connection.scalar(sa.text("SELECT count(*) FROM projects"))
    return [Row("assessment", f"a run: {projects:,} projects × {units[-1]} units", seconds,
                baseline, "one SQL pass", note="no goal set by the issue; context")]
