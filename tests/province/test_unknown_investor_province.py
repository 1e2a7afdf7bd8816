"""The province keeps an unknown investor province unknown (NULL), never 省内, and counts those
projects apart in each city's figures."""

from __future__ import annotations

import sqlalchemy as sa

from province.models import CityProject
from tests.province.test_province import YEAR, alpha, deliver, hub, messages  # noqa: F401
from tests.support.records import advance, create_project, enterprise


def test_an_unknown_investor_province_stays_unknown_and_is_counted_apart(hub, alpha):  # noqa: F811
    unknown = create_project(alpha.client, 1, amount="30000", enterprise=enterprise(
        1, credit_code=None, origin_province=None))
    outside = create_project(alpha.client, 2, amount="60000")  # a 广东省 investor: 省外
    for project in (unknown, outside):
        advance(alpha.client, project["id"], "signed")
    deliver(hub, messages(alpha))
    with hub.sessions() as session:
        flags = dict(session.execute(sa.select(CityProject.project_id,
                                               CityProject.out_of_province)).all())
    assert flags == {unknown["id"]: None, outside["id"]: True}
    row = {r["key"]: r for r in hub.get(f"/cities?{YEAR}")["cities"]}["alpha"]
    assert row["signed_amount"] == "90000.0000"
    assert row["out_of_province_signed_amount"] == "60000.0000"
    assert (row["out_of_province_unknown_count"], row["out_of_province_unknown_amount"]) == (
        "1", "30000.0000")
    # The city's own figures say the same.
    assert alpha.client.get(f"/stats?{YEAR}").json["out_of_province_unknown_count"] == "1"
    # Once the office names the investor's province, the province's figures follow.
    seen = max(r.offset for r in messages(alpha))
    response = alpha.client.patch(f"/enterprises/{unknown['enterprise']['id']}",
                                  json={"origin_province": "甘肃省", "reason": "补录投资方省份"})
    assert response.status_code == 200, response.json
    deliver(hub, messages(alpha, after=seen))
    row = {r["key"]: r for r in hub.get(f"/cities?{YEAR}")["cities"]}["alpha"]
    assert (row["out_of_province_unknown_count"], row["out_of_province_signed_amount"]) == (
        "0", "60000.0000")


def test_the_province_migrations_create_exactly_its_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.db import make_engine
    from province.migrate import upgrade
    from province.models import ProvinceBase

    engine = make_engine(db_url)
    try:
        upgrade(engine)
        tables = set(ProvinceBase.metadata.tables)

        def include(obj, name, type_, reflected, compare_to):
            table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table in tables

        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_object": include, "compare_type": True})
            assert compare_metadata(context, ProvinceBase.metadata) == []
    finally:
        engine.dispose()
