"""``demo_data``: a city's own demo records, and its gates prepared for the core's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from core import hookimpl
from core.demo import load_demo_data
from core.models import Project
from tests.support.cities import make_city


def reviewed(project):
    # A new dict: SQLAlchemy does not see changes made inside a JSON value.
    project.attributes = {**project.attributes, "legal_review": "演示审查"}


class CityDemo:
    @hookimpl
    def demo_data(self, city, session, demo):
        demo.before_entering("signed", reviewed)
        demo.project(name="静宁苹果冷链物流园", unit=demo.host_units()[0], amount=Decimal(60000),
                     stage="started",
                     dates={"signed": dt.date(2023, 3, 1), "started": dt.date(2023, 4, 10)})

    @hookimpl
    def stage_required_fields(self, city, project, stage):
        return ["attributes.legal_review"] if stage == "signed" else None


def test_hook_demo_data_adds_the_citys_records_through_the_services(app_for):
    app = app_for(make_city(extra_plugins=[("demo", CityDemo())]))
    runtime = app.extensions["zhaoshang"]
    counts = load_demo_data(runtime, today=dt.date(2024, 6, 30))
    assert counts["projects"] >= 25  # the city's one and the core's generic ones
    with runtime.sessions() as session:
        mine = session.scalar(sa.select(Project).where(Project.name == "静宁苹果冷链物流园"))
        assert (mine.stage, mine.signed_on, mine.started_on) == (
            "started", dt.date(2023, 3, 1), dt.date(2023, 4, 10))
        # The city's gate held for the core's generic projects too: before_entering prepared them.
        signed = session.scalars(sa.select(Project).where(Project.signed_on.is_not(None))).all()
        assert len(signed) > 1
        assert all(p.attributes.get("legal_review") == "演示审查" for p in signed)


def test_hook_demo_data_runs_once(app_for):
    app = app_for(make_city(extra_plugins=[("demo", CityDemo())]))
    runtime = app.extensions["zhaoshang"]
    load_demo_data(runtime, today=dt.date(2024, 6, 30))
    assert load_demo_data(runtime) == {"skipped": 1}
